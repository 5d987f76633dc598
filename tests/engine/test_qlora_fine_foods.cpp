// QLoRA on real data, on the CPU: the default model (SmolLM2-135M-Instruct, Q4_1)
// with rank-16 adapters on every linear, trained by AdamW on the fine-food reviews
// asked as "positive or negative" (the data of test_qzo_fine_foods.cpp).
// Validation loss must fall and label accuracy rise over the zero-shot model's,
// and the ledger must show the adapters' gradients and AdamW moments at the sizes
// the method implies (4 and 8 bytes a trained value).
//
// CPU budget, stated: kSteps = 20 steps of 4 examples (one forward, one recomputed
// forward and one backward each: about 5 s a step with 2 threads on a 2-core
// machine) and two evaluations of kEvalExamples = 48 validation examples (about
// 60 s each): about 4 minutes. Not run under the sanitizers (scripts/test.sh).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "backend/cpu_backend.h"
#include "fine_foods_support.h"
#include "train/training_session.h"

namespace {

constexpr int64_t kSteps = 20;
constexpr int64_t kEvalExamples = 48;

int64_t live(const qt::MemorySnapshot& m, qt::MemoryCategory c) { return m.live[static_cast<int>(c)]; }

TEST(QloraFineFoods, ValidationLossFallsAndAccuracyRisesOverZeroShot) {
    qt::TrainConfig c = qt::test::fine_foods_config("qlora", kSteps, kEvalExamples);
    QT_REQUIRE_FINE_FOODS(c);
    c.lr = 2e-4;
    c.lora_rank = 16;
    c.lora_alpha = 32;
    auto backend = qt::make_cpu_backend(c.threads);
    qt::TrainingSession session(c, *backend);
    int64_t clipped = 0;
    double first_norm = 0, last_norm = 0;
    const auto run = qt::test::train_fine_foods(session, kEvalExamples, [&](const qt::StepRecord& r) {
        EXPECT_TRUE(r.first_order);
        EXPECT_TRUE(std::isfinite(r.grad_norm) && r.grad_norm > 0) << "step " << r.step;
        clipped += r.grad_clipped;
        (r.step == 0 ? first_norm : last_norm) = r.grad_norm;
    });
    ASSERT_TRUE(run.before.accuracy && run.after.accuracy) << "the validation examples carry no labels";
    const qt::EvalRecord &before = run.before, &after = run.after;
    const qt::MemorySnapshot m = backend->ledger().snapshot();
    const int64_t values = session.params().size();
    std::printf("[ fine foods ] %lld QLoRA steps (batch %d, lr %g, rank %d; %lld clipped, |g| %.3g -> %.3g) in %.0f s\n",
                static_cast<long long>(kSteps), c.batch_size, c.lr, c.lora_rank, static_cast<long long>(clipped),
                first_norm, last_norm, run.seconds);
    std::printf("[ fine foods ] ledger: weights %lld, adapters %lld, gradients %lld, optimizer states %lld, "
                "activations %lld bytes\n",
                static_cast<long long>(live(m, qt::MemoryCategory::Weights)),
                static_cast<long long>(live(m, qt::MemoryCategory::TrainableParameters)),
                static_cast<long long>(live(m, qt::MemoryCategory::Gradients)),
                static_cast<long long>(live(m, qt::MemoryCategory::OptimizerStates)),
                static_cast<long long>(live(m, qt::MemoryCategory::Activations)));
    EXPECT_LT(after.val_loss, before.val_loss - 0.3);
    EXPECT_GT(*after.accuracy, *before.accuracy + 0.1);
    EXPECT_EQ(live(m, qt::MemoryCategory::TrainableParameters), values * 4);
    EXPECT_EQ(live(m, qt::MemoryCategory::Gradients), values * 4);
    EXPECT_EQ(live(m, qt::MemoryCategory::OptimizerStates), values * 8);
}

}  // namespace
