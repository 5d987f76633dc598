// LlamaModel::forward_nll_batch (sequences side by side in one pass, attention
// inside each through Backend::attention_batch, the head in chunks of rows, and
// only on the rows that have a target when few do) against one forward_nll per
// sequence, on the CPU backend.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>

#include "tiny_model_support.h"

TEST(ForwardNllBatch, EqualsOneSequenceAtATimeWithTheHeadInChunks) {
    qt::RandomLlamaSpec spec;
    spec.seed = 3;
    qt::test::TinyCpuModel tiny("nll_batch", spec);
    qt::LlamaModel* model = tiny.model.get();
    constexpr int kSeqs = 3, kLen = 50;
    std::mt19937 rng(9);
    std::uniform_int_distribution<int32_t> id(0, spec.vocab_size - 1);
    std::vector<int32_t> tokens(kSeqs * kLen), targets(kSeqs * kLen);
    for (auto& t : tokens) t = id(rng);
    // Most rows with a target (the head over all rows), or the last three of each
    // sequence only (9 of 150: the head over 64 gathered rows).
    for (bool sparse : {false, true}) {
    SCOPED_TRACE(sparse ? "sparse targets" : "dense targets");
    for (int s = 0; s < kSeqs; ++s)
        for (int t = 0; t < kLen; ++t)
            targets[s * kLen + t] = t + 1 < kLen && (sparse ? t >= kLen - 4 : t % 7 != 3) ? tokens[s * kLen + t + 1] : -1;
    qt::KvCache cache = model->make_cache(kLen);
    double apart = 0;
    for (int s = 0; s < kSeqs; ++s) {
        cache.n_filled = 0;
        apart += model->forward_nll(std::span<const int32_t>(tokens).subspan(s * kLen, kLen), cache, 0,
                                    std::span<const int32_t>(targets).subspan(s * kLen, kLen));
    }
    for (size_t chunk_bytes : {size_t{64} << 20, size_t{1}}) {  // one chunk; chunks of 64 rows (64 + 64 + 22)
        model->set_head_chunk_bytes(chunk_bytes);
        const double together = model->forward_nll_batch(tokens, kSeqs, cache, targets);
        EXPECT_NEAR(together, apart, 1e-10 * std::fabs(apart)) << "chunk bytes " << chunk_bytes;
        EXPECT_EQ(cache.n_filled, 0) << "a batched pass leaves the cache empty";
    }
    EXPECT_GT(apart, 0.0);
    }
}
