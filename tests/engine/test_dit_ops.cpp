// The diffusion transformer's backend ops (engine/backend/backend.h): non-causal
// attention, adaLN's modulate, the gated residual and SiLU. Each forward against a
// plain loop written here, each backward against central finite differences in
// double (cpu/train_ops.h's templates), and the CPU backend's float ops against the
// double reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <random>
#include <vector>

#include "backend/cpu_backend.h"
#include "cpu/train_ops.h"
#include "dit_support.h"

namespace ops = qt::train_ops;

namespace {

std::vector<double> randn(size_t n, uint32_t seed, double scale = 1.0) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(0.0, scale);
    std::vector<double> v(n);
    for (double& x : v) x = d(rng);
    return v;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

// Largest |analytic - central difference| over every coordinate of p, for a loss of p.
double worst_fd_error(std::vector<double>& p, const std::vector<double>& analytic, const std::function<double()>& loss) {
    double worst = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        const double v = p[i], h = 1e-5;
        p[i] = v + h;
        const double up = loss();
        p[i] = v - h;
        const double down = loss();
        p[i] = v;
        worst = std::max(worst, std::abs((up - down) / (2 * h) - analytic[i]));
    }
    return worst;
}

// Bidirectional attention written out: softmax over every key of the sequence.
void reference_attention(const std::vector<double>& q, const std::vector<double>& k, const std::vector<double>& v,
                         int n_seqs, int T, int H, int KV, int hd, std::vector<double>& out, std::vector<double>& lse) {
    out.assign(q.size(), 0.0);
    lse.assign(static_cast<size_t>(n_seqs * T * H), 0.0);
    for (int s = 0; s < n_seqs; ++s)
        for (int h = 0; h < H; ++h)
            for (int i = 0; i < T; ++i) {
                const int kvh = h / (H / KV);
                std::vector<double> sc(static_cast<size_t>(T));
                double m = -1e300;
                for (int j = 0; j < T; ++j) {
                    double d = 0;
                    for (int e = 0; e < hd; ++e)
                        d += q[static_cast<size_t>(((s * T + i) * H + h) * hd + e)] *
                             k[static_cast<size_t>(((s * T + j) * KV + kvh) * hd + e)];
                    sc[static_cast<size_t>(j)] = d / std::sqrt(static_cast<double>(hd));
                    m = std::max(m, sc[static_cast<size_t>(j)]);
                }
                double z = 0;
                for (double x : sc) z += std::exp(x - m);
                for (int j = 0; j < T; ++j)
                    for (int e = 0; e < hd; ++e)
                        out[static_cast<size_t>(((s * T + i) * H + h) * hd + e)] +=
                            std::exp(sc[static_cast<size_t>(j)] - m) / z *
                            v[static_cast<size_t>(((s * T + j) * KV + kvh) * hd + e)];
                lse[static_cast<size_t>((s * T + i) * H + h)] = m + std::log(z);
            }
}

constexpr int kSeqs = 2, kT = 5, kH = 4, kKV = 2, kHd = 3;

// A backend whose memory the base class must not address directly (host_memory()
// false, as on a GPU), so its host ops run on downloaded copies and upload what
// they write: the path CUDA takes for these ops. Only memory is implemented.
class CopyingBackend final : public qt::Backend {
public:
    std::string name() const override { return "copying"; }
    qt::DeviceBuffer alloc(size_t bytes, qt::MemoryCategory category) override {
        ledger_.add(category, static_cast<int64_t>(bytes));
        return qt::DeviceBuffer(this, std::malloc(std::max<size_t>(bytes, 1)), bytes, category);
    }
    void free_raw(void* data, size_t) override { std::free(data); }
    void upload(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
    void download(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
    qt::WeightTensor load_weight(const std::string&, qt::GgmlType, int64_t, int64_t, const void*, bool) override {
        throw std::logic_error("not needed");
    }
    void embed(const qt::WeightTensor&, std::span<const int32_t>, float*) override { throw std::logic_error("no"); }
    void rmsnorm(const float*, const float*, float*, int, int, float) override { throw std::logic_error("no"); }
    void matmul(const qt::WeightTensor&, const float*, float*, int) override { throw std::logic_error("no"); }
    void kv_store(void*, void*, const qt::KvCacheLayout&, int, int, int, const float*, const float*) override {
        throw std::logic_error("no");
    }
    void swiglu(const float*, const float*, float*, int64_t) override { throw std::logic_error("no"); }
    void add_inplace(float*, const float*, int64_t) override { throw std::logic_error("no"); }
};

}  // namespace

TEST(DitOps, NonCausalAttentionLetsEveryTokenSeeEveryKeyOfItsSequence) {
    const qt::test::OneThread one_thread;
    const size_t qn = kSeqs * kT * kH * kHd, kn = kSeqs * kT * kKV * kHd;
    const auto q = randn(qn, 1), k = randn(kn, 2), v = randn(kn, 3);
    std::vector<double> ref, ref_lse, out(qn), lse(kSeqs * kT * kH), causal(qn), causal_lse(lse.size());
    reference_attention(q, k, v, kSeqs, kT, kH, kKV, kHd, ref, ref_lse);
    const double scale = 1.0 / std::sqrt(double(kHd));
    ops::attention_forward(q.data(), k.data(), v.data(), kSeqs, kT, kH, kKV, kHd, scale, 0.0, 0, out.data(),
                           lse.data(), false);
    ops::attention_forward(q.data(), k.data(), v.data(), kSeqs, kT, kH, kKV, kHd, scale, 0.0, 0, causal.data(),
                           causal_lse.data(), true);
    double worst = 0, causal_gap = 0;
    for (size_t i = 0; i < qn; ++i) {
        worst = std::max(worst, std::abs(out[i] - ref[i]));
        causal_gap = std::max(causal_gap, std::abs(causal[i] - ref[i]));
    }
    for (size_t i = 0; i < lse.size(); ++i) worst = std::max(worst, std::abs(lse[i] - ref_lse[i]));
    EXPECT_LT(worst, 1e-12);
    EXPECT_GT(causal_gap, 1e-2);  // the causal mask would hide later keys: the two must differ
}

TEST(DitOps, NonCausalAttentionBackwardMatchesFiniteDifferences) {
    const qt::test::OneThread one_thread;
    const size_t qn = kSeqs * kT * kH * kHd, kn = kSeqs * kT * kKV * kHd;
    auto q = randn(qn, 4), k = randn(kn, 5), v = randn(kn, 6);
    const auto r = randn(qn, 7);  // loss = sum(out * r)
    const double scale = 1.0 / std::sqrt(double(kHd));
    std::vector<double> out(qn), lse(kSeqs * kT * kH), dq(qn), dk(kn), dv(kn);
    auto loss = [&] {
        ops::attention_forward(q.data(), k.data(), v.data(), kSeqs, kT, kH, kKV, kHd, scale, 0.0, 0, out.data(),
                               lse.data(), false);
        return dot(out, r);
    };
    loss();
    ops::attention_backward(q.data(), k.data(), v.data(), out.data(), lse.data(), r.data(), dq.data(), dk.data(),
                            dv.data(), kSeqs, kT, kH, kKV, kHd, scale, 0.0, 0, false);
    const double eq = worst_fd_error(q, dq, loss), ek = worst_fd_error(k, dk, loss), ev = worst_fd_error(v, dv, loss);
    std::printf("[ dit ops ] attention fd error: dq %.1e dk %.1e dv %.1e\n", eq, ek, ev);
    EXPECT_LT(eq, 1e-7);
    EXPECT_LT(ek, 1e-7);
    EXPECT_LT(ev, 1e-7);
}

TEST(DitOps, ModulateScalesAndShiftsEachImageByItsOwnConditioningRow) {
    const qt::test::OneThread one_thread;
    const int n_seqs = 2, T = 3, W = 4, stride = 10;  // rows of a wider adaLN output
    const auto x = randn(n_seqs * T * W, 8), shift = randn(n_seqs * stride, 9), scale = randn(n_seqs * stride, 10);
    std::vector<double> out(x.size());
    ops::modulate_forward(x.data(), shift.data(), scale.data(), stride, out.data(), n_seqs, T, W);
    double worst = 0;
    for (int s = 0; s < n_seqs; ++s)
        for (int t = 0; t < T; ++t)
            for (int i = 0; i < W; ++i) {
                const size_t e = static_cast<size_t>((s * T + t) * W + i), c = static_cast<size_t>(s * stride + i);
                worst = std::max(worst, std::abs(out[e] - (x[e] * (1 + scale[c]) + shift[c])));
            }
    EXPECT_LT(worst, 1e-15);
}

TEST(DitOps, ModulateBackwardMatchesFiniteDifferences) {
    const qt::test::OneThread one_thread;
    const int n_seqs = 2, T = 3, W = 4, stride = 10;
    auto x = randn(n_seqs * T * W, 11), shift = randn(n_seqs * stride, 12), scale = randn(n_seqs * stride, 13);
    const auto r = randn(x.size(), 14);
    std::vector<double> out(x.size()), dx(x.size()), dshift(shift.size(), 7.0), dscale(scale.size(), 7.0);
    auto loss = [&] {
        ops::modulate_forward(x.data(), shift.data(), scale.data(), stride, out.data(), n_seqs, T, W);
        return dot(out, r);
    };
    ops::modulate_backward(x.data(), scale.data(), stride, r.data(), dx.data(), dshift.data(), dscale.data(), n_seqs,
                           T, W);
    // Values between the rows belong to other slices: the backward leaves them alone.
    EXPECT_EQ(dshift[static_cast<size_t>(W)], 7.0);
    for (int s = 0; s < n_seqs; ++s)
        for (int i = W; i < stride; ++i) dshift[static_cast<size_t>(s * stride + i)] = dscale[static_cast<size_t>(s * stride + i)] = 0;
    const double ex = worst_fd_error(x, dx, loss), esh = worst_fd_error(shift, dshift, loss),
                 esc = worst_fd_error(scale, dscale, loss);
    std::printf("[ dit ops ] modulate fd error: dx %.1e dshift %.1e dscale %.1e\n", ex, esh, esc);
    EXPECT_LT(std::max({ex, esh, esc}), 1e-8);
}

TEST(DitOps, GatedAddAndItsBackwardMatchTheReferenceAndFiniteDifferences) {
    const qt::test::OneThread one_thread;
    const int n_seqs = 2, T = 3, W = 4, stride = 6;
    auto y = randn(n_seqs * T * W, 15), gate = randn(n_seqs * stride, 16);
    const auto x0 = randn(y.size(), 17), r = randn(y.size(), 18);
    std::vector<double> x = x0;
    ops::gated_add_forward(x.data(), y.data(), gate.data(), stride, n_seqs, T, W);
    double worst = 0;
    for (int s = 0; s < n_seqs; ++s)
        for (int t = 0; t < T; ++t)
            for (int i = 0; i < W; ++i) {
                const size_t e = static_cast<size_t>((s * T + t) * W + i);
                worst = std::max(worst, std::abs(x[e] - (x0[e] + gate[static_cast<size_t>(s * stride + i)] * y[e])));
            }
    EXPECT_LT(worst, 1e-15);
    auto loss = [&] {
        x = x0;
        ops::gated_add_forward(x.data(), y.data(), gate.data(), stride, n_seqs, T, W);
        return dot(x, r);
    };
    std::vector<double> dy(y.size()), dgate(gate.size(), 0.0);
    ops::gated_add_backward(y.data(), gate.data(), stride, r.data(), dy.data(), dgate.data(), n_seqs, T, W);
    const double ey = worst_fd_error(y, dy, loss), eg = worst_fd_error(gate, dgate, loss);
    std::printf("[ dit ops ] gated add fd error: dy %.1e dgate %.1e\n", ey, eg);
    EXPECT_LT(std::max(ey, eg), 1e-8);
}

TEST(DitOps, SiluAndItsBackwardMatchTheFormulaAndFiniteDifferences) {
    const qt::test::OneThread one_thread;
    auto x = randn(16, 19, 3.0);
    const auto r = randn(16, 20);
    std::vector<double> y(16), dx(16);
    ops::silu_forward(x.data(), y.data(), 16);
    for (size_t i = 0; i < 16; ++i) EXPECT_NEAR(y[i], x[i] / (1 + std::exp(-x[i])), 1e-15);
    ops::silu_backward(x.data(), r.data(), dx.data(), 16);
    const double e = worst_fd_error(x, dx, [&] {
        ops::silu_forward(x.data(), y.data(), 16);
        return dot(y, r);
    });
    std::printf("[ dit ops ] silu fd error: %.1e\n", e);
    EXPECT_LT(e, 1e-8);
}

TEST(DitOps, CpuBackendComputesTheDoubleReferenceInFloat) {
    const qt::test::OneThread one_thread;
    auto b = qt::make_cpu_backend(1);
    auto to_f = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
    auto worst = [](const std::vector<float>& f, const std::vector<double>& d) {
        double w = 0;
        for (size_t i = 0; i < d.size(); ++i) w = std::max(w, std::abs(f[i] - d[i]));
        return w;
    };
    // Non-causal attention and its backward.
    const size_t qn = kSeqs * kT * kH * kHd, kn = kSeqs * kT * kKV * kHd;
    const auto q = randn(qn, 21), k = randn(kn, 22), v = randn(kn, 23), r = randn(qn, 24);
    qt::AttentionShape shape{kH, kKV, kHd};
    shape.causal = false;
    EXPECT_FALSE(shape.plain());  // so no backend's causal kernel takes it
    std::vector<double> out(qn), lse(kSeqs * kT * kH), dq(qn), dk(kn), dv(kn);
    const double sc = 1.0 / std::sqrt(double(kHd));
    ops::attention_forward(q.data(), k.data(), v.data(), kSeqs, kT, kH, kKV, kHd, sc, 0.0, 0, out.data(), lse.data(),
                           false);
    ops::attention_backward(q.data(), k.data(), v.data(), out.data(), lse.data(), r.data(), dq.data(), dk.data(),
                            dv.data(), kSeqs, kT, kH, kKV, kHd, sc, 0.0, 0, false);
    auto qf = to_f(q), kf = to_f(k), vf = to_f(v), rf = to_f(r);
    std::vector<float> of(qn), lf(lse.size()), dqf(qn), dkf(kn), dvf(kn), batch(qn);
    b->attention_train(qf.data(), kf.data(), vf.data(), kSeqs, kT, shape, of.data(), lf.data());
    b->attention_backward(qf.data(), kf.data(), vf.data(), of.data(), lf.data(), rf.data(), dqf.data(), dkf.data(),
                          dvf.data(), kSeqs, kT, shape);
    b->attention_batch(qf.data(), kf.data(), vf.data(), kSeqs, kT, shape, batch.data());
    EXPECT_LT(worst(of, out), 1e-5);
    EXPECT_LT(worst(batch, out), 1e-5);
    EXPECT_LT(std::max({worst(dqf, dq), worst(dkf, dk), worst(dvf, dv)}), 1e-4);
    shape.window = 2;
    EXPECT_THROW(b->attention_train(qf.data(), kf.data(), vf.data(), kSeqs, kT, shape, of.data(), lf.data()),
                 std::invalid_argument);

    // Modulate, gated add and SiLU with their backwards, on strided conditioning rows.
    const int n_seqs = 2, T = 3, W = 4, stride = 12;
    const auto x = randn(n_seqs * T * W, 25), cond = randn(n_seqs * stride, 26), dout = randn(x.size(), 27);
    std::vector<double> m(x.size()), dx(x.size()), dcond(cond.size(), 0.0), g = x, dy(x.size());
    ops::modulate_forward(x.data(), cond.data(), cond.data() + W, stride, m.data(), n_seqs, T, W);
    ops::modulate_backward(x.data(), cond.data() + W, stride, dout.data(), dx.data(), dcond.data(),
                           dcond.data() + W, n_seqs, T, W);
    ops::gated_add_forward(g.data(), dout.data(), cond.data() + 2 * W, stride, n_seqs, T, W);
    ops::gated_add_backward(x.data(), cond.data() + 2 * W, stride, dout.data(), dy.data(), dcond.data() + 2 * W,
                            n_seqs, T, W);
    auto xf = to_f(x), cf = to_f(cond), df = to_f(dout), gf = to_f(x);
    std::vector<float> mf(x.size()), dxf(x.size()), dcf(cond.size(), 0.0f), dyf(x.size());
    b->modulate(xf.data(), cf.data(), cf.data() + W, stride, mf.data(), n_seqs, T, W);
    b->modulate_backward(xf.data(), cf.data() + W, stride, df.data(), dxf.data(), dcf.data(), dcf.data() + W, n_seqs,
                         T, W);
    b->gated_add(gf.data(), df.data(), cf.data() + 2 * W, stride, n_seqs, T, W);
    b->gated_add_backward(xf.data(), cf.data() + 2 * W, stride, df.data(), dyf.data(), dcf.data() + 2 * W, n_seqs,
                          T, W);
    EXPECT_LT(std::max({worst(mf, m), worst(dxf, dx), worst(gf, g), worst(dyf, dy), worst(dcf, dcond)}), 1e-5);
    std::vector<double> s(x.size()), ds(x.size());
    ops::silu_forward(x.data(), s.data(), static_cast<int64_t>(x.size()));
    ops::silu_backward(x.data(), dout.data(), ds.data(), static_cast<int64_t>(x.size()));
    std::vector<float> sf(x.size()), dsf(x.size());
    b->silu(xf.data(), sf.data(), static_cast<int64_t>(x.size()));
    b->silu_backward(xf.data(), df.data(), dsf.data(), static_cast<int64_t>(x.size()));
    EXPECT_LT(std::max(worst(sf, s), worst(dsf, ds)), 1e-6);
}

TEST(DitOps, StridedConditioningGradientsSurviveABackendThatCopiesMemory) {
    // Six slices of one adaLN output [n_seqs][6W], as a DiT block writes them: each
    // backward writes its slices without disturbing the others, on either backend.
    const int n_seqs = 2, T = 3, W = 4, stride = 6 * W;
    const auto x = randn(n_seqs * T * W, 31), cond = randn(n_seqs * stride, 32), dout = randn(x.size(), 33);
    const std::vector<float> xf(x.begin(), x.end()), cf(cond.begin(), cond.end()), df(dout.begin(), dout.end());
    auto run = [&](qt::Backend& b) {
        const size_t xb = xf.size() * 4, cb = cf.size() * 4;
        qt::DeviceBuffer X = b.alloc(xb, qt::MemoryCategory::Activations), C = b.alloc(cb, qt::MemoryCategory::Activations),
                         D = b.alloc(xb, qt::MemoryCategory::Activations), DX = b.alloc(xb, qt::MemoryCategory::Activations),
                         DC = b.alloc(cb, qt::MemoryCategory::Activations), M = b.alloc(xb, qt::MemoryCategory::Activations);
        b.upload(X.data(), xf.data(), xb);
        b.upload(C.data(), cf.data(), cb);
        b.upload(D.data(), df.data(), xb);
        const std::vector<float> marker(cf.size(), 7.0f);
        b.upload(DC.data(), marker.data(), cb);
        b.modulate(X.f32(), C.f32(), C.f32() + W, stride, M.f32(), n_seqs, T, W);
        b.modulate_backward(X.f32(), C.f32() + W, stride, D.f32(), DX.f32(), DC.f32(), DC.f32() + W, n_seqs, T, W);
        b.gated_add_backward(X.f32(), C.f32() + 2 * W, stride, D.f32(), M.f32(), DC.f32() + 2 * W, n_seqs, T, W);
        b.modulate_backward(X.f32(), C.f32() + 4 * W, stride, D.f32(), DX.f32(), DC.f32() + 3 * W, DC.f32() + 4 * W,
                            n_seqs, T, W);
        std::vector<float> out(cf.size() + 2 * xf.size());
        b.download(out.data(), DC.data(), cb);
        b.download(out.data() + cf.size(), DX.data(), xb);
        b.download(out.data() + cf.size() + xf.size(), M.data(), xb);
        return out;
    };
    auto cpu = qt::make_cpu_backend(1);
    CopyingBackend copying;
    const std::vector<float> a = run(*cpu), c = run(copying);
    EXPECT_EQ(a, c);
    // The gate of the MLP (slice 5) was never written: still the marker.
    for (int s = 0; s < n_seqs; ++s)
        for (int i = 0; i < W; ++i) EXPECT_EQ(c[static_cast<size_t>(s * stride + 5 * W + i)], 7.0f);
    // Slice 0 (the attention's shift) holds sum_t dout, not the marker.
    for (int i = 0; i < W; ++i) {
        double sum = 0;
        for (int t = 0; t < T; ++t) sum += dout[static_cast<size_t>(t * W + i)];
        EXPECT_NEAR(c[static_cast<size_t>(i)], sum, 1e-5);
    }
}
