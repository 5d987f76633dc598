// Every training op's backward (cpu/train_ops.h) in double precision against
// central finite differences of its forward, and the backend's float ops (the
// ones the model calls) against the double reference. Each check takes the scalar
// L = sum(R * forward(inputs)) for a fixed random R, so dL/d(output) = R.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "backend/cpu_backend.h"
#include "cpu/train_ops.h"
#include "gguf/random_llama_gguf.h"
#include "quant/dequantize.h"
#include "quant/ggml_type.h"

namespace {

using Vec = std::vector<double>;
namespace ops = qt::train_ops;

Vec random_vec(size_t n, uint32_t seed, double scale = 1.0) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(0.0, scale);
    Vec v(n);
    for (double& x : v) x = d(rng);
    return v;
}

double dot(const Vec& a, const Vec& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

// Worst relative difference between `analytic` and the central difference of
// loss() over each coordinate of `x` (h = 1e-6; loss() reads x).
double worst_fd_error(Vec& x, const Vec& analytic, const std::function<double()>& loss) {
    constexpr double h = 1e-6;
    double worst = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double keep = x[i];
        x[i] = keep + h;
        const double up = loss();
        x[i] = keep - h;
        const double down = loss();
        x[i] = keep;
        const double fd = (up - down) / (2 * h);
        worst = std::max(worst, std::abs(fd - analytic[i]) / std::max(1.0, std::abs(fd)));
    }
    return worst;
}

// Central differences in double agree with an exact gradient to ~1e-9 here; a
// wrong term (a missing factor, a transposed index) is off by O(1).
constexpr double kFdBound = 1e-6;

// A gated activation y = act(g) * u (SwiGLU, GeGLU): the backward's dg and du
// against finite differences of sum(y * R), on 40 random values (g spread by g_scale).
template <typename Forward, typename Backward>
void expect_gated_backward_matches_fd(Forward forward, Backward backward, uint32_t seed, double g_scale) {
    const int count = 40;
    Vec g = random_vec(count, seed, g_scale), u = random_vec(count, seed + 1), R = random_vec(count, seed + 2);
    auto loss = [&] {
        Vec y(count);
        forward(g.data(), u.data(), y.data(), count);
        return dot(y, R);
    };
    Vec dg(count), du(count);
    backward(g.data(), u.data(), R.data(), dg.data(), du.data(), count);
    EXPECT_LT(worst_fd_error(g, dg, loss), kFdBound);
    EXPECT_LT(worst_fd_error(u, du, loss), kFdBound);
}

}  // namespace

TEST(BackwardOps, RmsNormBackwardMatchesFiniteDifferences) {
    const int n = 3, dim = 16;
    const float eps = 1e-5f;
    Vec x = random_vec(n * dim, 1), w = random_vec(dim, 2), R = random_vec(n * dim, 3);
    auto loss = [&] {
        Vec y(x.size());
        ops::rmsnorm_forward(x.data(), w.data(), y.data(), n, dim, eps);
        return dot(y, R);
    };
    Vec dx(x.size(), 0.0), dw(w.size(), 0.0);
    ops::rmsnorm_backward(x.data(), w.data(), R.data(), dx.data(), dw.data(), n, dim, eps);
    EXPECT_LT(worst_fd_error(x, dx, loss), kFdBound);
    EXPECT_LT(worst_fd_error(w, dw, loss), kFdBound);
}

TEST(BackwardOps, RopeBackwardIsTheTransposeOfTheRotation) {
    const int n = 5, heads = 2, hd = 8;
    const std::vector<int32_t> pos = {0, 1, 2, 7, 300};
    Vec x = random_vec(n * heads * hd, 4), R = random_vec(x.size(), 5);
    auto loss = [&] {
        Vec y = x;
        ops::rope(y.data(), pos, heads, hd, hd, 10000.0f, false);
        return dot(y, R);
    };
    Vec dx = R;
    ops::rope(dx.data(), pos, heads, hd, hd, 10000.0f, true);
    EXPECT_LT(worst_fd_error(x, dx, loss), kFdBound);
}

TEST(BackwardOps, CausalGroupedQueryAttentionBackwardMatchesFiniteDifferences) {
    const int n_seqs = 2, T = 5, H = 4, KV = 2, hd = 8, n = n_seqs * T;
    Vec q = random_vec(n * H * hd, 6), k = random_vec(n * KV * hd, 7), v = random_vec(n * KV * hd, 8);
    const Vec R = random_vec(q.size(), 9);
    auto forward = [&](Vec& out, Vec& lse) {
        out.assign(q.size(), 0.0);
        lse.assign(static_cast<size_t>(n) * H, 0.0);
        ops::attention_forward(q.data(), k.data(), v.data(), n_seqs, T, H, KV, hd, 1.0 / std::sqrt(double(hd)), 0.0, 0,
                           out.data(), lse.data());
    };
    auto loss = [&] {
        Vec out, lse;
        forward(out, lse);
        return dot(out, R);
    };
    Vec out, lse;
    forward(out, lse);
    Vec dq(q.size()), dk(k.size()), dv(v.size());
    ops::attention_backward(q.data(), k.data(), v.data(), out.data(), lse.data(), R.data(), dq.data(), dk.data(),
                            dv.data(), n_seqs, T, H, KV, hd, 1.0 / std::sqrt(double(hd)), 0.0, 0);
    EXPECT_LT(worst_fd_error(q, dq, loss), kFdBound);
    EXPECT_LT(worst_fd_error(k, dk, loss), kFdBound);
    EXPECT_LT(worst_fd_error(v, dv, loss), kFdBound);
    // Causality: the first token of each sequence attends to itself alone, so its
    // output is its value row (head h reads kv head h / 2).
    for (int s = 0; s < n_seqs; ++s)
        for (int e = 0; e < hd; ++e)
            EXPECT_NEAR(out[static_cast<size_t>(s) * T * H * hd + 3 * hd + e],
                        v[static_cast<size_t>(s) * T * KV * hd + 1 * hd + e], 1e-12);
}

TEST(BackwardOps, SwigluBackwardMatchesFiniteDifferences) {
    expect_gated_backward_matches_fd(ops::swiglu_forward<double>, ops::swiglu_backward<double>, 10, 3.0);
}

TEST(BackwardOps, CrossEntropyGradientMatchesFiniteDifferencesAndSkipsUntargetedRows) {
    const int rows = 4, vocab = 11;
    const double scale = 0.25;
    const std::vector<int32_t> targets = {3, -1, 0, 10};
    Vec logits = random_vec(rows * vocab, 13, 2.0);
    auto loss = [&] {
        Vec work = logits;
        std::vector<double> nll(rows);
        ops::cross_entropy_backward(work.data(), targets.data(), rows, vocab, scale, nll.data());
        double s = 0;
        for (double v : nll) s += v;
        return scale * s;
    };
    Vec grad = logits;
    std::vector<double> nll(rows);
    ops::cross_entropy_backward(grad.data(), targets.data(), rows, vocab, scale, nll.data());
    EXPECT_LT(worst_fd_error(logits, grad, loss), kFdBound);
    EXPECT_EQ(nll[1], 0.0);
    for (int i = 0; i < vocab; ++i) EXPECT_EQ(grad[static_cast<size_t>(vocab + i)], 0.0);
    // The nll itself: -log softmax at the target, computed directly.
    double se = 0;
    for (int i = 0; i < vocab; ++i) se += std::exp(logits[static_cast<size_t>(i)]);
    EXPECT_NEAR(nll[0], std::log(se) - logits[3], 1e-12);
}

TEST(BackwardOps, EmbeddingBackwardAddsEachTokensGradientToItsRow) {
    const int vocab = 6, dim = 4;
    const std::vector<int32_t> tokens = {2, 5, 2, 0};
    Vec table = random_vec(vocab * dim, 14), R = random_vec(tokens.size() * dim, 15);
    auto loss = [&] {
        double s = 0;
        for (size_t t = 0; t < tokens.size(); ++t)
            for (int e = 0; e < dim; ++e) s += table[static_cast<size_t>(tokens[t]) * dim + e] * R[t * dim + e];
        return s;
    };
    Vec dtable(table.size(), 0.0);
    ops::embedding_backward(tokens, R.data(), dtable.data(), dim);
    EXPECT_LT(worst_fd_error(table, dtable, loss), kFdBound);
}

TEST(BackwardOps, LinearBackwardGivesInputAndWeightGradients) {
    const int n = 3, rows = 5, cols = 7;
    Vec w = random_vec(rows * cols, 16), x = random_vec(n * cols, 17), R = random_vec(n * rows, 18);
    auto loss = [&] {
        Vec y(static_cast<size_t>(n) * rows);
        ops::linear_forward(w.data(), rows, cols, x.data(), y.data(), n);
        return dot(y, R);
    };
    Vec dx(x.size(), 1.0), dw(w.size(), 0.0);
    ops::linear_backward_input(w.data(), rows, cols, R.data(), dx.data(), n, false);  // "=" ignores the 1s
    ops::linear_backward_weight(x.data(), R.data(), dw.data(), rows, cols, n);
    EXPECT_LT(worst_fd_error(x, dx, loss), kFdBound);
    EXPECT_LT(worst_fd_error(w, dw, loss), kFdBound);
}

TEST(BackwardOps, AdamWMatchesTheTorchFormulaOverSteps) {
    // Two steps on one value, written out from torch.optim.AdamW's documented update.
    qt::AdamWStep s;
    s.lr = 0.1;
    s.weight_decay = 0.01;
    double p = 1.0, m = 0, v = 0;
    double ep = 1.0, em = 0, ev = 0;
    for (int t = 1; t <= 2; ++t) {
        const double g = t == 1 ? 0.5 : -0.25;
        s.t = t;
        ops::adamw_update(&p, &g, &m, &v, 1, s);
        ep *= 1 - s.lr * s.weight_decay;
        em = 0.9 * em + 0.1 * g;
        ev = 0.999 * ev + 0.001 * g * g;
        const double mhat = em / (1 - std::pow(0.9, t)), vhat = ev / (1 - std::pow(0.999, t));
        ep -= s.lr * mhat / (std::sqrt(vhat) + s.eps);
        EXPECT_NEAR(p, ep, 1e-12) << "step " << t;
    }
}

// The backend's float ops, as the model calls them, against the double reference.
TEST(BackwardOps, CpuBackendQuantizedInputGradientEqualsTheDequantizedProduct) {
    auto backend = qt::make_cpu_backend(2);
    const int n = 3, rows = 70, cols = 64;  // rows not a multiple of any tile
    for (qt::GgmlType type : {qt::GgmlType::Q4_0, qt::GgmlType::Q4_1, qt::GgmlType::Q8_0, qt::GgmlType::F32}) {
        const Vec wd = random_vec(rows * cols, 19, 0.1);
        std::vector<float> wf(wd.begin(), wd.end());
        std::vector<uint8_t> blocks(qt::ggml_row_size(type, cols) * rows);
        if (type == qt::GgmlType::F32) std::memcpy(blocks.data(), wf.data(), blocks.size());
        else
            for (int r = 0; r < rows; ++r)
                qt::quantize_row_reference(type, wf.data() + r * cols, blocks.data() + qt::ggml_row_size(type, cols) * r,
                                           cols);
        qt::WeightTensor w = backend->load_weight("w", type, cols, rows, blocks.data(), true);
        // The dequantized matrix in double, and dx = dy W from it.
        Vec deq(static_cast<size_t>(rows) * cols);
        std::vector<float> row(cols);
        for (int r = 0; r < rows; ++r) {
            qt::dequantize_row(type, blocks.data() + qt::ggml_row_size(type, cols) * r, row.data(), cols);
            for (int c = 0; c < cols; ++c) deq[static_cast<size_t>(r) * cols + c] = row[c];
        }
        const Vec dy = random_vec(n * rows, 20);
        Vec want(static_cast<size_t>(n) * cols, 0.0);
        ops::linear_backward_input(deq.data(), rows, cols, dy.data(), want.data(), n, false);
        std::vector<float> dyf(dy.begin(), dy.end()), dx(want.size(), 1.0f);
        backend->matmul_backward_input(w, dyf.data(), dx.data(), n, true);  // accumulates onto the 1s
        double worst = 0;
        for (size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(dx[i] - 1.0 - want[i]));
        EXPECT_LT(worst, 1e-4) << qt::ggml_type_name(type);
    }
}

TEST(BackwardOps, CpuBackendAttentionAndNormOpsMatchTheDoubleReference) {
    auto backend = qt::make_cpu_backend(2);
    const int n_seqs = 2, T = 9, H = 4, KV = 2, hd = 16, n = n_seqs * T;
    const qt::AttentionShape shape{H, KV, hd};
    const Vec q = random_vec(n * H * hd, 21), k = random_vec(n * KV * hd, 22), v = random_vec(n * KV * hd, 23),
              dout = random_vec(n * H * hd, 24);
    Vec out(q.size()), lse(static_cast<size_t>(n) * H), dq(q.size()), dk(k.size()), dv(v.size());
    ops::attention_forward(q.data(), k.data(), v.data(), n_seqs, T, H, KV, hd, 1.0 / std::sqrt(double(hd)), 0.0, 0,
                           out.data(), lse.data());
    ops::attention_backward(q.data(), k.data(), v.data(), out.data(), lse.data(), dout.data(), dq.data(), dk.data(),
                            dv.data(), n_seqs, T, H, KV, hd, 1.0 / std::sqrt(double(hd)), 0.0, 0);
    auto f = [](const Vec& x) { return std::vector<float>(x.begin(), x.end()); };
    std::vector<float> qf = f(q), kf = f(k), vf = f(v), df = f(dout), of(out.size()), lf(lse.size()), dqf(q.size()),
                       dkf(k.size()), dvf(v.size());
    backend->attention_train(qf.data(), kf.data(), vf.data(), n_seqs, T, shape, of.data(), lf.data());
    backend->attention_backward(qf.data(), kf.data(), vf.data(), of.data(), lf.data(), df.data(), dqf.data(),
                                dkf.data(), dvf.data(), n_seqs, T, shape);
    auto worst = [](const std::vector<float>& a, const Vec& b) {
        double w = 0;
        for (size_t i = 0; i < b.size(); ++i) w = std::max(w, std::abs(a[i] - b[i]));
        return w;
    };
    EXPECT_LT(worst(of, out), 1e-5);
    EXPECT_LT(worst(lf, lse), 1e-5);
    EXPECT_LT(worst(dqf, dq), 1e-4);
    EXPECT_LT(worst(dkf, dk), 1e-4);
    EXPECT_LT(worst(dvf, dv), 1e-4);

    // rope_backward (the base class: rope at negated positions) undoes the CPU rope exactly enough.
    std::vector<int32_t> pos(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) pos[static_cast<size_t>(i)] = i % T + 100;
    std::vector<float> x = qf;
    backend->rope(x.data(), pos, H, hd, qt::RopeSpec{hd, 10000.0f});
    backend->rope_backward(x.data(), pos, H, hd, qt::RopeSpec{hd, 10000.0f});
    double back = 0;
    for (size_t i = 0; i < x.size(); ++i) back = std::max(back, static_cast<double>(std::abs(x[i] - qf[i])));
    EXPECT_LT(back, 1e-5);
}

TEST(BackwardOps, NeoxRopeWithFactorsAndScalingIsInvertedByItsBackward) {
    // Pairs (i, i + n_rot/2), a partial rotation (n_rot < head_dim), Llama 3.1-style
    // factors and linear scaling: the backward (negated angles) is the transpose.
    const int n = 4, heads = 2, hd = 12, n_rot = 8;
    const std::vector<int32_t> pos = {0, 3, 11, 250};
    const float factors[] = {1.0f, 2.0f, 4.5f, 8.0f};
    Vec x = random_vec(n * heads * hd, 31), R = random_vec(x.size(), 32);
    auto loss = [&] {
        Vec y = x;
        ops::rope(y.data(), pos, heads, hd, n_rot, 10000.0f, true, 0.25f, factors, false);
        return dot(y, R);
    };
    Vec dx = R;
    ops::rope(dx.data(), pos, heads, hd, n_rot, 10000.0f, true, 0.25f, factors, true);
    EXPECT_LT(worst_fd_error(x, dx, loss), kFdBound);
    // Neox mode leaves the dims past n_rot alone and rotates dim 0 with dim n_rot/2.
    Vec y = x;
    ops::rope(y.data(), pos, heads, hd, n_rot, 10000.0f, true, 0.25f, factors, false);
    for (int d = n_rot; d < hd; ++d) EXPECT_EQ(y[static_cast<size_t>(hd + d)], x[static_cast<size_t>(hd + d)]);
    const double angle = 0.25 * 3.0;  // token 1 (position 3), pair 0: factor 1
    EXPECT_NEAR(y[static_cast<size_t>(heads * hd)],
                x[static_cast<size_t>(heads * hd)] * std::cos(angle) - x[static_cast<size_t>(heads * hd + 4)] * std::sin(angle),
                1e-6);
}

TEST(BackwardOps, WindowedSoftCappedAttentionBackwardMatchesFiniteDifferences) {
    // Gemma 2's attention: a score scale other than 1/sqrt(hd), a softcap, and a window of 3.
    const int n_seqs = 2, T = 7, H = 4, KV = 2, hd = 8, n = n_seqs * T, window = 3;
    const double scale = 0.3, softcap = 1.5;
    Vec q = random_vec(n * H * hd, 41), k = random_vec(n * KV * hd, 42), v = random_vec(n * KV * hd, 43);
    const Vec R = random_vec(q.size(), 44);
    auto forward = [&](Vec& out, Vec& lse) {
        out.assign(q.size(), 0.0);
        lse.assign(static_cast<size_t>(n) * H, 0.0);
        ops::attention_forward(q.data(), k.data(), v.data(), n_seqs, T, H, KV, hd, scale, softcap, window, out.data(),
                               lse.data());
    };
    auto loss = [&] {
        Vec out, lse;
        forward(out, lse);
        return dot(out, R);
    };
    Vec out, lse;
    forward(out, lse);
    Vec dq(q.size()), dk(k.size()), dv(v.size());
    ops::attention_backward(q.data(), k.data(), v.data(), out.data(), lse.data(), R.data(), dq.data(), dk.data(),
                            dv.data(), n_seqs, T, H, KV, hd, scale, softcap, window);
    EXPECT_LT(worst_fd_error(q, dq, loss), kFdBound);
    EXPECT_LT(worst_fd_error(k, dk, loss), kFdBound);
    EXPECT_LT(worst_fd_error(v, dv, loss), kFdBound);
    // The window: the last query of a sequence never sees a key 3 or more positions back.
    Vec k2 = k;
    for (int e = 0; e < KV * hd; ++e) k2[static_cast<size_t>((T - 4) * KV * hd + e)] += 5.0;
    Vec out2(q.size()), lse2(lse.size());
    ops::attention_forward(q.data(), k2.data(), v.data(), n_seqs, T, H, KV, hd, scale, softcap, window, out2.data(),
                           lse2.data());
    for (int e = 0; e < H * hd; ++e)
        EXPECT_EQ(out2[static_cast<size_t>((T - 1) * H * hd + e)], out[static_cast<size_t>((T - 1) * H * hd + e)]);
}

TEST(BackwardOps, GegluAndSoftcapBackwardsMatchFiniteDifferences) {
    expect_gated_backward_matches_fd(ops::geglu_forward<double>, ops::geglu_backward<double>, 51, 2.0);
    const int count = 40;
    const Vec R = random_vec(count, 53);
    // gelu's tanh form at known points: gelu(1) = 0.841192, gelu(-2) = -0.045402.
    EXPECT_NEAR(ops::gelu_tanh(1.0), 0.8411919906, 1e-9);
    EXPECT_NEAR(ops::gelu_tanh(-2.0), -0.0454023059, 1e-9);

    Vec x = random_vec(count, 54, 40.0);
    auto cap_loss = [&] {
        Vec y(count);
        ops::softcap_forward(x.data(), y.data(), count, 30.0f);
        return dot(y, R);
    };
    Vec dx = R;
    ops::softcap_backward(x.data(), dx.data(), count, 30.0f);
    EXPECT_LT(worst_fd_error(x, dx, cap_loss), kFdBound);
}

TEST(BackwardOps, BackendFeatureOpsMatchTheDoubleReference) {
    // The float ops LlamaModel calls for the architecture features, on the CPU backend.
    auto backend = qt::make_cpu_backend(1);
    const int n = 3, width = 10;
    const Vec xd = random_vec(n * width, 61, 3.0), bd = random_vec(width, 62), ud = random_vec(n * width, 63);
    std::vector<float> x(xd.begin(), xd.end()), b(bd.begin(), bd.end()), u(ud.begin(), ud.end()), y(x.size());
    backend->add_bias(x.data(), b.data(), n, width);
    for (int i = 0; i < n * width; ++i) EXPECT_NEAR(x[static_cast<size_t>(i)], xd[i] + bd[i % width], 1e-5);
    backend->geglu(x.data(), u.data(), y.data(), n * width);
    for (int i = 0; i < n * width; ++i)
        EXPECT_NEAR(y[static_cast<size_t>(i)], ops::gelu_tanh(double(x[i])) * u[i], 1e-5 * (1 + std::abs(y[i])));
    backend->softcap(x.data(), y.data(), n * width, 2.0f);
    for (int i = 0; i < n * width; ++i) EXPECT_NEAR(y[static_cast<size_t>(i)], 2.0 * std::tanh(x[i] / 2.0), 1e-6);
}
