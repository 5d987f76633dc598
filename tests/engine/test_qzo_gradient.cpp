// QZO's projected gradient against the exact directional derivative of the loss.
//
// A tiny random LLaMA (2 layers, Q4_1 and Q4_0 linears) is evaluated by a
// double-precision reference forward written here, with every weight of a
// quantized linear expressed through its block scale: w = s * A + B, where
// A = dequant(block with s := 1) - dequant(block with s := 0) and
// B = dequant(block with s := 0) (exact for every block type, since a weight is
// affine in its block scale). Running the reference on dual numbers with tangent
// z (the engine's z for each scale, in the engine's order) gives the exact
// directional derivative dL/dt of L(s + t z) at t = 0. The test asserts:
//   - a central finite difference with a tiny step agrees with it (the reference is right);
//   - the SPSA estimate (L(s + eps z) - L(s - eps z)) / (2 eps) at QZO's eps agrees
//     with it (what QZO estimates is the directional derivative);
//   - the engine's QzoScales writes exactly fp16(master + eps z_i) into each block
//     and restores exactly, and the engine's own step (float forward, fp16 scales)
//     estimates the same derivative;
//   - clipping gives clip(d, -C, C) and the update is max(s - eta d' z, 0) with
//     the sign rule for negative scales.
#pragma GCC optimize("fp-contract=off")
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "methods/qzo_scales.h"
#include "methods/zo_step.h"
#include "model/llama_model.h"
#include "quant/dequantize.h"
#include "quant/half.h"
#include "test_support.h"
#include "train/batch_loss.h"
#include "util/philox_normal.h"

namespace {

struct Dual {
    double v = 0, d = 0;
    Dual() = default;
    Dual(double value, double tangent = 0) : v(value), d(tangent) {}
};
Dual operator+(Dual a, Dual b) { return {a.v + b.v, a.d + b.d}; }
Dual operator-(Dual a, Dual b) { return {a.v - b.v, a.d - b.d}; }
Dual operator*(Dual a, Dual b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
Dual operator/(Dual a, Dual b) { return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)}; }
Dual& operator+=(Dual& a, Dual b) { return a = a + b; }
Dual exp(Dual a) {
    const double e = std::exp(a.v);
    return {e, e * a.d};
}
Dual log(Dual a) { return {std::log(a.v), a.d / a.v}; }
Dual sqrt(Dual a) {
    const double r = std::sqrt(a.v);
    return {r, a.d / (2 * r)};
}
double exp(double a) { return std::exp(a); }
double log(double a) { return std::log(a); }
double sqrt(double a) { return std::sqrt(a); }
double value(double x) { return x; }
double value(Dual x) { return x.v; }

// A linear layer as w = s * A + B per weight, s the block's trainable scale.
struct AffineLinear {
    int64_t rows = 0, cols = 0, block = 32;
    std::vector<double> a, b;  // [rows][cols]
    int64_t scale0 = 0;        // global index of its first block scale
};

struct Reference {
    qt::LlamaConfig c;
    std::vector<double> embd;  // [vocab][dim]
    std::vector<double> out_norm;
    struct Layer {
        std::vector<double> attn_norm, ffn_norm;
        AffineLinear wq, wk, wv, wo, gate, up, down;
    };
    std::vector<Layer> layers;
    std::vector<double> scales;  // the trainable scales, in the engine's order
};

std::vector<double> dequant(const qt::GgufTensorInfo& t) {
    std::vector<float> f(static_cast<size_t>(t.num_elements()));
    const size_t row_bytes = qt::ggml_row_size(t.type, t.dims[0]);
    for (int64_t r = 0; r < t.rows(); ++r)
        qt::dequantize_row(t.type, t.data + row_bytes * r, f.data() + r * t.dims[0], t.dims[0]);
    return {f.begin(), f.end()};
}

AffineLinear affine(const qt::GgufTensorInfo& t, std::vector<double>& scales) {
    AffineLinear L;
    L.cols = t.dims[0];
    L.rows = t.dims[1];
    const auto& tr = qt::ggml_traits(t.type);
    L.block = tr.block_size;
    const size_t d_off = (*qt::quant_scale_fields(t.type))[0].offset;
    L.scale0 = static_cast<int64_t>(scales.size());
    std::vector<uint8_t> bytes(t.data, t.data + t.nbytes);
    const int64_t n_blocks = static_cast<int64_t>(t.nbytes / tr.type_size);
    std::vector<float> w0(static_cast<size_t>(tr.block_size)), w1(w0.size());
    L.a.resize(static_cast<size_t>(L.rows * L.cols));
    L.b.resize(L.a.size());
    for (int64_t k = 0; k < n_blocks; ++k) {
        uint8_t* blk = bytes.data() + k * tr.type_size;
        uint16_t h;
        std::memcpy(&h, blk + d_off, 2);
        scales.push_back(qt::fp16_to_fp32(h));
        const uint16_t one = qt::fp32_to_fp16(1.0f), zero = 0;
        std::memcpy(blk + d_off, &one, 2);
        qt::dequantize_row(t.type, blk, w1.data(), tr.block_size);
        std::memcpy(blk + d_off, &zero, 2);
        qt::dequantize_row(t.type, blk, w0.data(), tr.block_size);
        for (int64_t j = 0; j < tr.block_size; ++j) {
            L.a[static_cast<size_t>(k * tr.block_size + j)] = static_cast<double>(w1[j]) - w0[j];
            L.b[static_cast<size_t>(k * tr.block_size + j)] = w0[j];
        }
    }
    return L;
}

Reference make_reference(const qt::GgufFile& f) {
    Reference R;
    R.c = qt::LlamaConfig::from_gguf(f);
    R.embd = dequant(f.tensor("token_embd.weight"));
    R.out_norm = dequant(f.tensor("output_norm.weight"));
    for (int l = 0; l < R.c.n_layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        Reference::Layer L;
        L.attn_norm = dequant(f.tensor(p + "attn_norm.weight"));
        L.ffn_norm = dequant(f.tensor(p + "ffn_norm.weight"));
        // The order QzoScales enumerates: q, k, v, o, gate, up, down.
        L.wq = affine(f.tensor(p + "attn_q.weight"), R.scales);
        L.wk = affine(f.tensor(p + "attn_k.weight"), R.scales);
        L.wv = affine(f.tensor(p + "attn_v.weight"), R.scales);
        L.wo = affine(f.tensor(p + "attn_output.weight"), R.scales);
        L.gate = affine(f.tensor(p + "ffn_gate.weight"), R.scales);
        L.up = affine(f.tensor(p + "ffn_up.weight"), R.scales);
        L.down = affine(f.tensor(p + "ffn_down.weight"), R.scales);
        R.layers.push_back(std::move(L));
    }
    return R;
}

// y[r] = sum_c (s_b A + B) x[c], scale s_b = scales[scale0 + block of (r, c)].
template <class T>
std::vector<T> matvec(const AffineLinear& L, const std::vector<T>& scales, const std::vector<T>& x) {
    std::vector<T> y(static_cast<size_t>(L.rows));
    const int64_t bpr = L.cols / L.block;
    for (int64_t r = 0; r < L.rows; ++r) {
        T acc = 0;
        for (int64_t k = 0; k < bpr; ++k) {
            const T& s = scales[static_cast<size_t>(L.scale0 + r * bpr + k)];
            T sa = 0, sb = 0;
            for (int64_t j = 0; j < L.block; ++j) {
                const size_t i = static_cast<size_t>(r * L.cols + k * L.block + j);
                sa += T(L.a[i]) * x[static_cast<size_t>(k * L.block + j)];
                sb += T(L.b[i]) * x[static_cast<size_t>(k * L.block + j)];
            }
            acc += s * sa + sb;
        }
        y[static_cast<size_t>(r)] = acc;
    }
    return y;
}

template <class T>
std::vector<T> rmsnorm(const std::vector<T>& x, const std::vector<double>& w, double eps) {
    T ss = 0;
    for (const T& v : x) ss += v * v;
    const T inv = T(1.0) / sqrt(ss / T(static_cast<double>(x.size())) + T(eps));
    std::vector<T> o(x.size());
    for (size_t i = 0; i < x.size(); ++i) o[i] = x[i] * inv * T(w[i]);
    return o;
}

template <class T>
void rope(std::vector<T>& v, int pos, int n_heads, int head_dim, int n_rot, double base) {
    for (int h = 0; h < n_heads; ++h)
        for (int i = 0; i < n_rot; i += 2) {
            const double theta = pos * std::pow(base, -static_cast<double>(i) / n_rot);
            const double c = std::cos(theta), s = std::sin(theta);
            T& a = v[static_cast<size_t>(h * head_dim + i)];
            T& b = v[static_cast<size_t>(h * head_dim + i + 1)];
            const T a0 = a, b0 = b;
            a = a0 * T(c) - b0 * T(s);
            b = a0 * T(s) + b0 * T(c);
        }
}

// Mean NLL over the masked targets of the examples (data/dataset.h's convention).
template <class T>
T reference_loss(const Reference& R, const std::vector<T>& s, const std::vector<qt::Example>& batch) {
    const auto& c = R.c;
    T total = 0;
    int count = 0;
    for (const auto& ex : batch) {
        const int n = static_cast<int>(ex.tokens.size());
        std::vector<std::vector<T>> x(static_cast<size_t>(n));
        for (int t = 0; t < n; ++t)
            for (int i = 0; i < c.dim; ++i) x[t].push_back(T(R.embd[static_cast<size_t>(ex.tokens[t]) * c.dim + i]));
        for (const auto& L : R.layers) {
            std::vector<std::vector<T>> q(n), k(n), v(n);
            for (int t = 0; t < n; ++t) {
                const auto xn = rmsnorm(x[t], L.attn_norm, c.rms_eps);
                q[t] = matvec(L.wq, s, xn);
                k[t] = matvec(L.wk, s, xn);
                v[t] = matvec(L.wv, s, xn);
                rope(q[t], t, c.n_heads, c.head_dim, c.n_rot, c.rope_freq_base);
                rope(k[t], t, c.n_kv_heads, c.head_dim, c.n_rot, c.rope_freq_base);
            }
            const int group = c.n_heads / c.n_kv_heads;
            for (int t = 0; t < n; ++t) {
                std::vector<T> att(static_cast<size_t>(c.dim));
                for (int h = 0; h < c.n_heads; ++h) {
                    const int kvh = h / group;
                    std::vector<T> sc(static_cast<size_t>(t + 1));
                    double mx = -1e300;
                    for (int j = 0; j <= t; ++j) {
                        T dot = 0;
                        for (int d = 0; d < c.head_dim; ++d)
                            dot += q[t][h * c.head_dim + d] * k[j][kvh * c.head_dim + d];
                        sc[j] = dot / T(std::sqrt(static_cast<double>(c.head_dim)));
                        mx = std::max(mx, value(sc[j]));
                    }
                    T sum = 0;
                    for (auto& e : sc) {
                        e = exp(e - T(mx));
                        sum += e;
                    }
                    for (int j = 0; j <= t; ++j)
                        for (int d = 0; d < c.head_dim; ++d)
                            att[h * c.head_dim + d] += sc[j] / sum * v[j][kvh * c.head_dim + d];
                }
                const auto o = matvec(L.wo, s, att);
                for (int i = 0; i < c.dim; ++i) x[t][i] += o[i];
                const auto xn = rmsnorm(x[t], L.ffn_norm, c.rms_eps);
                auto g = matvec(L.gate, s, xn);
                const auto u = matvec(L.up, s, xn);
                for (size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (T(1.0) + exp(T(0.0) - g[i])) * u[i];
                const auto dn = matvec(L.down, s, g);
                for (int i = 0; i < c.dim; ++i) x[t][i] += dn[i];
            }
        }
        for (int t = 1; t < n; ++t) {
            if (!ex.loss_mask[t]) continue;
            const auto xn = rmsnorm(x[t - 1], R.out_norm, c.rms_eps);
            std::vector<T> logits(static_cast<size_t>(c.vocab_size));
            double mx = -1e300;
            for (int r = 0; r < c.vocab_size; ++r) {
                T acc = 0;
                for (int i = 0; i < c.dim; ++i) acc += T(R.embd[static_cast<size_t>(r) * c.dim + i]) * xn[i];
                logits[r] = acc;
                mx = std::max(mx, value(acc));
            }
            T sum = 0;
            for (const auto& l : logits) sum += exp(l - T(mx));
            total += log(sum) + T(mx) - logits[ex.tokens[t]];
            ++count;
        }
    }
    return total / T(static_cast<double>(count));
}

std::vector<qt::Example> make_batch(int vocab) {
    std::vector<qt::Example> batch(2);
    for (int e = 0; e < 2; ++e) {
        for (int t = 0; t < 10 + 2 * e; ++t) {
            batch[e].tokens.push_back(static_cast<int32_t>((37 * t + 11 * e + 5) % vocab));
            batch[e].loss_mask.push_back(t >= 4);  // the "completion" starts at token 4
        }
        batch[e].prompt_length = 4;
    }
    return batch;
}

struct TinyModel {
    std::string dir, path;
    std::shared_ptr<const qt::GgufFile> file;
};

TinyModel write_tiny(qt::GgmlType type, const std::string& tag) {
    TinyModel m;
    m.dir = qt::test::make_temp_dir(tag);
    m.path = m.dir + "/tiny.gguf";
    qt::RandomLlamaSpec spec;
    spec.weight_type = type;
    spec.seed = 11;
    qt::write_random_llama_gguf(m.path, spec);
    m.file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(m.path));
    return m;
}

class QzoGradient : public ::testing::TestWithParam<qt::GgmlType> {};

TEST_P(QzoGradient, SpsaEstimateMatchesTheExactDirectionalDerivativeInDoublePrecision) {
    const TinyModel tiny = write_tiny(GetParam(), "qzo-grad");
    const Reference R = make_reference(*tiny.file);
    const auto batch = make_batch(R.c.vocab_size);
    const qt::ZoNoise noise{2024, 7};
    const size_t n = R.scales.size();
    std::vector<double> z(n);
    for (size_t i = 0; i < n; ++i) z[i] = qt::philox_normal(noise.seed, noise.step, i);

    // Exact: forward-mode derivative along z.
    std::vector<Dual> sd(n);
    for (size_t i = 0; i < n; ++i) sd[i] = Dual(R.scales[i], z[i]);
    const Dual exact = reference_loss(R, sd, batch);
    auto loss_at = [&](double t) {
        std::vector<double> s(n);
        for (size_t i = 0; i < n; ++i) s[i] = R.scales[i] + t * z[i];
        return reference_loss(R, s, batch);
    };
    const double l0 = loss_at(0);
    EXPECT_NEAR(exact.v, l0, 1e-12);
    const double h = 1e-6;
    const double fd = (loss_at(h) - loss_at(-h)) / (2 * h);
    // SPSA is a central difference along z: its error is O(eps^2) (the third
    // derivative along z). At eps = 1e-3 the perturbation is ~3% of every scale
    // here and the error a few percent; it falls 16-fold per 4-fold smaller eps.
    const double eps = 1e-3;
    auto spsa_at = [&](double e) { return qt::spsa_projected_gradient(loss_at(e), loss_at(-e), e); };
    const double spsa = spsa_at(eps), spsa_quarter = spsa_at(eps / 4), spsa_small = spsa_at(1e-5);
    std::printf("%zu scales; loss %.6f; exact dL/dt %.8f; central difference (h=1e-6) %.8f; SPSA eps=1e-3 %.6f, "
                "eps=2.5e-4 %.6f, eps=1e-5 %.8f\n",
                n, l0, exact.d, fd, spsa, spsa_quarter, spsa_small);
    ASSERT_GT(std::fabs(exact.d), 1e-2);  // a derivative worth comparing
    EXPECT_NEAR(fd, exact.d, 1e-6 * std::fabs(exact.d));
    EXPECT_NEAR(spsa_small, exact.d, 1e-4 * std::fabs(exact.d));
    EXPECT_NEAR(spsa, exact.d, 0.25 * std::fabs(exact.d));
    const double ratio = std::fabs(spsa - exact.d) / std::fabs(spsa_quarter - exact.d);
    std::printf("error ratio eps / (eps/4): %.2f (second order: 16)\n", ratio);
    EXPECT_GT(ratio, 10.0);
    EXPECT_LT(ratio, 22.0);

    // The engine: same scales (its master), same z order, blocks written as fp16(master + eps z).
    auto backend = qt::make_cpu_backend(1);
    qt::LlamaLoadOptions lo;
    lo.writable_weights = true;
    auto model = qt::LlamaModel::load(tiny.file, *backend, lo);
    qt::QzoScales scales(*model, {});
    ASSERT_EQ(static_cast<size_t>(scales.size()), n);
    std::vector<float> master(n);
    scales.read(0, static_cast<int64_t>(n), master.data());
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<double>(master[i]), R.scales[i]) << i;
    const float feps = static_cast<float>(eps);
    scales.perturb(noise, feps);
    for (const auto& g : scales.groups())
        for (int64_t b = 0; b < g.view.count; ++b) {
            uint16_t h16;
            std::memcpy(&h16, static_cast<uint8_t*>(g.view.blocks) + b * g.view.block_bytes + g.view.field_offset, 2);
            const uint64_t i = static_cast<uint64_t>(g.index0 + b);
            const float step = feps * qt::philox_normal(noise.seed, noise.step, i);
            ASSERT_EQ(h16, qt::fp32_to_fp16(master[i] + step)) << g.tensor << " block " << b;
        }
    qt::BatchLoss bl(*model, 32);
    std::vector<const qt::Example*> ptrs;
    for (const auto& e : batch) ptrs.push_back(&e);
    const qt::ZoStepSettings settings{eps, 0.0, false, 0.0};
    const qt::ZoStepResult r = qt::zo_step(scales, noise, settings, [&] { return bl.evaluate(ptrs).mean(); });
    std::printf("engine (float forward, fp16 scales): l+ %.6f l- %.6f projected gradient %.6f (exact %.6f)\n",
                r.loss_plus, r.loss_minus, r.projected_grad, exact.d);
    // The engine computes the same two losses in float with activations quantized
    // to 8 bits (as llama.cpp does) and fp16 scales: each loss agrees with the
    // double reference to ~0.5%, but their difference carries that rounding noise,
    // so on this tiny model its estimate agrees with the double SPSA at the same
    // eps to within a quarter, with the same sign.
    EXPECT_NEAR(r.loss_plus, loss_at(eps), 0.005 * loss_at(eps));
    EXPECT_NEAR(r.loss_minus, loss_at(-eps), 0.005 * loss_at(-eps));
    EXPECT_NEAR(r.projected_grad, spsa, 0.25 * std::fabs(spsa));
    // lr = 0: the blocks hold fp16(master) again, bit for bit.
    for (const auto& g : scales.groups())
        for (int64_t b = 0; b < g.view.count; ++b) {
            uint16_t h16;
            std::memcpy(&h16, static_cast<uint8_t*>(g.view.blocks) + b * g.view.block_bytes + g.view.field_offset, 2);
            const uint8_t* orig = tiny.file->tensor(g.tensor).data + b * g.view.block_bytes + g.view.field_offset;
            uint16_t o16;
            std::memcpy(&o16, orig, 2);
            ASSERT_EQ(h16, o16);
        }
}

INSTANTIATE_TEST_SUITE_P(LegacyTypes, QzoGradient, ::testing::Values(qt::GgmlType::Q4_1, qt::GgmlType::Q4_0),
                         [](const auto& info) { return std::string(qt::ggml_type_name(info.param)); });

TEST(QzoClipping, ClipsTheDirectionalDerivativeToPlusMinusC) {
    EXPECT_EQ(qt::clip_directional_derivative(5.0, 2.0), 2.0);
    EXPECT_EQ(qt::clip_directional_derivative(-5.0, 2.0), -2.0);
    EXPECT_EQ(qt::clip_directional_derivative(1.5, 2.0), 1.5);
    EXPECT_THROW(qt::clip_directional_derivative(1.0, 0.0), std::invalid_argument);
}

TEST(QzoClipping, StepUpdatesMastersWithTheClippedDerivativeAndKeepsScaleSigns) {
    const TinyModel tiny = write_tiny(qt::GgmlType::Q4_0, "qzo-clip");  // Q4_0: signed scales
    auto backend = qt::make_cpu_backend(1);
    qt::LlamaLoadOptions lo;
    lo.writable_weights = true;
    auto model = qt::LlamaModel::load(tiny.file, *backend, lo);
    qt::QzoScales scales(*model, {});
    const auto n = static_cast<size_t>(scales.size());
    std::vector<float> before(n), after(n);
    scales.read(0, scales.size(), before.data());
    int negative = 0;
    for (float v : before) negative += v < 0;
    ASSERT_GT(negative, 0) << "ggml's Q4_0 stores signed scales; the test needs some";

    const auto batch = make_batch(model->config().vocab_size);
    std::vector<const qt::Example*> ptrs;
    for (const auto& e : batch) ptrs.push_back(&e);
    qt::BatchLoss bl(*model, 32);
    const qt::ZoNoise noise{99, 0};
    // A huge learning rate so that many scales hit zero and the sign rule acts.
    const double C = 1e-4, lr = 1000.0;
    const qt::ZoStepSettings s{1e-3, lr, true, C};
    const qt::ZoStepResult r = qt::zo_step(scales, noise, s, [&] { return bl.evaluate(ptrs).mean(); });
    ASSERT_GT(std::fabs(r.projected_grad), C);
    EXPECT_TRUE(r.clipped);
    EXPECT_EQ(r.clipped_grad, r.projected_grad > 0 ? C : -C);
    EXPECT_EQ(r.update_coeff, static_cast<float>(lr * r.clipped_grad));
    scales.read(0, scales.size(), after.data());
    int clamped = 0;
    for (size_t i = 0; i < n; ++i) {
        const float step = r.update_coeff * qt::philox_normal(noise.seed, noise.step, i);
        float v = before[i] - step;
        v = before[i] < 0 ? std::min(v, 0.0f) : std::max(v, 0.0f);  // |scale| >= 0: no sign change
        ASSERT_EQ(after[i], v) << i;
        clamped += (v == 0.0f && before[i] != 0.0f);
    }
    EXPECT_GT(clamped, 0);
    // Blocks hold fp16 of the new masters.
    for (const auto& g : scales.groups())
        for (int64_t b = 0; b < g.view.count; ++b) {
            uint16_t h16;
            std::memcpy(&h16, static_cast<uint8_t*>(g.view.blocks) + b * g.view.block_bytes + g.view.field_offset, 2);
            ASSERT_EQ(h16, qt::fp32_to_fp16(after[static_cast<size_t>(g.index0 + b)]));
        }
    // Unclipped when C exceeds |d|.
    const qt::ZoStepSettings wide{1e-3, 0.0, true, 1e9};
    const qt::ZoStepResult r2 = qt::zo_step(scales, {99, 1}, wide, [&] { return bl.evaluate(ptrs).mean(); });
    EXPECT_FALSE(r2.clipped);
    EXPECT_EQ(r2.clipped_grad, r2.projected_grad);
}

}  // namespace

// eps is absolute, so a type with small scales (Q6_K, Q4_K super-blocks) gets
// perturbations that swamp its weights: the warnings name those groups, worst first.
TEST(QzoEpsWarnings, NameTheGroupsWhoseScalesEpsSwampsWorstFirst) {
    const TinyModel tiny = write_tiny(qt::GgmlType::Q4_0, "qzo-eps-warn");
    auto backend = qt::make_cpu_backend(1);
    qt::LlamaLoadOptions lo;
    lo.writable_weights = true;
    auto model = qt::LlamaModel::load(tiny.file, *backend, lo);
    qt::QzoScales scales(*model, {});
    const auto& groups = scales.groups();
    const auto smallest = std::min_element(groups.begin(), groups.end(),
                                           [](const auto& a, const auto& b) { return a.median_abs < b.median_abs; });
    const auto largest = std::max_element(groups.begin(), groups.end(),
                                          [](const auto& a, const auto& b) { return a.median_abs < b.median_abs; });
    ASSERT_GT(smallest->median_abs, 0.0f);
    EXPECT_TRUE(scales.eps_warnings(0.01 * smallest->median_abs).empty());
    const auto all = scales.eps_warnings(100.0 * largest->median_abs);
    ASSERT_EQ(all.size(), groups.size());
    EXPECT_NE(all.front().find(smallest->tensor), std::string::npos) << all.front();
    EXPECT_NE(all.front().find("Q4_0"), std::string::npos) << all.front();
    // Between the two: only groups whose median is below eps / 0.1.
    const double eps = 0.1 * (smallest->median_abs + largest->median_abs) / 2;
    const auto some = scales.eps_warnings(eps);
    size_t expected = 0;
    for (const auto& g : groups) expected += eps / g.median_abs > 0.1;
    EXPECT_EQ(some.size(), expected);
}

// relative_eps: each weight's scales are perturbed and updated in units of their
// own median |value|, so every block type sees the same relative step: the fields
// must be fp16(master + (alpha * s) * z) and the masters move by (coeff * s) * z,
// with s the group's median, exactly as the absolute formulas with alpha * s and
// coeff * s; every group then gets the share eps itself in the warnings.
TEST(QzoRelativeEps, PerturbsAndUpdatesEachWeightInUnitsOfItsScale) {
    const TinyModel tiny = write_tiny(qt::GgmlType::Q4_0, "qzo-relative");
    auto backend = qt::make_cpu_backend(1);
    qt::LlamaLoadOptions lo;
    lo.writable_weights = true;
    auto model = qt::LlamaModel::load(tiny.file, *backend, lo);
    qt::QzoOptions options;
    options.relative_eps = true;
    qt::QzoScales scales(*model, options);
    ASSERT_TRUE(scales.relative_eps());
    std::vector<float> before(static_cast<size_t>(scales.size())), after(before.size());
    scales.read(0, scales.size(), before.data());
    const qt::ZoNoise noise{7, 3};
    const float alpha = 0.01f, coeff = 0.5f;
    float smallest = INFINITY, largest = 0.0f;
    scales.perturb(noise, alpha);
    for (const auto& g : scales.groups()) {
        ASSERT_GT(g.median_abs, 0.0f);
        EXPECT_EQ(g.unit, g.median_abs) << g.tensor;
        smallest = std::min(smallest, g.unit);
        largest = std::max(largest, g.unit);
        const float a = alpha * g.unit;
        for (int64_t b = 0; b < g.view.count; ++b) {
            const size_t i = static_cast<size_t>(g.index0 + b);
            const float z = qt::philox_normal(noise.seed, noise.step, static_cast<uint64_t>(i));
            const float step = a * z;
            uint16_t h16;
            std::memcpy(&h16, static_cast<uint8_t*>(g.view.blocks) + b * g.view.block_bytes + g.view.field_offset, 2);
            ASSERT_EQ(h16, qt::fp32_to_fp16(before[i] + step)) << g.tensor << " block " << b;
        }
    }
    EXPECT_GT(largest, 1.5f * smallest) << "the groups' scales should differ for this test to mean something";
    scales.finish_step(noise, coeff);
    scales.read(0, scales.size(), after.data());
    for (const auto& g : scales.groups())
        for (int64_t b = 0; b < g.view.count; ++b) {
            const size_t i = static_cast<size_t>(g.index0 + b);
            const float z = qt::philox_normal(noise.seed, noise.step, static_cast<uint64_t>(i));
            const float c = coeff * g.unit;
            float v = before[i] - c * z;
            if (g.field.keep_sign) v = before[i] < 0.0f ? std::min(v, 0.0f) : std::max(v, 0.0f);
            ASSERT_EQ(after[i], v) << g.tensor << " block " << b;
        }
    EXPECT_TRUE(scales.eps_warnings(0.05).empty());
    EXPECT_EQ(scales.eps_warnings(0.2).size(), scales.groups().size());
}
