// Training's attention with the rotary embedding applied inside it
// (Backend::rope_attention_batch). Bounds and why:
//   GPU fused vs GPU rope + rope + attention_batch   bit-identical: the kernel
//       rotates with the same cos/sin table and the same unfused float products
//       and sums as rope_from_table, then rounds to fp16 where the plain kernel
//       rounds the rotated values it reads; the rest is the same kernel.
//   GPU fused vs CPU                                 1e-3, as attention (the CPU rounds
//       probabilities to fp16; rope differs by cosf/sinf against cos/sin, 1e-5).
//   rope_attention_matmul_add (the attention writes bf16 for the tensor-core
//       projection) vs rope_attention_batch + matmul_add   bit-identical: the
//       same floats, rounded to bf16 by the attention kernel instead of by the
//       GEMM's conversion pass.
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
        b.rope_attention_batch(qb.f32(), kb.f32(), vb.f32(), pos, RopeSpec{c.n_rot, base}, c.n_seqs, c.seq_len, s, ob.f32());
    } else {
        b.rope(qb.f32(), pos, s.n_heads, s.head_dim, RopeSpec{c.n_rot, base});
        b.rope(kb.f32(), pos, s.n_kv_heads, s.head_dim, RopeSpec{c.n_rot, base});
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

TEST(CudaRopeAttention, ProjectionFromBf16OutputEqualsProjectionOfFloatOutput) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    // 128 tokens and up: the projection takes the tensor-core path. n_rot 30: the
    // fused kernel declines and both run the separate calls.
    for (const Case& c : {Case{{9, 3, 64}, 64, 2, 100}, Case{{8, 2, 128}, 128, 2, 70}, Case{{4, 4, 64}, 30, 3, 45}}) {
        const AttentionShape& s = c.shape;
        SCOPED_TRACE("heads=" + std::to_string(s.n_heads) + "/" + std::to_string(s.n_kv_heads) + " head_dim=" +
                     std::to_string(s.head_dim) + " n_rot=" + std::to_string(c.n_rot) + ", seed " +
                     std::to_string(seed));
        const int n = c.n_seqs * c.seq_len, width = s.n_heads * s.head_dim;
        std::vector<int32_t> pos(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) pos[static_cast<size_t>(i)] = i % c.seq_len;
        const auto q = random_floats(static_cast<size_t>(n) * width, 1.0f, rng);
        const auto k = random_floats(static_cast<size_t>(n) * s.n_kv_heads * s.head_dim, 1.0f, rng);
        const auto v = random_floats(k.size(), 1.0f, rng);
        const auto residual = random_floats(static_cast<size_t>(n) * width, 1.0f, rng);
        const auto blocks = random_weight_rows(GgmlType::Q4_0, width, width, 0.05f, rng);
        const WeightTensor wo = gpu->load_weight("wo", GgmlType::Q4_0, width, width, blocks.data(), false);
        std::vector<float> y[2];
        for (int fused = 0; fused < 2; ++fused) {
            DeviceBuffer qb = to_backend(*gpu, q), kb = to_backend(*gpu, k), vb = to_backend(*gpu, v);
            DeviceBuffer yb = to_backend(*gpu, residual);
            DeviceBuffer att = gpu->alloc(q.size() * sizeof(float), MemoryCategory::Activations);
            DeviceBuffer scratch = gpu->alloc(q.size() * sizeof(float), MemoryCategory::Activations);
            if (fused) {
                gpu->rope_attention_matmul_add(qb.f32(), kb.f32(), vb.f32(), pos, RopeSpec{c.n_rot, 10000.0f}, c.n_seqs,
                                               c.seq_len, s, att.f32(), wo, yb.f32(), scratch.f32());
            } else {
                gpu->rope_attention_batch(qb.f32(), kb.f32(), vb.f32(), pos, RopeSpec{c.n_rot, 10000.0f}, c.n_seqs, c.seq_len,
                                          s, att.f32());
                gpu->matmul_add(wo, att.f32(), yb.f32(), n, scratch.f32());
            }
            y[fused] = from_backend(*gpu, yb, residual.size());
        }
        size_t differ = 0, moved = 0;
        for (size_t i = 0; i < residual.size(); ++i) {
            differ += std::memcmp(&y[0][i], &y[1][i], sizeof(float)) != 0;
            moved += y[1][i] != residual[i];
        }
        EXPECT_EQ(differ, 0u) << "of " << residual.size();
        EXPECT_GT(moved, residual.size() / 2) << "the projection left the residual as it was";
    }
}

}  // namespace
}  // namespace qt::test
