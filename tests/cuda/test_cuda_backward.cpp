// First-order training on the GPU: each backward op of the CUDA backend against
// the CPU backend (engine/cpu/train_ops.h through the base class) on fresh random
// inputs, and a whole LoRA step of a SmolLM2-shaped model on both. Outputs are
// poisoned with NaN first, so an element a kernel leaves unwritten fails.
// Bounds (relative: ||gpu - cpu|| / ||cpu||, measured numbers printed as
// "[ backward ] ..."), and why:
//   gemm_f32, matmul_float and        1e-5: both float32 products of the same floats
//   matmul_backward_input             (the weight tiles are dequant_element's floats,
//                                     the CPU's dequantize_row bit for bit); only the
//                                     summation order differs (no TF32 on the GPU).
//   attention forward and backward    1e-5 (out, lse), 1e-4 (dq, dk, dv): float32
//                                     online softmax and tile sums against the CPU's
//                                     double loops.
//   rmsnorm, swiglu, rope backward    1e-5: the same float formulas, libm's exp/sin/cos
//                                     against CUDA's.
//   cross-entropy backward            1e-6 on nll (absolute, per row, of values ~10),
//                                     1e-5 on the gradient: float partial sums of exp
//                                     inside the double log-sum-exp.
//   embedding, scatter (unique rows), scale, fill_zero: bit-exact; AdamW 1e-6
//                                     element-wise (the CPU build may fuse a multiply-add).
//   sum_squares                       1e-12: double sums in another order.
//   whole model (LoRA gradients)      see ModelCheck below.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "cuda_test_support.h"
#include "methods/lora_adapters.h"
#include "model/llama_backprop.h"
#include "model/llama_model.h"

namespace qt::test {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// ||a - ref|| / ||ref|| and max |a - ref| / max |ref|.
struct Diff {
    double rel = 0, max_rel = 0;
};
Diff diff(const std::vector<float>& a, const std::vector<float>& ref) {
    Diff d;
    d.rel = relative_error(a, ref);
    double dmax = 0, rmax = 0;
    for (size_t i = 0; i < a.size() && i < ref.size(); ++i) {
        const double e = std::fabs(static_cast<double>(a[i]) - ref[i]);
        dmax = std::isfinite(e) ? std::max(dmax, e) : INFINITY;
        rmax = std::max(rmax, std::fabs(static_cast<double>(ref[i])));
    }
    d.max_rel = rmax > 0 ? dmax / rmax : dmax;
    return d;
}

void report(const char* what, const Diff& d) {
    std::printf("[ backward ] %-44s rel diff %.2e, max rel diff %.2e\n", what, d.rel, d.max_rel);
}

DeviceBuffer poisoned(Backend& b, size_t count) { return to_backend(b, std::vector<float>(count, kNaN)); }

DeviceBuffer ints_to_backend(Backend& b, const std::vector<int32_t>& v) {
    DeviceBuffer buf = b.alloc(std::max<size_t>(1, v.size()) * sizeof(int32_t), MemoryCategory::Activations);
    if (!v.empty()) b.upload(buf.data(), v.data(), v.size() * sizeof(int32_t));
    return buf;
}

TEST(CudaBackward, GemmF32MatchesCpuInEveryTransposition) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const int m = 77, n = 131, k = 250;
    const auto a = random_floats(static_cast<size_t>(m) * k, 1.0f, rng);
    const auto b = random_floats(static_cast<size_t>(k) * n, 1.0f, rng);
    const auto c0 = random_floats(static_cast<size_t>(m) * n, 1.0f, rng);
    for (int ta = 0; ta < 2; ++ta)
        for (int tb = 0; tb < 2; ++tb)
            for (float beta : {0.0f, 0.5f}) {
                std::vector<float> out[2];
                Backend* backends[2] = {gpu, &cpu};
                for (int i = 0; i < 2; ++i) {
                    Backend& be = *backends[i];
                    DeviceBuffer A = to_backend(be, a), B = to_backend(be, b);
                    // beta == 0 must not read C: NaN there would show.
                    DeviceBuffer C = beta == 0.0f ? poisoned(be, c0.size()) : to_backend(be, c0);
                    be.gemm_f32(ta, tb, m, n, k, 0.75f, A.f32(), B.f32(), beta, C.f32());
                    out[i] = from_backend(be, C, c0.size());
                }
                const Diff d = diff(out[0], out[1]);
                char what[64];
                std::snprintf(what, sizeof what, "gemm_f32 trans_a=%d trans_b=%d beta=%.1f", ta, tb, beta);
                report(what, d);
                EXPECT_LT(d.rel, 1e-5) << what;
            }
}

// matmul_float (y = W x) and matmul_backward_input (dx (+)= dy W) of one weight.
void check_float_products(Backend& gpu, GgmlType type, int64_t rows, int64_t cols, int n, uint64_t seed) {
    SCOPED_TRACE(std::string(ggml_type_name(type)) + " " + std::to_string(rows) + " x " + std::to_string(cols));
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(seed);
    const auto w = random_weight_rows(type, rows, cols, 0.05f, rng);
    const auto x = random_floats(static_cast<size_t>(n) * cols, 1.0f, rng);
    const auto dy = random_floats(static_cast<size_t>(n) * rows, 1.0f, rng);
    const auto dx0 = random_floats(static_cast<size_t>(n) * cols, 1.0f, rng);
    const std::string name(ggml_type_name(type));
    char what[96];
    {
        std::vector<float> out[2];
        Backend* backends[2] = {&gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            Backend& be = *backends[i];
            WeightTensor wt = be.load_weight("w", type, cols, rows, w.data(), false);
            DeviceBuffer X = to_backend(be, x), Y = poisoned(be, dy.size());
            be.matmul_float(wt, X.f32(), Y.f32(), n);
            out[i] = from_backend(be, Y, dy.size());
        }
        const Diff d = diff(out[0], out[1]);
        std::snprintf(what, sizeof what, "matmul_float %s %lldx%lld", name.c_str(), static_cast<long long>(rows),
                      static_cast<long long>(cols));
        report(what, d);
        EXPECT_LT(d.rel, 1e-5) << what;
    }
    for (bool accumulate : {false, true}) {
        std::vector<float> out[2];
        Backend* backends[2] = {&gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            Backend& be = *backends[i];
            WeightTensor wt = be.load_weight("w", type, cols, rows, w.data(), false);
            DeviceBuffer DY = to_backend(be, dy);
            DeviceBuffer DX = accumulate ? to_backend(be, dx0) : poisoned(be, dx0.size());
            be.matmul_backward_input(wt, DY.f32(), DX.f32(), n, accumulate);
            out[i] = from_backend(be, DX, dx0.size());
        }
        const Diff d = diff(out[0], out[1]);
        std::snprintf(what, sizeof what, "matmul_backward_input %s %lldx%lld%s", name.c_str(),
                      static_cast<long long>(rows), static_cast<long long>(cols), accumulate ? " (+=)" : "");
        report(what, d);
        EXPECT_LT(d.rel, 1e-5) << what;
    }
}

TEST(CudaBackward, FloatProductsMatchCpuForEveryWeightFormat) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0,
                       GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K})
        check_float_products(*gpu, t, 384, 512, 70, seed + static_cast<uint64_t>(t));
}

// SmolLM2's tied head (49152 x 576 in Q8_0): 113 MB of floats, four tiles.
TEST(CudaBackward, FloatProductsTileAVocabularySizedHead) {
    QT_REQUIRE_GPU(gpu);
    check_float_products(*gpu, GgmlType::Q8_0, 49152, 576, 64, fresh_seed());
}

TEST(CudaBackward, RmsNormBackwardMatchesCpuWithAndWithoutWeightGradient) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const int n = 37;
    for (int dim : {66, 576, 4096})
        for (bool with_dw : {false, true}) {
            const auto x = random_floats(static_cast<size_t>(n) * dim, 1.0f, rng);
            auto w = random_floats(static_cast<size_t>(dim), 0.1f, rng);
            for (float& v : w) v += 1.0f;
            const auto dy = random_floats(x.size(), 1.0f, rng);
            const auto dx0 = random_floats(x.size(), 1.0f, rng);
            const auto dw0 = random_floats(w.size(), 1.0f, rng);
            std::vector<float> dx[2], dw[2];
            Backend* backends[2] = {gpu, &cpu};
            for (int i = 0; i < 2; ++i) {
                Backend& be = *backends[i];
                DeviceBuffer X = to_backend(be, x), W = to_backend(be, w), DY = to_backend(be, dy);
                DeviceBuffer DX = to_backend(be, dx0), DW = to_backend(be, dw0);
                be.rmsnorm_backward(X.f32(), W.f32(), DY.f32(), DX.f32(), with_dw ? DW.f32() : nullptr, n, dim,
                                    1e-5f);
                dx[i] = from_backend(be, DX, x.size());
                dw[i] = from_backend(be, DW, w.size());
            }
            char what[64];
            std::snprintf(what, sizeof what, "rmsnorm_backward dx dim %d%s", dim, with_dw ? " (with dw)" : "");
            const Diff ddx = diff(dx[0], dx[1]), ddw = diff(dw[0], dw[1]);
            report(what, ddx);
            EXPECT_LT(ddx.rel, 1e-5) << what;
            if (with_dw) {
                std::snprintf(what, sizeof what, "rmsnorm_backward dw dim %d", dim);
                report(what, ddw);
                EXPECT_LT(ddw.rel, 1e-5) << what;
            } else {
                EXPECT_EQ(dw[0], dw0) << "dw was written without being asked for";
            }
        }
}

// rope_backward is rope at the negated positions (the base class's definition),
// from a table of its own on the GPU: rope, rope_backward and rope again, each
// against the CPU, and rope_backward(rope(x)) against x.
TEST(CudaBackward, RopeBackwardInvertsRopeAndMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    struct Case {
        int heads, head_dim, n_rot;
    };
    for (const Case cs : {Case{9, 64, 64}, Case{4, 128, 64}}) {
        std::vector<int32_t> pos;
        for (int s = 0; s < 3; ++s)
            for (int t = 0; t < 50; ++t) pos.push_back(t);
        pos.push_back(2047);
        pos.push_back(8191);
        const size_t count = pos.size() * static_cast<size_t>(cs.heads) * cs.head_dim;
        const auto x = random_floats(count, 1.0f, rng);
        std::vector<float> rotated[2], back[2], again[2];
        Backend* backends[2] = {gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            Backend& be = *backends[i];
            DeviceBuffer X = to_backend(be, x);
            be.rope(X.f32(), pos, cs.heads, cs.head_dim, RopeSpec{cs.n_rot, 10000.0f});
            rotated[i] = from_backend(be, X, count);
            be.rope_backward(X.f32(), pos, cs.heads, cs.head_dim, RopeSpec{cs.n_rot, 10000.0f});
            back[i] = from_backend(be, X, count);
            be.rope(X.f32(), pos, cs.heads, cs.head_dim, RopeSpec{cs.n_rot, 10000.0f});
            again[i] = from_backend(be, X, count);
        }
        const Diff d_rot = diff(rotated[0], rotated[1]), d_back = diff(back[0], back[1]),
                   d_again = diff(again[0], again[1]), d_inverse = diff(back[0], x);
        report("rope (forward) vs CPU", d_rot);
        report("rope_backward vs CPU", d_back);
        report("rope after rope_backward vs CPU", d_again);
        report("rope_backward(rope(x)) vs x", d_inverse);
        EXPECT_LT(d_rot.rel, 1e-5);
        EXPECT_LT(d_back.rel, 1e-5);
        EXPECT_LT(d_again.rel, 1e-5);
        EXPECT_LT(d_inverse.rel, 1e-6);
    }
}

struct AttnCase {
    int n_seqs, seq_len, heads, kv_heads, head_dim;
};

void check_attention(Backend& gpu, const AttnCase& c, std::mt19937_64& rng) {
    Backend& cpu = *shared_cpu_backend();
    const AttentionShape shape{c.heads, c.kv_heads, c.head_dim};
    const size_t n = static_cast<size_t>(c.n_seqs) * c.seq_len;
    const size_t qn = n * c.heads * c.head_dim, kn = n * c.kv_heads * c.head_dim, ln = n * c.heads;
    const auto q = random_floats(qn, 1.5f, rng), k = random_floats(kn, 1.5f, rng), v = random_floats(kn, 1.0f, rng);
    const auto dout = random_floats(qn, 1.0f, rng);
    char tag[96];
    std::snprintf(tag, sizeof tag, "%d x %d, heads %d/%d x %d", c.n_seqs, c.seq_len, c.heads, c.kv_heads, c.head_dim);
    SCOPED_TRACE(tag);
    // Forward.
    std::vector<float> out[2], lse[2];
    Backend* backends[2] = {&gpu, &cpu};
    for (int i = 0; i < 2; ++i) {
        Backend& be = *backends[i];
        DeviceBuffer Q = to_backend(be, q), K = to_backend(be, k), V = to_backend(be, v);
        DeviceBuffer O = poisoned(be, qn), L = poisoned(be, ln);
        be.attention_train(Q.f32(), K.f32(), V.f32(), c.n_seqs, c.seq_len, shape, O.f32(), L.f32());
        out[i] = from_backend(be, O, qn);
        lse[i] = from_backend(be, L, ln);
    }
    char what[160];
    const Diff d_out = diff(out[0], out[1]), d_lse = diff(lse[0], lse[1]);
    std::snprintf(what, sizeof what, "attention out (%s)", tag);
    report(what, d_out);
    std::snprintf(what, sizeof what, "attention lse (%s)", tag);
    report(what, d_lse);
    EXPECT_LT(d_out.rel, 1e-5);
    EXPECT_LT(d_lse.rel, 1e-5);
    // Backward, both from the CPU's out and lse.
    std::vector<float> grads[2][3];
    for (int i = 0; i < 2; ++i) {
        Backend& be = *backends[i];
        DeviceBuffer Q = to_backend(be, q), K = to_backend(be, k), V = to_backend(be, v);
        DeviceBuffer O = to_backend(be, out[1]), L = to_backend(be, lse[1]), DO = to_backend(be, dout);
        DeviceBuffer DQ = poisoned(be, qn), DK = poisoned(be, kn), DV = poisoned(be, kn);
        be.attention_backward(Q.f32(), K.f32(), V.f32(), O.f32(), L.f32(), DO.f32(), DQ.f32(), DK.f32(), DV.f32(),
                              c.n_seqs, c.seq_len, shape);
        grads[i][0] = from_backend(be, DQ, qn);
        grads[i][1] = from_backend(be, DK, kn);
        grads[i][2] = from_backend(be, DV, kn);
    }
    const char* names[3] = {"dq", "dk", "dv"};
    for (int g = 0; g < 3; ++g) {
        const Diff d = diff(grads[0][g], grads[1][g]);
        std::snprintf(what, sizeof what, "attention %s (%s)", names[g], tag);
        report(what, d);
        EXPECT_LT(d.rel, 1e-4) << names[g];
    }
}

// Several sequences; GQA as SmolLM2 (9 heads over 3, head_dim 64) and as a 7B
// with GQA (32 over 8, head_dim 128); lengths that are not whole tiles of 64;
// the other head sizes the kernels take (32, 96).
TEST(CudaBackward, AttentionForwardAndBackwardMatchCpu) {
    QT_REQUIRE_GPU(gpu);
    std::mt19937_64 rng(fresh_seed());
    for (const AttnCase& c : {AttnCase{3, 256, 9, 3, 64}, AttnCase{2, 256, 32, 8, 128}, AttnCase{2, 200, 4, 2, 32},
                              AttnCase{1, 130, 6, 3, 96}, AttnCase{4, 1, 2, 1, 64}})
        check_attention(*gpu, c, rng);
}

TEST(CudaBackward, AttentionHandlesSequencesOf2048Tokens) {
    QT_REQUIRE_GPU(gpu);
    std::mt19937_64 rng(fresh_seed());
    check_attention(*gpu, AttnCase{1, 2048, 8, 4, 64}, rng);
}

TEST(CudaBackward, SwigluBackwardMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const size_t count = 100003;
    const auto gate = random_floats(count, 3.0f, rng), up = random_floats(count, 1.0f, rng),
               dout = random_floats(count, 1.0f, rng);
    std::vector<float> dg[2], du[2];
    Backend* backends[2] = {gpu, &cpu};
    for (int i = 0; i < 2; ++i) {
        Backend& be = *backends[i];
        DeviceBuffer G = to_backend(be, gate), U = to_backend(be, up), D = to_backend(be, dout);
        DeviceBuffer DG = poisoned(be, count), DU = poisoned(be, count);
        be.swiglu_backward(G.f32(), U.f32(), D.f32(), DG.f32(), DU.f32(), static_cast<int64_t>(count));
        dg[i] = from_backend(be, DG, count);
        du[i] = from_backend(be, DU, count);
    }
    const Diff d_gate = diff(dg[0], dg[1]), d_up = diff(du[0], du[1]);
    report("swiglu_backward dgate", d_gate);
    report("swiglu_backward dup", d_up);
    EXPECT_LT(d_gate.rel, 1e-5);
    EXPECT_LT(d_up.rel, 1e-5);
}

// Qwen's vocabulary (151936), SmolLM2's (49152), and an odd one (rows not on
// 16-byte boundaries); some rows without a target.
TEST(CudaBackward, CrossEntropyBackwardMatchesCpuOnVocabularySizedRows) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    struct Case {
        int rows, vocab;
    };
    for (const Case cs : {Case{9, 151936}, Case{17, 49152}, Case{5, 32001}}) {
        const auto logits = random_floats(static_cast<size_t>(cs.rows) * cs.vocab, 3.0f, rng);
        std::vector<int32_t> targets(static_cast<size_t>(cs.rows));
        std::uniform_int_distribution<int32_t> id(0, cs.vocab - 1);
        for (int32_t& t : targets) t = id(rng);
        targets[1] = -1;
        targets[static_cast<size_t>(cs.rows) - 1] = cs.vocab - 1;
        const double scale = 1.0 / (cs.rows - 1);
        std::vector<float> grad[2];
        std::vector<double> nll[2];
        Backend* backends[2] = {gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            Backend& be = *backends[i];
            DeviceBuffer X = to_backend(be, logits), T = ints_to_backend(be, targets);
            std::vector<double> nan_rows(targets.size(), std::nan(""));
            DeviceBuffer N = be.alloc(targets.size() * sizeof(double), MemoryCategory::Activations);
            be.upload(N.data(), nan_rows.data(), nan_rows.size() * sizeof(double));
            be.cross_entropy_backward(X.f32(), static_cast<const int32_t*>(T.data()), cs.rows, cs.vocab, scale,
                                      static_cast<double*>(N.data()));
            grad[i] = from_backend(be, X, logits.size());
            nll[i].resize(targets.size());
            be.download(nll[i].data(), N.data(), nll[i].size() * sizeof(double));
        }
        double worst_nll = 0;
        for (size_t r = 0; r < targets.size(); ++r) {
            const double e = std::fabs(nll[0][r] - nll[1][r]);
            worst_nll = std::isfinite(e) ? std::max(worst_nll, e) : INFINITY;
        }
        EXPECT_EQ(nll[0][1], 0.0);
        const Diff d = diff(grad[0], grad[1]);
        char what[96];
        std::snprintf(what, sizeof what, "cross_entropy_backward grad, vocab %d", cs.vocab);
        report(what, d);
        std::printf("[ backward ] cross_entropy_backward nll, vocab %d: max |diff| %.2e (nll ~%.1f)\n", cs.vocab,
                    worst_nll, nll[1][0]);
        EXPECT_LT(d.rel, 1e-5);
        EXPECT_LT(worst_nll, 1e-6);
        // The row without a target is all zeros.
        const auto row1 = std::vector<float>(grad[0].begin() + cs.vocab, grad[0].begin() + 2 * cs.vocab);
        EXPECT_TRUE(std::all_of(row1.begin(), row1.end(), [](float v) { return v == 0.0f; }));
    }
}

TEST(CudaBackward, EmbeddingBackwardMatchesCpuBitForBit) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const int vocab = 1000, dim = 576, n = 300;
    std::vector<int32_t> tokens(n);
    std::uniform_int_distribution<int32_t> id(0, 49);  // many repeats
    for (int32_t& t : tokens) t = id(rng);
    tokens[7] = vocab - 1;
    const auto dy = random_floats(static_cast<size_t>(n) * dim, 1.0f, rng);
    const auto table0 = random_floats(static_cast<size_t>(vocab) * dim, 1.0f, rng);
    std::vector<float> table[2];
    Backend* backends[2] = {gpu, &cpu};
    for (int i = 0; i < 2; ++i) {
        Backend& be = *backends[i];
        DeviceBuffer DY = to_backend(be, dy), T = to_backend(be, table0);
        be.embedding_backward(tokens, DY.f32(), T.f32(), vocab, dim);
        table[i] = from_backend(be, T, table0.size());
    }
    report("embedding_backward", diff(table[0], table[1]));
    EXPECT_EQ(0, std::memcmp(table[0].data(), table[1].data(), table[0].size() * sizeof(float)));
    const std::vector<int32_t> bad = {3, vocab};
    DeviceBuffer DY = to_backend(*gpu, dy), T = to_backend(*gpu, table0);
    EXPECT_THROW(gpu->embedding_backward(bad, DY.f32(), T.f32(), vocab, dim), std::out_of_range);
}

TEST(CudaBackward, ScatterAddRowsMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const int dst_rows = 500, width = 576, n_rows = 120;
    std::vector<int32_t> unique(dst_rows);
    std::iota(unique.begin(), unique.end(), 0);
    std::shuffle(unique.begin(), unique.end(), rng);
    unique.resize(n_rows);
    std::vector<int32_t> repeated(n_rows);
    std::uniform_int_distribution<int32_t> id(0, 9);
    for (int32_t& r : repeated) r = id(rng);
    const auto src = random_floats(static_cast<size_t>(n_rows) * width, 1.0f, rng);
    const auto dst0 = random_floats(static_cast<size_t>(dst_rows) * width, 1.0f, rng);
    for (const auto* rows : {&unique, &repeated}) {
        std::vector<float> dst[2];
        Backend* backends[2] = {gpu, &cpu};
        for (int i = 0; i < 2; ++i) {
            Backend& be = *backends[i];
            DeviceBuffer S = to_backend(be, src), D = to_backend(be, dst0), R = ints_to_backend(be, *rows);
            be.scatter_add_rows(S.f32(), static_cast<const int32_t*>(R.data()), n_rows, width, D.f32(), dst_rows);
            dst[i] = from_backend(be, D, dst0.size());
        }
        const Diff d = diff(dst[0], dst[1]);
        if (rows == &unique) {
            report("scatter_add_rows, distinct rows", d);
            EXPECT_EQ(0, std::memcmp(dst[0].data(), dst[1].data(), dst[0].size() * sizeof(float)));
        } else {
            report("scatter_add_rows, repeated rows (atomic order)", d);
            EXPECT_LT(d.rel, 1e-6);
        }
    }
}

TEST(CudaBackward, AdamWUpdateMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const size_t count = 100003;
    const auto p0 = random_floats(count, 1.0f, rng);
    std::vector<float> state[2][3];  // p, m, v
    Backend* backends[2] = {gpu, &cpu};
    std::vector<std::vector<float>> grads;
    for (int step = 0; step < 3; ++step) grads.push_back(random_floats(count, 1e-2f, rng));
    for (int i = 0; i < 2; ++i) {
        Backend& be = *backends[i];
        DeviceBuffer P = to_backend(be, p0), M = to_backend(be, std::vector<float>(count, 0.0f)),
                     V = to_backend(be, std::vector<float>(count, 0.0f));
        for (int step = 0; step < 3; ++step) {
            DeviceBuffer G = to_backend(be, grads[static_cast<size_t>(step)]);
            AdamWStep s;
            s.lr = 1e-3;
            s.weight_decay = 0.01;
            s.t = step + 1;
            be.adamw_update(P.f32(), G.f32(), M.f32(), V.f32(), static_cast<int64_t>(count), s);
        }
        state[i][0] = from_backend(be, P, count);
        state[i][1] = from_backend(be, M, count);
        state[i][2] = from_backend(be, V, count);
    }
    const char* names[3] = {"p", "m", "v"};
    for (int j = 0; j < 3; ++j) {
        // max |got - ref| / max |ref|: element-wise relative differences blow up where
        // m crosses zero, and the GPU's fused multiply-adds round differently there.
        double worst = 0, scale = 0;
        for (size_t e = 0; e < count; ++e) {
            const double ref = state[1][j][e], got = state[0][j][e];
            scale = std::max(scale, std::fabs(ref));
            worst = std::isfinite(got) ? std::max(worst, std::fabs(got - ref)) : INFINITY;
        }
        worst /= std::max(scale, 1e-30);
        std::printf("[ backward ] adamw_update %s after 3 steps: max |diff| / max |value| %.2e\n", names[j], worst);
        EXPECT_LT(worst, 1e-6) << names[j];
    }
}

TEST(CudaBackward, SumSquaresScaleAndFillZeroMatchCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const size_t count = 1000003;
    const auto x = random_floats(count, 1.0f, rng);
    DeviceBuffer G = to_backend(*gpu, x), C = to_backend(cpu, x);
    const double sg = gpu->sum_squares(G.f32(), static_cast<int64_t>(count));
    const double sc = cpu.sum_squares(C.f32(), static_cast<int64_t>(count));
    std::printf("[ backward ] sum_squares: %.17g vs CPU %.17g (rel diff %.2e)\n", sg, sc, std::fabs(sg - sc) / sc);
    EXPECT_LT(std::fabs(sg - sc) / sc, 1e-12);
    EXPECT_EQ(sg, gpu->sum_squares(G.f32(), static_cast<int64_t>(count)));  // the same order every run
    EXPECT_EQ(gpu->sum_squares(G.f32(), 0), 0.0);
    gpu->scale(G.f32(), static_cast<int64_t>(count), 0.3f);
    cpu.scale(C.f32(), static_cast<int64_t>(count), 0.3f);
    const auto scaled_gpu = from_backend(*gpu, G, count), scaled_cpu = from_backend(cpu, C, count);
    EXPECT_EQ(0, std::memcmp(scaled_gpu.data(), scaled_cpu.data(), count * sizeof(float)));
    gpu->fill_zero(static_cast<float*>(G.data()) + 1, (count - 2) * sizeof(float));
    const auto zeroed = from_backend(*gpu, G, count);
    EXPECT_EQ(zeroed[0], scaled_cpu[0]);
    EXPECT_EQ(zeroed[count - 1], scaled_cpu[count - 1]);
    EXPECT_TRUE(std::all_of(zeroed.begin() + 1, zeroed.end() - 1, [](float v) { return v == 0.0f; }));
}

// ---- The whole model: a LoRA step of a random SmolLM2-shaped model (4 of its 30
// layers; dim 576, ffn 1536, 9 heads over 3, head_dim 64; the synthetic
// tokenizer's 933 tokens) on both backends, the same adapters (A as initialised,
// B random) on both; 3 sequences of 128 tokens, targets on the second half of
// each. Loss and every adapter gradient are compared.
// Bounds: the training forward multiplies in float32 from the weights' float
// tiles (Backend::matmul_float), as the backward does, on both backends, so the
// two differ only by float summation order and the attention's float32 against
// the CPU's double sums, carried through 4 layers forward and back: loss 1e-5,
// gradient 1e-3 relative (cosine 1 - 1e-6). A wrong backward term (a missing
// factor, a wrong index) moves the gradients by order 1.
struct ModelCheck {
    double loss_rel, grad_rel, grad_max_rel, grad_cos, worst_block_cos;
};

struct LoraRun {
    double sum_nll = 0;
    std::vector<float> grad;
    std::vector<size_t> block_ends;  // where each parameter block's gradient ends in grad
};

LoraRun lora_step(Backend& b, const std::shared_ptr<const GgufFile>& file, const std::vector<float>* params,
                  std::vector<float>* initial, const NextTokenBatch& batch, int n_seqs, double loss_scale) {
    auto model = LlamaModel::load(file, b);
    LoraSettings settings;
    settings.rank = 8;
    settings.alpha = 16;
    LoraAdapters lora(*model, settings);
    if (initial) {
        initial->resize(static_cast<size_t>(lora.size()));
        lora.read(0, lora.size(), initial->data());
    }
    if (params) lora.write(0, lora.size(), params->data());
    model->set_training_hooks(&lora);
    LoraRun run;
    {
        LlamaBackprop bp(*model);
        lora.zero_gradients();
        run.sum_nll = bp.forward_backward(batch.tokens, n_seqs, batch.targets, loss_scale).sum_nll;
    }
    for (const ParameterBlock& p : lora.parameter_blocks()) {
        const size_t at = run.grad.size();
        run.grad.resize(at + static_cast<size_t>(p.count));
        b.download(run.grad.data() + at, p.grad, static_cast<size_t>(p.count) * sizeof(float));
        run.block_ends.push_back(run.grad.size());
    }
    model->set_training_hooks(nullptr);
    return run;
}

double cosine(const float* a, const float* b, size_t n) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; ++i) {
        ab += static_cast<double>(a[i]) * b[i];
        aa += static_cast<double>(a[i]) * a[i];
        bb += static_cast<double>(b[i]) * b[i];
    }
    return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : (aa == bb ? 1.0 : 0.0);
}

ModelCheck check_lora_model(Backend& gpu, GgmlType type, int n_seqs, int seq_len, uint64_t seed) {
    RandomLlamaSpec spec;
    spec.n_layers = 4;
    spec.dim = 576;
    spec.ffn_dim = 1536;
    spec.n_heads = 9;
    spec.n_kv_heads = 3;
    spec.vocab_size = 933;
    spec.context_length = 256;
    spec.weight_type = type;
    spec.seed = seed;
    const auto file = open_random_llama(spec, "backward");
    NextTokenBatch batch = random_next_token_batch(n_seqs, seq_len, spec.vocab_size, seed + 1);
    // Targets on the second half of each sequence (an answer after a prompt).
    int64_t targeted = 0;
    for (int s = 0; s < n_seqs; ++s)
        for (int t = 0; t < seq_len; ++t) {
            int32_t& target = batch.targets[static_cast<size_t>(s) * seq_len + t];
            if (t < seq_len / 2) target = -1;
            targeted += target >= 0;
        }
    const double loss_scale = 1.0 / static_cast<double>(targeted);
    // The adapters' initial A (seeded, the same on any backend), plus noise on A and B.
    std::vector<float> params;
    Backend& cpu = *shared_cpu_backend();
    const LoraRun untouched = lora_step(cpu, file, nullptr, &params, batch, n_seqs, loss_scale);
    std::mt19937_64 rng(seed + 2);
    const auto noise = random_floats(params.size(), 0.02f, rng);
    for (size_t i = 0; i < params.size(); ++i) params[i] += noise[i];
    const LoraRun c = lora_step(cpu, file, &params, nullptr, batch, n_seqs, loss_scale);
    const LoraRun g = lora_step(gpu, file, &params, nullptr, batch, n_seqs, loss_scale);
    EXPECT_NE(c.sum_nll, untouched.sum_nll);  // the adapters take part
    ModelCheck m{};
    m.loss_rel = std::fabs(g.sum_nll - c.sum_nll) / std::fabs(c.sum_nll);
    const Diff d = diff(g.grad, c.grad);
    m.grad_rel = d.rel;
    m.grad_max_rel = d.max_rel;
    m.grad_cos = cosine(g.grad.data(), c.grad.data(), c.grad.size());
    m.worst_block_cos = 1.0;
    size_t begin = 0;
    for (size_t end : c.block_ends) {
        m.worst_block_cos =
            std::min(m.worst_block_cos, cosine(g.grad.data() + begin, c.grad.data() + begin, end - begin));
        begin = end;
    }
    std::printf("[ backward ] %s model, %d x %d tokens (%lld targets), %zu LoRA gradients: loss %.6f vs CPU %.6f "
                "(rel diff %.2e); gradient rel diff %.2e, max rel diff %.2e, cosine %.9f, worst block cosine %.9f\n",
                std::string(ggml_type_name(type)).c_str(), n_seqs, seq_len, static_cast<long long>(targeted),
                c.grad.size(),
                g.sum_nll * loss_scale, c.sum_nll * loss_scale, m.loss_rel, m.grad_rel, m.grad_max_rel, m.grad_cos,
                m.worst_block_cos);
    return m;
}

void check_model(GgmlType type) {
    QT_REQUIRE_GPU(gpu);
    const ModelCheck m = check_lora_model(*gpu, type, 3, 128, fresh_seed());
    EXPECT_LT(m.loss_rel, 1e-5);
    EXPECT_LT(m.grad_rel, 1e-3);
    EXPECT_GT(m.grad_cos, 1.0 - 1e-6);
    EXPECT_GT(m.worst_block_cos, 0.9999);
}

TEST(CudaBackwardModel, LoraGradientsOfARandomQ4_0ModelMatchCpu) { check_model(GgmlType::Q4_0); }

TEST(CudaBackwardModel, LoraGradientsOfARandomQ4_1ModelMatchCpu) { check_model(GgmlType::Q4_1); }

}  // namespace
}  // namespace qt::test
