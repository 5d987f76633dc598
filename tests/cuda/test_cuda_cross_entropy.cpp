// The fused cross-entropy (Backend::cross_entropy_sum) on the GPU against the
// base class's host loop (double log-sum-exp), on random logits and through a
// whole model (LlamaModel::forward_nll against forward + host loss).
// Bound 1e-6 relative: the GPU's exp terms are float (1 ulp each), summed in float
// 16 at a time (each sum at most 16: 1e-6 of it at worst) and those sums in double.
// And LlamaModel::forward_nll_batch (sequences side by side in one pass) against
// forward_nll per sequence, on both backends: every row is computed alike, only
// the order of the final double sum differs (bound 1e-10 relative).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "cuda_test_support.h"
#include "methods/qzo_scales.h"
#include "model/llama_model.h"

namespace qt::test {
namespace {

TEST(CudaCrossEntropy, RowsMatchTheHostLoop) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    for (const auto& [n, vocab] : {std::pair{1, 257}, std::pair{37, 32000}, std::pair{300, 49152}}) {
        const auto logits = random_floats(static_cast<size_t>(n) * vocab, 3.0f, rng);
        std::uniform_int_distribution<int32_t> id(-1, vocab - 1);  // -1: a row without a target
        std::vector<int32_t> targets(static_cast<size_t>(n));
        for (auto& t : targets) t = id(rng);
        targets[0] = vocab - 1;
        double sums[2];
        Backend* backends[2] = {gpu, shared_cpu_backend()};
        for (int k = 0; k < 2; ++k) {
            DeviceBuffer lb = to_backend(*backends[k], logits);
            sums[k] = backends[k]->cross_entropy_sum(lb.f32(), targets, vocab);
        }
        const double rel = std::fabs(sums[0] - sums[1]) / std::fabs(sums[1]);
        std::printf("[ xent     ] %d rows of %d: GPU %.12g CPU %.12g, relative difference %.3g\n", n, vocab, sums[0],
                    sums[1], rel);
        EXPECT_TRUE(std::isfinite(sums[0]));
        EXPECT_LE(rel, 1e-6);
    }
}

TEST(CudaCrossEntropy, ModelLossOnTheDeviceEqualsHostLoss) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    const RandomLlamaSpec spec = small_llama_spec(GgmlType::Q4_0, 500, seed);
    const auto file = open_random_llama(spec, "xent");
    auto model = LlamaModel::load(file, *gpu);
    std::mt19937_64 rng(seed + 1);
    std::uniform_int_distribution<int32_t> id(0, spec.vocab_size - 1);
    std::vector<int32_t> tokens(40);
    for (auto& t : tokens) t = id(rng);
    const int first = 5;  // rows 5..39 predict tokens 6..39; the last row has no target
    std::vector<int32_t> targets(tokens.begin() + first + 1, tokens.end());
    targets.push_back(-1);
    KvCache cache = model->make_cache(64);
    const double on_device = model->forward_nll(tokens, cache, first, targets);
    cache.n_filled = 0;
    std::vector<float> logits(static_cast<size_t>(tokens.size() - first) * spec.vocab_size);
    model->forward(tokens, cache, first, logits.data());
    double host = 0;
    for (size_t r = 0; r + 1 < tokens.size() - first; ++r) {
        const float* row = logits.data() + r * spec.vocab_size;
        double mx = row[0];
        for (int i = 1; i < spec.vocab_size; ++i) mx = std::max(mx, static_cast<double>(row[i]));
        double s = 0;
        for (int i = 0; i < spec.vocab_size; ++i) s += std::exp(row[i] - mx);
        host += mx + std::log(s) - row[targets[r]];
    }
    std::printf("[ xent     ] model: forward_nll %.12g, forward + host %.12g\n", on_device, host);
    EXPECT_LE(std::fabs(on_device - host), 1e-6 * std::fabs(host));
}

TEST(CudaCrossEntropy, BatchOfSequencesEqualsOneAtATime) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    const RandomLlamaSpec spec = small_llama_spec(GgmlType::Q4_1, 500, seed);
    const auto file = open_random_llama(spec, "batch");
    constexpr int kSeqs = 3, kLen = 40;  // 120 tokens: below the GPU's tensor-core threshold, as one sequence is
    const auto [tokens, targets] = random_next_token_batch(kSeqs, kLen, spec.vocab_size, seed + 1);
    for (Backend* be : {gpu, shared_cpu_backend()}) {
        auto model = LlamaModel::load(file, *be);
        model->set_head_chunk_bytes(1);  // the head in chunks of 64 rows: 64 + 56 here
        KvCache cache = model->make_cache(kLen);
        const double together = model->forward_nll_batch(tokens, kSeqs, cache, targets);
        double apart = 0;
        for (int s = 0; s < kSeqs; ++s) {
            cache.n_filled = 0;
            apart += model->forward_nll(std::span<const int32_t>(tokens).subspan(s * kLen, kLen), cache, 0,
                                        std::span<const int32_t>(targets).subspan(s * kLen, kLen));
        }
        std::printf("[ xent     ] %s: %d sequences together %.12g, one at a time %.12g\n", be->name().c_str(), kSeqs,
                    together, apart);
        EXPECT_LE(std::fabs(together - apart), 1e-10 * std::fabs(apart)) << be->name();
    }
}

// The tensor-core head over several logit chunks of one forward reuses the bf16
// copy of the head weight that the first chunk made (CudaBackend::gemm): the sum
// must equal that of one chunk, also after QZO has perturbed the scales between
// forwards (a stale copy would keep the previous scales).
TEST(CudaCrossEntropy, HeadInChunksEqualsOneChunkAcrossPerturbations) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    RandomLlamaSpec spec = small_llama_spec(GgmlType::Q4_0, 500, seed);
    spec.tied_output = false;  // the head is a trained Q4_0 weight
    const auto file = open_random_llama(spec, "chunks");
    constexpr int kSeqs = 8, kLen = 48;  // 384 tokens
    // Chunks of 128 rows (the tensor-core path starts at 128): 3 of them.
    const size_t three_chunks = size_t{128} * sizeof(float) * static_cast<size_t>(spec.vocab_size);
    const auto [tokens, targets] = random_next_token_batch(kSeqs, kLen, spec.vocab_size, seed + 1);
    LlamaLoadOptions writable;
    writable.writable_weights = true;
    auto model = LlamaModel::load(file, *gpu, writable);
    QzoScales scales(*model, QzoOptions{});
    KvCache cache = model->make_cache(kLen);
    auto loss = [&](size_t chunk_bytes) {
        model->set_head_chunk_bytes(chunk_bytes);
        return model->forward_nll_batch(tokens, kSeqs, cache, targets);
    };
    const ZoNoise noise{seed + 2, 1};
    double previous = 0;
    for (float alpha : {0.0f, 0.05f, -0.05f}) {
        scales.perturb(noise, alpha);
        const double chunked = loss(three_chunks), whole = loss(size_t{64} << 20), chunked_again = loss(three_chunks);
        std::printf("[ xent     ] alpha %+.2f: head in 3 chunks %.12g, in one %.12g\n", alpha, chunked, whole);
        EXPECT_LE(std::fabs(chunked - whole), 1e-6 * std::fabs(whole)) << "alpha " << alpha;
        EXPECT_EQ(chunked, chunked_again) << "alpha " << alpha;
        if (alpha != 0.0f) {
            EXPECT_GT(std::fabs(chunked - previous), 1e-3 * std::fabs(previous)) << "alpha " << alpha;
        }
        previous = chunked;
    }
    scales.finish_step(noise, 0.0f);
}

}  // namespace
}  // namespace qt::test
