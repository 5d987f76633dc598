// Q-GaLore on real data, on the CPU: the default model (SmolLM2-135M-Instruct, Q4_1)
// with every block linear converted to INT8, trained on the fine-food reviews asked
// as "positive or negative" (the data of test_qlora_fine_foods.cpp). Validation loss
// must fall and label accuracy rise over the zero-shot model's; the ledger must show
// the INT8 weights, INT4 projections and 8-bit states at the sizes the layout
// implies, and no more gradient than one layer's dW plus the low-rank buffers.
//
// CPU budget, stated: kSteps = 20 steps of 4 examples (one forward, one recomputed
// forward and one backward, about 5 s a step with 2 threads; the first adds 210
// SVDs, about 15 s) and two evaluations of kEvalExamples = 48 validation examples:
// about 4 minutes. Not run under the sanitizers (scripts/test.sh).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "backend/cpu_backend.h"
#include "fine_foods_support.h"
#include "methods/qgalore.h"
#include "train/training_session.h"

namespace {

constexpr int64_t kSteps = 20;
constexpr int64_t kEvalExamples = 48;

int64_t live(const qt::MemorySnapshot& m, qt::MemoryCategory c) { return m.live[static_cast<int>(c)]; }
int64_t peak(const qt::MemorySnapshot& m, qt::MemoryCategory c) { return m.peak[static_cast<int>(c)]; }

TEST(QgaloreFineFoods, ValidationLossFallsAndAccuracyRisesOverZeroShot) {
    qt::TrainConfig c = qt::test::fine_foods_config("qgalore", kSteps, kEvalExamples);
    QT_REQUIRE_FINE_FOODS(c);
    c.lr = 1e-4;
    c.galore_rank = 128;
    auto backend = qt::make_cpu_backend(c.threads);
    qt::TrainingSession session(c, *backend);
    double first_norm = 0, last_norm = 0, svds = 0, saved = 0;
    const auto run = qt::test::train_fine_foods(session, kEvalExamples, [&](const qt::StepRecord& r) {
        EXPECT_TRUE(std::isfinite(r.grad_norm) && r.grad_norm > 0) << "step " << r.step;
        (r.step == 0 ? first_norm : last_norm) = r.grad_norm;
        ASSERT_EQ(r.method_metrics.per_layer.size(), 3u);
        svds = saved = 0;
        for (double v : r.method_metrics.per_layer[0].values) svds += v;
        for (double v : r.method_metrics.per_layer[1].values) saved += v;
    });
    ASSERT_TRUE(run.before.accuracy && run.after.accuracy) << "the validation examples carry no labels";
    const qt::EvalRecord &before = run.before, &after = run.after;
    const qt::MemorySnapshot m = backend->ledger().snapshot();
    std::printf("[ fine foods ] %lld Q-GaLore steps (batch %d, lr %g, rank %d; |g| %.3g -> %.3g; %.0f SVDs) in %.0f s\n",
                static_cast<long long>(kSteps), c.batch_size, c.lr, c.galore_rank, first_norm, last_norm, svds,
                run.seconds);
    std::printf("[ fine foods ] ledger: weights %lld, INT8 weights %lld, INT4 projections %lld, 8-bit states %lld, "
                "gradients peak %lld, activations %lld bytes; peak total %lld\n",
                static_cast<long long>(live(m, qt::MemoryCategory::Weights)),
                static_cast<long long>(live(m, qt::MemoryCategory::TrainableParameters)),
                static_cast<long long>(live(m, qt::MemoryCategory::Projections)),
                static_cast<long long>(live(m, qt::MemoryCategory::OptimizerStates)),
                static_cast<long long>(peak(m, qt::MemoryCategory::Gradients)),
                static_cast<long long>(live(m, qt::MemoryCategory::Activations)), static_cast<long long>(m.total_peak));
    EXPECT_LT(after.val_loss, before.val_loss - 0.3);
    EXPECT_GT(*after.accuracy, *before.accuracy + 0.1);

    // Sizes the layout implies, summed over the 210 linears.
    const qt::LlamaConfig& lc = session.model().model->config();
    int64_t int8 = 0, int4 = 0, states = 0, largest = 0, largest_r = 0;
    for (int l = 0; l < lc.n_layers; ++l)
        for (int s = 0; s < static_cast<int>(qt::LinearSlot::Head); ++s) {
            const qt::WeightTensor& w = session.model().model->linear({l, static_cast<qt::LinearSlot>(s)});
            const int64_t n = w.rows * w.cols, r = std::min<int64_t>({c.galore_rank, w.rows, w.cols});
            const int64_t p = r * std::min(w.rows, w.cols), low = r * std::max(w.rows, w.cols);
            int8 += n + (n + 255) / 256 * 8;
            int4 += (p + 1) / 2 + (p + 255) / 256 * 8;
            states += 2 * low + (low + 255) / 256 * 8;
            largest = std::max(largest, n);
            largest_r = std::max(largest_r, low);
        }
    EXPECT_EQ(live(m, qt::MemoryCategory::TrainableParameters), int8);
    EXPECT_GE(live(m, qt::MemoryCategory::Projections), int4);  // + one float32 P as scratch
    EXPECT_EQ(live(m, qt::MemoryCategory::OptimizerStates), states);
    // No full-rank gradient outlives its layer: one dW plus R and Adam's low-rank step.
    EXPECT_LE(peak(m, qt::MemoryCategory::Gradients), largest * 4 + 2 * largest_r * 4);
    // Gap 200 > 20 steps: one SVD per linear, at the first step.
    EXPECT_EQ(svds, 7.0 * lc.n_layers);
    EXPECT_EQ(saved, 0.0);
}

}  // namespace
