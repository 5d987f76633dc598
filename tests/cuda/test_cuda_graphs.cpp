// Backend::run_repeated on the CUDA backend: a training forward (layers, head,
// per-row losses) is recorded into a CUDA graph once and replayed. A replay must
// give what running the operations directly gives, bit for bit: across QZO steps
// (the perturbation reaches the recorded dequantizations through the scale slots
// in device memory, not through values baked into the record), and after
// something the record depends on has changed (a one-sequence forward of another
// length makes a new rope table: the record must be made again, not replayed).
// Where an operation cannot be recorded (attention of head size 32 has no tiled
// kernel; its fallback allocates a cache per call), every forward runs directly,
// with the same result.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "backend/cuda_backend.h"
#include "cuda_test_support.h"
#include "methods/qzo_scales.h"
#include "model/llama_model.h"

namespace qt::test {
namespace {

std::unique_ptr<Backend> make_backend(bool graphs) {
    if (!graphs) setenv("QT_CUDA_GRAPHS", "0", 1);
    auto b = make_cuda_backend(0);
    unsetenv("QT_CUDA_GRAPHS");
    return b;
}

class CudaGraphs : public ::testing::TestWithParam<int> {};

TEST_P(CudaGraphs, ReplayedTrainingForwardsEqualDirectOnesBitForBit) {
    QT_REQUIRE_GPU(gpu);
    const int head_dim = GetParam();
    const uint64_t seed = fresh_seed();
    RandomLlamaSpec spec = small_llama_spec(GgmlType::Q4_0, 500, seed);
    spec.tied_output = false;  // the head is a trained Q4_0 weight too
    spec.n_heads = spec.dim / head_dim;
    spec.n_kv_heads = spec.n_heads / 2;
    const auto file = open_random_llama(spec, "graphs");
    constexpr int kSeqs = 8, kLen = 32;  // 256 tokens: the tensor-core path
    const auto [tokens, targets] = random_next_token_batch(kSeqs, kLen, spec.vocab_size, seed + 1);

    constexpr int kSteps = 6;
    constexpr float kEps = 0.02f;
    auto run = [&](Backend& be) {
        LlamaLoadOptions writable;
        writable.writable_weights = true;
        auto model = LlamaModel::load(file, be, writable);
        model->set_head_chunk_bytes(size_t{128} * sizeof(float) * static_cast<size_t>(spec.vocab_size));  // 2 chunks
        QzoScales scales(*model, QzoOptions{});
        KvCache cache = model->make_cache(kLen);
        std::vector<double> losses;
        std::vector<float> logits;
        for (int step = 0; step < kSteps; ++step) {
            const ZoNoise noise{seed + 2, static_cast<uint64_t>(step)};
            scales.perturb(noise, kEps);
            const double plus = model->forward_nll_batch(tokens, kSeqs, cache, targets);
            scales.perturb(noise, -kEps);
            const double minus = model->forward_nll_batch(tokens, kSeqs, cache, targets);
            losses.push_back(plus);
            losses.push_back(minus);
            // A step of 1e-4 z (about 1% of these scales) downhill: large enough to
            // change every loss, small enough never to blow the model up.
            scales.finish_step(noise, plus > minus ? 1e-4f : -1e-4f);
            if (step == 3) {  // another rope table: what the record read has changed
                cache.n_filled = 0;
                model->forward(std::span<const int32_t>(tokens).first(kLen - 5), cache, logits, false);
            }
        }
        return losses;
    };
    auto direct_backend = make_backend(false);
    auto graph_backend = make_backend(true);
    const std::vector<double> direct = run(*direct_backend);
    const std::vector<double> replayed = run(*graph_backend);
    const int64_t launches = cuda_graph_launches(*graph_backend);
    std::printf("[ graphs   ] head size %d: %d forwards, %lld of them graph launches; first losses %.12g / %.12g\n",
                head_dim, 2 * kSteps, static_cast<long long>(launches), replayed[0], replayed[1]);
    EXPECT_EQ(cuda_graph_launches(*direct_backend), 0);
    // Step 0's first forward runs directly (the warm-up), its second is recorded
    // and launched; after the new rope table, step 4's likewise: 2 of 12 direct.
    // Head size 32 cannot be recorded: all direct.
    EXPECT_EQ(launches, head_dim == 32 ? 0 : 2 * kSteps - 2);
    ASSERT_EQ(direct.size(), replayed.size());
    for (size_t i = 0; i < direct.size(); ++i) {
        ASSERT_TRUE(std::isfinite(direct[i])) << "forward " << i;
        EXPECT_EQ(direct[i], replayed[i]) << "forward " << i;
    }
    // The perturbations reached the replays: every forward's loss differs from the one before.
    for (size_t i = 1; i < replayed.size(); ++i) EXPECT_NE(replayed[i], replayed[i - 1]) << "forward " << i;
}

INSTANTIATE_TEST_SUITE_P(HeadSizes, CudaGraphs, ::testing::Values(64, 32));

}  // namespace
}  // namespace qt::test
