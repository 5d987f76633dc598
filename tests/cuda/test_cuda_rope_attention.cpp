// Training's attention with the rotary embedding applied inside it
// (Backend::rope_attention_batch). Bounds and why:
//   GPU fused vs GPU rope + rope + attention_batch   bit-identical: the kernel
//       rotates with the same cos/sin table and the same unfused float products
//       and sums as rope_from_table, then rounds to fp16 where the plain kernel
//       rounds the rotated values it reads; the rest is the same kernel.
//   GPU fused vs CPU                                 1e-3, as attention (the CPU rounds
//       probabilities to fp16; rope differs by cosf/sinf against cos/sin, 1e-5).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "cuda_test_support.h"

namespace qt::test {
namespace {

struct Case {
    AttentionShape shape;
    int n_rot, n_seqs, seq_len;
};

// out of b.rope_attention_batch (fused) or of b.rope, b.rope, b.attention_batch.
std::vector<float> run(Backend& b, const Case& c, const std::vector<int32_t>& pos, const std::vector<float>& q,
                       const std::vector<float>& k, const std::vector<float>& v, bool fused) {
    const AttentionShape& s = c.shape;
    const float base = 10000.0f;
    DeviceBuffer qb = to_backend(b, q), kb = to_backend(b, k), vb = to_backend(b, v);
    DeviceBuffer ob = b.alloc(q.size() * sizeof(float), MemoryCategory::Activations);
    if (fused) {
        b.rope_attention_batch(qb.f32(), kb.f32(), vb.f32(), pos, c.n_rot, base, c.n_seqs, c.seq_len, s, ob.f32());
    } else {
        b.rope(qb.f32(), pos, s.n_heads, s.head_dim, c.n_rot, base);
        b.rope(kb.f32(), pos, s.n_kv_heads, s.head_dim, c.n_rot, base);
        b.attention_batch(qb.f32(), kb.f32(), vb.f32(), c.n_seqs, c.seq_len, s, ob.f32());
    }
    return from_backend(b, ob, q.size());
}

TEST(CudaRopeAttention, FusedMatchesSeparateRopeBitForBitAndCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    // Sequence lengths off the 64-key tiles; GQA and not; n_rot below head_dim
    // (32: fused; 30: not a multiple of 4, the GPU falls back to the separate calls).
    for (const Case& c : {Case{{9, 3, 64}, 64, 3, 100}, Case{{9, 3, 64}, 32, 2, 70}, Case{{32, 32, 128}, 128, 2, 200},
                          Case{{32, 8, 128}, 128, 4, 130}, Case{{4, 4, 64}, 30, 3, 45}}) {
        const AttentionShape& s = c.shape;
        SCOPED_TRACE("heads=" + std::to_string(s.n_heads) + "/" + std::to_string(s.n_kv_heads) + " head_dim=" +
                     std::to_string(s.head_dim) + " n_rot=" + std::to_string(c.n_rot) + " " +
                     std::to_string(c.n_seqs) + " x " + std::to_string(c.seq_len));
        const size_t n = static_cast<size_t>(c.n_seqs) * c.seq_len;
        // Each sequence from its own offset, so that a table row taken from the
        // wrong token (or sequence) shows.
        std::vector<int32_t> pos(n);
        for (size_t i = 0; i < n; ++i) pos[i] = static_cast<int32_t>(i % c.seq_len + 37 * (i / c.seq_len));
        const auto q = random_floats(n * s.n_heads * s.head_dim, 1.0f, rng);
        const auto k = random_floats(n * s.n_kv_heads * s.head_dim, 1.0f, rng);
        const auto v = random_floats(n * s.n_kv_heads * s.head_dim, 1.0f, rng);

        const auto fused = run(*gpu, c, pos, q, k, v, true);
        const auto separate = run(*gpu, c, pos, q, k, v, false);
        const auto on_cpu = run(cpu, c, pos, q, k, v, true);
        size_t differ = 0;
        for (size_t i = 0; i < fused.size(); ++i)
            differ += std::memcmp(&fused[i], &separate[i], sizeof(float)) != 0;
        const double err = relative_error(fused, on_cpu);
        std::printf("[ attn     ] rope+attention %d x %d, heads %d/%d, head_dim %d, n_rot %d: %zu of %zu values "
                    "differ from separate rope, relative error %.3g against the CPU\n",
                    c.n_seqs, c.seq_len, s.n_heads, s.n_kv_heads, s.head_dim, c.n_rot, differ, fused.size(), err);
        EXPECT_EQ(differ, 0u);
        EXPECT_LE(err, 1e-3);
    }
}

}  // namespace
}  // namespace qt::test
