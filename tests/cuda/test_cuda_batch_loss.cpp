// Training's loss on the GPU: BatchLoss runs a mini-batch's sequences side by
// side (padded to one length, Backend::preferred_batch_tokens per forward), so
// the tensor cores see many rows and forwards repeat in a few shapes that the
// backend replays as CUDA graphs. It must give the CPU's loss of the same
// examples run one after another, within the tensor-core path's rounding, over
// several mini-batches of mixed lengths.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "cuda_test_support.h"
#include "model/llama_model.h"
#include "train/batch_loss.h"

namespace qt::test {
namespace {

TEST(CudaBatchLoss, SideBySideOnGpuMatchesOneAfterAnotherOnCpu) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    RandomLlamaSpec spec = small_llama_spec(GgmlType::Q4_0, 500, seed);
    spec.n_heads = 2;  // head size 64: the tiled attention
    spec.n_kv_heads = 1;
    const auto file = open_random_llama(spec, "batch_loss");
    auto gpu_model = LlamaModel::load(file, *gpu);
    auto cpu_model = LlamaModel::load(file, *shared_cpu_backend());
    BatchLoss on_gpu(*gpu_model, 64), on_cpu(*cpu_model, 64, 0);
    std::mt19937_64 rng(seed + 1);
    std::uniform_int_distribution<int32_t> token(0, spec.vocab_size - 1);
    std::uniform_int_distribution<int> length(8, 64);
    for (int b = 0; b < 4; ++b) {
        std::vector<Example> examples(16);
        for (Example& ex : examples) {
            const int n = length(rng);
            for (int t = 0; t < n; ++t) ex.tokens.push_back(token(rng));
            ex.loss_mask.assign(ex.tokens.size(), 0);
            for (int t = n / 3; t < n; ++t) ex.loss_mask[static_cast<size_t>(t)] = 1;
        }
        std::vector<const Example*> batch;
        for (const Example& ex : examples) batch.push_back(&ex);
        const TokenLoss g = on_gpu.evaluate(batch), c = on_cpu.evaluate(batch);
        const double rel = std::fabs(g.sum_nll - c.sum_nll) / std::fabs(c.sum_nll);
        std::printf("[ batch    ] mini-batch %d: GPU side by side %.9g, CPU one after another %.9g (%lld targets), "
                    "relative difference %.2e\n",
                    b, g.sum_nll, c.sum_nll, static_cast<long long>(c.count), rel);
        EXPECT_EQ(g.count, c.count);
        EXPECT_LT(rel, 2e-3);
    }
    EXPECT_EQ(on_gpu.tokens_processed(), on_cpu.tokens_processed());
}

}  // namespace
}  // namespace qt::test
