// MeZO's float32 copy of the linear layers: the float path computes what the
// quantized one does, and a step moves every weight by exactly (eps - eta g) z
// relative to where the perturbations left it.
#pragma GCC optimize("fp-contract=off")
#include <gtest/gtest.h>

#include <cmath>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "methods/mezo_weights.h"
#include "quant/dequantize.h"
#include "test_support.h"
#include "util/philox_normal.h"

namespace {

TEST(MezoWeights, FloatCopyComputesTheQuantizedModelsLogitsAndStepsFollowTheSeed) {
    const std::string path = qt::test::make_temp_dir("mezo") + "/tiny.gguf";
    qt::RandomLlamaSpec spec;
    spec.weight_type = qt::GgmlType::Q8_0;  // 8-bit weights: float and quantized paths nearly equal
    spec.seed = 9;
    qt::write_random_llama_gguf(path, spec);
    auto file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(path));
    auto backend = qt::make_cpu_backend(1);
    qt::LlamaLoadOptions lo;
    lo.writable_weights = true;
    auto model = qt::LlamaModel::load(file, *backend, lo);
    const std::vector<int32_t> tokens = {5, 17, 99, 250, 3, 77, 140, 12};
    auto cache = model->make_cache(16);
    std::vector<float> quantized, floats;
    model->forward(tokens, cache, quantized, true);

    const int64_t weights_before = backend->ledger().snapshot().live[0];
    qt::MezoWeights mezo(*model);
    const auto snap = backend->ledger().snapshot();
    EXPECT_EQ(snap.live[static_cast<int>(qt::MemoryCategory::TrainableParameters)], mezo.size() * 4);
    EXPECT_LT(snap.live[0], weights_before);  // the quantized linears were released
    for (const qt::WeightTensor* w : model->trainable_linears()) EXPECT_EQ(w->type, qt::GgmlType::F32);
    cache.n_filled = 0;
    model->forward(tokens, cache, floats, true);
    float worst = 0;
    double sum = 0;
    for (size_t i = 0; i < floats.size(); ++i) {
        worst = std::max(worst, std::fabs(floats[i] - quantized[i]));
        sum += std::fabs(floats[i] - quantized[i]);
    }
    const double mean = sum / floats.size();
    std::printf("|logit difference| float vs Q8_0 path: mean %.5f, max %.5f\n", mean, worst);
    // Only the quantized path's 8-bit rounding of activations differs (logits spread ~2).
    EXPECT_LT(mean, 0.05);
    EXPECT_LT(worst, 0.3f);

    std::vector<float> w0(static_cast<size_t>(mezo.size())), w1(w0.size());
    mezo.read(0, mezo.size(), w0.data());
    const qt::ZoNoise noise{4, 2};
    const float eps = 1e-3f, coeff = 2e-4f;
    mezo.perturb(noise, eps);
    mezo.perturb(noise, -eps);
    mezo.finish_step(noise, coeff);
    mezo.read(0, mezo.size(), w1.data());
    for (size_t i = 0; i < w0.size(); i += 97) {
        const float z = qt::philox_normal(noise.seed, noise.step, i);
        const float plus = w0[i] + eps * z;
        const float minus = plus + (-2 * eps) * z;
        ASSERT_EQ(w1[i], minus + (eps - coeff) * z) << i;
        EXPECT_NEAR(w1[i], w0[i] - coeff * z, 1e-6f);
    }
}

TEST(MezoWeights, FloatMatmulMatchesADoubleProduct) {
    auto backend = qt::make_cpu_backend(1);
    const int rows = 37, cols = 75, n = 3;  // not multiples of the kernel's chunk or lanes
    std::vector<float> w(rows * cols), x(n * cols), y(n * rows);
    for (size_t i = 0; i < w.size(); ++i) w[i] = qt::philox_normal(1, 0, i);
    for (size_t i = 0; i < x.size(); ++i) x[i] = qt::philox_normal(1, 1, i);
    qt::WeightTensor wt;
    wt.type = qt::GgmlType::F32;
    wt.rows = rows;
    wt.cols = cols;
    wt.row_bytes = cols * 4;
    wt.data = w.data();
    backend->matmul_f32(wt, x.data(), y.data(), n);
    for (int t = 0; t < n; ++t)
        for (int r = 0; r < rows; ++r) {
            double ref = 0;
            for (int k = 0; k < cols; ++k) ref += static_cast<double>(w[r * cols + k]) * x[t * cols + k];
            ASSERT_NEAR(y[t * rows + r], ref, 1e-4) << t << " " << r;
        }
}

}  // namespace
