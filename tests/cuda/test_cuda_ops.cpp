// Every CUDA backend operation against the CPU backend on random inputs.
// Error bounds (relative: ||gpu - cpu|| / ||cpu|| unless said) and why:
//   matmul, every format       2e-6 of || |W| |x| ||: both backends quantize activations
//                                    identically (Q8_0/Q8_1/Q8_K) and compute the same
//                                    integer dots (float formats: the same float dots);
//                                    only float summation order and fused multiply-adds differ.
//   matmul vs float64 of the dequantized weights (64 outputs or more): 2e-2 for
//                                    quantized formats (8-bit activations), 1e-5 for float.
//   embed, kv_store            bit-exact.
//   rmsnorm, swiglu            1e-6; add exact.
//   rope                       1e-5  (cosf/sinf against the C library's cos/sin)
//   attention                  1e-3  (the CPU rounds probabilities to fp16, the
//                                    GPU keeps them in float inside its online softmax)
//   feed-forward block         5e-3 against the same block in separate calls (bf16
//                                    gate and up), 2e-2 against the CPU (the tensor-core bound)
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "cuda_test_support.h"
#include "quant/dequantize.h"

namespace qt::test {
namespace {

const std::vector<GgmlType> kBlock32Types = {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1,
                                             GgmlType::Q8_0, GgmlType::F32,  GgmlType::F16,  GgmlType::BF16};
const std::vector<GgmlType> kKQuantTypes = {GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

bool is_float_type(GgmlType t) { return t == GgmlType::F32 || t == GgmlType::F16 || t == GgmlType::BF16; }

// y = W x in float64 from the CPU's dequantized weights; with `magnitude`, |W| |x|
// instead: the size of the terms, against which summation-order error is measured.
std::vector<float> exact_matmul(GgmlType type, const std::vector<uint8_t>& w, int64_t rows, int64_t cols,
                                const std::vector<float>& x, int n, bool magnitude = false) {
    const size_t row_bytes = ggml_row_size(type, cols);
    std::vector<float> wf(static_cast<size_t>(cols));
    std::vector<float> y(static_cast<size_t>(n) * rows);
    for (int64_t r = 0; r < rows; ++r) {
        dequantize_row(type, w.data() + r * row_bytes, wf.data(), cols);
        for (int t = 0; t < n; ++t) {
            double s = 0;
            for (int64_t c = 0; c < cols; ++c) {
                const double p = static_cast<double>(wf[c]) * x[t * cols + c];
                s += magnitude ? std::fabs(p) : p;
            }
            y[t * rows + r] = static_cast<float>(s);
        }
    }
    return y;
}

// ||a - b|| / ||scale||.
double error_against(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& scale) {
    double num = 0, den = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i])) return INFINITY;
        num += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
        den += static_cast<double>(scale[i]) * scale[i];
    }
    return std::sqrt(num / den);
}

void check_matmul(Backend& gpu, Backend& cpu, GgmlType type, int64_t rows, int64_t cols, int n, uint64_t seed) {
    SCOPED_TRACE(std::string(ggml_type_name(type)) + " rows=" + std::to_string(rows) + " cols=" +
                 std::to_string(cols) + " n=" + std::to_string(n));
    std::mt19937_64 rng(seed);
    const auto w = random_weight_rows(type, rows, cols, 0.05f, rng);
    auto x = random_floats(static_cast<size_t>(n) * cols, 1.0f, rng);
    if (n > 2) std::fill(x.begin() + cols, x.begin() + 2 * cols, 0.0f);  // a zero row: amax == 0 in quantization
    const size_t out_count = static_cast<size_t>(n) * rows;

    std::vector<float> results[2];
    Backend* backends[2] = {&gpu, &cpu};
    for (int i = 0; i < 2; ++i) {
        Backend& b = *backends[i];
        WeightTensor wt = b.load_weight("w", type, cols, rows, w.data(), false);
        DeviceBuffer xb = to_backend(b, x);
        DeviceBuffer yb = b.alloc(out_count * sizeof(float), MemoryCategory::Activations);
        std::vector<float> poison(out_count, NAN);  // every output must be written
        b.upload(yb.data(), poison.data(), out_count * sizeof(float));
        b.matmul(wt, xb.f32(), yb.f32(), n);
        results[i] = from_backend(b, yb, out_count);
    }
    // Measured against the size of the terms, |W| |x|, so that an output that cancels
    // to near zero does not turn summation-order rounding into a large relative error.
    const double vs_cpu = error_against(results[0], results[1], exact_matmul(type, w, rows, cols, x, n, true));
    EXPECT_LE(vs_cpu, 2e-6) << "GPU vs CPU backend";
    // Against float64 only where there are enough outputs for the norm ratio to be
    // stable (one dot that cancels to near zero has no meaningful relative error).
    if (out_count >= 64) {
        const double vs_exact = relative_error(results[0], exact_matmul(type, w, rows, cols, x, n));
        EXPECT_LE(vs_exact, is_float_type(type) ? 1e-5 : 2e-2) << "GPU vs float64 of the dequantized weights";
    }
}

TEST(CudaOps, MatmulMatchesCpuForEveryBlock32Format) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    const int64_t shapes[][2] = {{1, 32}, {576, 576}, {192, 576}, {333, 1536}};
    for (GgmlType type : kBlock32Types)
        for (const auto& s : shapes)
            for (int n : {1, 2, 3, 5, 8, 13})
                check_matmul(*gpu, *shared_cpu_backend(), type, s[0], s[1], n, seed + n);
}

TEST(CudaOps, MatmulMatchesCpuForKQuants) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    const int64_t shapes[][2] = {{1, 256}, {300, 512}, {1000, 1536}};
    for (GgmlType type : kKQuantTypes)
        for (const auto& s : shapes)
            for (int n : {1, 4, 9})
                check_matmul(*gpu, *shared_cpu_backend(), type, s[0], s[1], n, seed + n);
}

TEST(CudaOps, MatmulOfManyTokensMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    check_matmul(*gpu, *shared_cpu_backend(), GgmlType::Q4_1, 1536, 576, 100, seed);
    check_matmul(*gpu, *shared_cpu_backend(), GgmlType::Q8_0, 700, 576, 67, seed + 1);
    check_matmul(*gpu, *shared_cpu_backend(), GgmlType::Q6_K, 256, 768, 33, seed + 2);
}

TEST(CudaOps, EmbedIsBitExactWithCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    std::vector<GgmlType> types = kBlock32Types;
    types.insert(types.end(), kKQuantTypes.begin(), kKQuantTypes.end());
    for (GgmlType type : types) {
        SCOPED_TRACE(ggml_type_name(type));
        const int64_t vocab = 1000, cols = 512;
        const auto table = random_weight_rows(type, vocab, cols, 0.5f, rng);
        std::vector<int32_t> tokens = {0, static_cast<int32_t>(vocab - 1)};
        std::uniform_int_distribution<int32_t> id(0, vocab - 1);
        for (int i = 0; i < 30; ++i) tokens.push_back(id(rng));
        std::vector<float> out[2];
        Backend* backends[2] = {gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            WeightTensor t = backends[i]->load_weight("embd", type, cols, vocab, table.data(), false);
            DeviceBuffer o = backends[i]->alloc(tokens.size() * cols * 4, MemoryCategory::Activations);
            backends[i]->embed(t, tokens, o.f32());
            out[i] = from_backend(*backends[i], o, tokens.size() * cols);
        }
        EXPECT_EQ(0, std::memcmp(out[0].data(), out[1].data(), out[0].size() * 4)) << "not bit-exact";
    }
    // An id outside the table is refused before anything runs.
    const auto table = random_weight_rows(GgmlType::Q8_0, 4, 32, 0.5f, rng);
    WeightTensor t = gpu->load_weight("embd", GgmlType::Q8_0, 32, 4, table.data(), false);
    DeviceBuffer o = gpu->alloc(32 * 4, MemoryCategory::Activations);
    const int32_t bad[] = {4};
    EXPECT_THROW(gpu->embed(t, bad, o.f32()), std::out_of_range);
}

TEST(CudaOps, RmsNormMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    for (int dim : {64, 66, 576, 4096})  // 66: rows not of whole 16-byte vectors
        for (int n : {1, 7, 33}) {
            SCOPED_TRACE("dim=" + std::to_string(dim) + " n=" + std::to_string(n));
            const auto x = random_floats(static_cast<size_t>(n) * dim, 3.0f, rng);
            const auto w = random_floats(dim, 1.0f, rng);
            std::vector<float> out[2];
            Backend* backends[2] = {gpu, &cpu};
            for (int i = 0; i < 2; ++i) {
                DeviceBuffer xb = to_backend(*backends[i], x), wb = to_backend(*backends[i], w);
                DeviceBuffer ob = backends[i]->alloc(x.size() * 4, MemoryCategory::Activations);
                backends[i]->rmsnorm(xb.f32(), wb.f32(), ob.f32(), n, dim, 1e-5f);
                out[i] = from_backend(*backends[i], ob, x.size());
            }
            EXPECT_LE(relative_error(out[0], out[1]), 1e-6);
        }
}

TEST(CudaOps, RopeMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    struct Case {
        int n_heads, head_dim, n_rot;
        float base;
    };
    for (const Case& c : {Case{9, 64, 64, 100000.0f}, Case{3, 64, 64, 10000.0f}, Case{8, 128, 64, 10000.0f},
                          Case{4, 32, 32, 500000.0f}})
        for (int n : {1, 5, 40}) {
            SCOPED_TRACE("heads=" + std::to_string(c.n_heads) + " head_dim=" + std::to_string(c.head_dim) +
                         " n_rot=" + std::to_string(c.n_rot) + " n=" + std::to_string(n));
            std::vector<int32_t> pos(static_cast<size_t>(n));
            std::uniform_int_distribution<int32_t> p(0, 8191);
            for (auto& v : pos) v = p(rng);
            const auto x = random_floats(static_cast<size_t>(n) * c.n_heads * c.head_dim, 1.0f, rng);
            std::vector<float> out[2];
            Backend* backends[2] = {gpu, &cpu};
            for (int i = 0; i < 2; ++i) {
                DeviceBuffer xb = to_backend(*backends[i], x);
                backends[i]->rope(xb.f32(), pos, c.n_heads, c.head_dim, RopeSpec{c.n_rot, c.base});
                out[i] = from_backend(*backends[i], xb, x.size());
            }
            EXPECT_LE(relative_error(out[0], out[1]), 1e-5);
        }
}

// Fills both backends' caches with the same random keys and values for positions
// 0..n_pos-1 of `layer`, through kv_store.
struct CachePair {
    KvCacheLayout layout;
    DeviceBuffer k[2], v[2];
};

// Training's batched attention (sequences back to back, keys and values from float
// activations) against the CPU backend, which runs kv_store + attention per sequence.
TEST(CudaOps, AttentionBatchMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    struct Case {
        AttentionShape shape;
        int n_seqs, seq_len;
    };
    // Tiles of 64 queries: partial last tiles (100), exact ones (256), one short sequence (40);
    // head_dim 256 takes the GPU's fallback (kv_store + attention per sequence).
    for (const Case& c : {Case{{9, 3, 64}, 3, 100}, Case{{32, 8, 128}, 2, 256}, Case{{4, 4, 64}, 5, 40},
                          Case{{8, 1, 256}, 2, 70}}) {
        const AttentionShape& s = c.shape;
        SCOPED_TRACE("heads=" + std::to_string(s.n_heads) + "/" + std::to_string(s.n_kv_heads) + " head_dim=" +
                     std::to_string(s.head_dim) + " " + std::to_string(c.n_seqs) + " x " + std::to_string(c.seq_len));
        const size_t n = static_cast<size_t>(c.n_seqs) * c.seq_len;
        const auto q = random_floats(n * s.n_heads * s.head_dim, 1.0f, rng);
        const auto k = random_floats(n * s.n_kv_heads * s.head_dim, 1.0f, rng);
        const auto v = random_floats(n * s.n_kv_heads * s.head_dim, 1.0f, rng);
        std::vector<float> out[2];
        Backend* backends[2] = {gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            Backend& b = *backends[i];
            DeviceBuffer qb = to_backend(b, q), kb = to_backend(b, k), vb = to_backend(b, v);
            DeviceBuffer ob = b.alloc(q.size() * 4, MemoryCategory::Activations);
            b.attention_batch(qb.f32(), kb.f32(), vb.f32(), c.n_seqs, c.seq_len, s, ob.f32());
            out[i] = from_backend(b, ob, q.size());
        }
        const double err = relative_error(out[0], out[1]);
        std::printf("[ attn     ] batch %d x %d, heads %d/%d, head_dim %d: relative error %.3g\n", c.n_seqs,
                    c.seq_len, s.n_heads, s.n_kv_heads, s.head_dim, err);
        EXPECT_LE(err, 1e-3);
    }
}

TEST(CudaOps, KvStoreIsBitExactAndAttentionMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    Backend* backends[2] = {gpu, &cpu};
    std::mt19937_64 rng(fresh_seed());
    for (const AttentionShape& s : {AttentionShape{9, 3, 64}, AttentionShape{32, 8, 128}, AttentionShape{4, 4, 32},
                                    AttentionShape{8, 1, 256}})
        for (int pos0 : {0, 17, 300})
            for (int n : {1, 6, 40, 150}) {
                SCOPED_TRACE("heads=" + std::to_string(s.n_heads) + "/" + std::to_string(s.n_kv_heads) +
                             " head_dim=" + std::to_string(s.head_dim) + " pos0=" + std::to_string(pos0) +
                             " n=" + std::to_string(n));
                const KvCacheLayout L{2, pos0 + n + 3, s.n_kv_heads * s.head_dim};
                const int layer = 1;
                const size_t cache_bytes = static_cast<size_t>(L.n_layers) * L.n_ctx * L.kv_width * 2;
                // Keys before pos0 come from an earlier call, as in decoding.
                const auto k_old = random_floats(static_cast<size_t>(pos0) * L.kv_width, 1.0f, rng);
                const auto v_old = random_floats(static_cast<size_t>(pos0) * L.kv_width, 1.0f, rng);
                const auto k_new = random_floats(static_cast<size_t>(n) * L.kv_width, 1.0f, rng);
                const auto v_new = random_floats(static_cast<size_t>(n) * L.kv_width, 1.0f, rng);
                const auto q = random_floats(static_cast<size_t>(n) * s.n_heads * s.head_dim, 1.0f, rng);
                std::vector<uint8_t> caches[2][2];
                std::vector<float> out[2];
                for (int i = 0; i < 2; ++i) {
                    Backend& b = *backends[i];
                    DeviceBuffer kc = b.alloc(cache_bytes, MemoryCategory::KvCache);
                    DeviceBuffer vc = b.alloc(cache_bytes, MemoryCategory::KvCache);
                    std::vector<uint8_t> zero(cache_bytes, 0);
                    b.upload(kc.data(), zero.data(), cache_bytes);
                    b.upload(vc.data(), zero.data(), cache_bytes);
                    if (pos0 > 0) {
                        DeviceBuffer kb = to_backend(b, k_old), vb = to_backend(b, v_old);
                        b.kv_store(kc.data(), vc.data(), L, layer, 0, pos0, kb.f32(), vb.f32());
                    }
                    DeviceBuffer kb = to_backend(b, k_new), vb = to_backend(b, v_new), qb = to_backend(b, q);
                    b.kv_store(kc.data(), vc.data(), L, layer, pos0, n, kb.f32(), vb.f32());
                    DeviceBuffer ob = b.alloc(q.size() * 4, MemoryCategory::Activations);
                    b.attention(qb.f32(), kc.data(), vc.data(), L, layer, pos0, n, s, ob.f32());
                    out[i] = from_backend(b, ob, q.size());
                    caches[i][0].resize(cache_bytes);
                    caches[i][1].resize(cache_bytes);
                    b.download(caches[i][0].data(), kc.data(), cache_bytes);
                    b.download(caches[i][1].data(), vc.data(), cache_bytes);
                }
                EXPECT_TRUE(caches[0][0] == caches[1][0]) << "K cache not bit-exact";
                EXPECT_TRUE(caches[0][1] == caches[1][1]) << "V cache not bit-exact";
                EXPECT_LE(relative_error(out[0], out[1]), 1e-3) << "attention";
            }
}

TEST(CudaOps, SwigluAndAddMatchCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    for (int64_t count : {1, 1000, 123457}) {
        SCOPED_TRACE("count=" + std::to_string(count));
        const auto g = random_floats(static_cast<size_t>(count), 4.0f, rng);
        const auto u = random_floats(static_cast<size_t>(count), 1.0f, rng);
        std::vector<float> sw[2], sum[2];
        Backend* backends[2] = {gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            Backend& b = *backends[i];
            DeviceBuffer gb = to_backend(b, g), ub = to_backend(b, u);
            DeviceBuffer ob = b.alloc(g.size() * 4, MemoryCategory::Activations);
            b.swiglu(gb.f32(), ub.f32(), ob.f32(), count);
            sw[i] = from_backend(b, ob, g.size());
            b.add_inplace(gb.f32(), ub.f32(), count);
            sum[i] = from_backend(b, gb, g.size());
        }
        EXPECT_LE(relative_error(sw[0], sw[1]), 1e-6) << "swiglu";
        EXPECT_TRUE(sum[0] == sum[1]) << "add is not exact";
    }
}

// The feed-forward block in one call. From the tensor-core threshold up the CUDA
// backend keeps gate and up as bf16: against its own separate calls (float gate
// and up, the base class) that rounding alone separates them, so 5e-3 of the
// block's update; against the CPU backend 2e-2, the tensor-core path's bound.
// Both SmolLM2's gate/up pair (one batched GEMM) and a K-quant pair (two GEMMs).
TEST(CudaOps, FeedForwardMatchesItsSeparateCallsAndCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    struct Case {
        GgmlType type;
        int dim, hidden, n;
    };
    for (const Case& cs : {Case{GgmlType::Q4_0, 576, 1536, 256}, Case{GgmlType::Q4_K, 512, 768, 160},
                           Case{GgmlType::Q4_1, 576, 1536, 7}}) {
        SCOPED_TRACE(std::string(ggml_type_name(cs.type)) + " n=" + std::to_string(cs.n));
        const auto wg = random_weight_rows(cs.type, cs.hidden, cs.dim, 0.05f, rng);
        const auto wu = random_weight_rows(cs.type, cs.hidden, cs.dim, 0.05f, rng);
        const auto wd = random_weight_rows(cs.type, cs.dim, cs.hidden, 0.05f, rng);
        const auto norm = random_floats(static_cast<size_t>(cs.dim), 1.0f, rng);
        const auto x = random_floats(static_cast<size_t>(cs.n) * cs.dim, 1.0f, rng);
        const size_t hidden_floats = static_cast<size_t>(cs.n) * cs.hidden;
        // Runs the block on b (fused, or the base class's separate calls) and returns x's change.
        auto block = [&](Backend& b, bool separate) {
            WeightTensor g = b.load_weight("gate", cs.type, cs.dim, cs.hidden, wg.data(), false);
            WeightTensor u = b.load_weight("up", cs.type, cs.dim, cs.hidden, wu.data(), false);
            WeightTensor d = b.load_weight("down", cs.type, cs.hidden, cs.dim, wd.data(), false);
            DeviceBuffer xb = to_backend(b, x), nb = to_backend(b, norm);
            DeviceBuffer gb = b.alloc(hidden_floats * 4, MemoryCategory::Activations);
            DeviceBuffer ub = b.alloc(hidden_floats * 4, MemoryCategory::Activations);
            DeviceBuffer xn = b.alloc(x.size() * 4, MemoryCategory::Activations);
            if (separate)
                b.Backend::feed_forward(xb.f32(), nb.f32(), 1e-5f, cs.dim, g, u, d, cs.n, gb.f32(), ub.f32(), xn.f32());
            else
                b.feed_forward(xb.f32(), nb.f32(), 1e-5f, cs.dim, g, u, d, cs.n, gb.f32(), ub.f32(), xn.f32());
            std::vector<float> delta = from_backend(b, xb, x.size());
            for (size_t i = 0; i < delta.size(); ++i) delta[i] -= x[i];
            return delta;
        };
        const auto fused = block(*gpu, false), separate = block(*gpu, true), on_cpu = block(cpu, false);
        const double vs_separate = relative_error(fused, separate), vs_cpu = relative_error(fused, on_cpu);
        std::printf("[ ffn      ] %s %d -> %d, %d tokens: fused vs separate calls %.3g, vs CPU %.3g\n",
                    std::string(ggml_type_name(cs.type)).c_str(), cs.dim, cs.hidden, cs.n, vs_separate, vs_cpu);
        EXPECT_LE(vs_separate, 5e-3);
        EXPECT_LE(vs_cpu, 2e-2);
    }
}

TEST(CudaOps, OutOfMemoryIsReportedWithAskedAndFreeBytes) {
    QT_REQUIRE_GPU(gpu);
    const int64_t before = gpu->ledger().snapshot().total_live;
    const size_t huge = size_t{1} << 50;  // 1 PiB
    try {
        DeviceBuffer b = gpu->alloc(huge, MemoryCategory::Activations);
        FAIL() << "allocating 1 PiB succeeded";
    } catch (const std::runtime_error& e) {
        const std::string msg = e.what();
        std::printf("[ message  ] %s\n", msg.c_str());
        EXPECT_NE(msg.find("out of memory"), std::string::npos) << msg;
        EXPECT_NE(msg.find("1073741824.0 MiB"), std::string::npos) << "the asked size: " << msg;
        EXPECT_NE(msg.find("free of"), std::string::npos) << msg;
        EXPECT_NE(msg.find("activations"), std::string::npos) << "the category: " << msg;
    }
    EXPECT_EQ(gpu->ledger().snapshot().total_live, before) << "a failed allocation must not be counted";
    // The device is still usable afterwards, and the ledger counts what lives.
    DeviceBuffer ok = gpu->alloc(1 << 20, MemoryCategory::KvCache);
    EXPECT_EQ(gpu->ledger().snapshot().live[static_cast<int>(MemoryCategory::KvCache)] >= (1 << 20), true);
    std::vector<float> v(256, 1.5f);
    gpu->upload(ok.data(), v.data(), v.size() * 4);
    std::vector<float> back(256);
    gpu->download(back.data(), ok.data(), back.size() * 4);
    EXPECT_EQ(back, v);
    ok.reset();
    EXPECT_EQ(gpu->ledger().snapshot().total_live, before);
}

}  // namespace
}  // namespace qt::test
