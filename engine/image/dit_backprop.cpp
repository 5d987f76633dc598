#include "image/dit_backprop.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace qt {
namespace {

constexpr float kNormEps = 1e-6f;

size_t sz(int64_t a, int64_t b = 1) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

// Image [C][S][S] <-> tokens [N][P]: token (r, col) holds pixels (ch, r p + py, col p + px)
// at ch p^2 + py p + px. A permutation, so unpatchify is also patchify's backward.
// fn(token value index, pixel index) for every pair.
template <class Fn>
void for_each_patch_value(const DitConfig& c, Fn&& fn) {
    const int p = c.patch_size, side = c.side_patches(), S = c.image_size, P = c.patch_dim();
    for (int r = 0; r < side; ++r)
        for (int col = 0; col < side; ++col)
            for (int ch = 0; ch < c.channels; ++ch)
                for (int py = 0; py < p; ++py)
                    for (int px = 0; px < p; ++px)
                        fn(sz(r * side + col, P) + sz(ch * p * p + py * p + px),
                           sz(ch, S) * S + sz(r * p + py, S) + sz(col * p + px));
}
void patchify(const DitConfig& c, const float* image, float* tokens) {
    for_each_patch_value(c, [&](size_t tok, size_t pix) { tokens[tok] = image[pix]; });
}
void unpatchify(const DitConfig& c, const float* tokens, float* image) {
    for_each_patch_value(c, [&](size_t tok, size_t pix) { image[pix] = tokens[tok]; });
}

}  // namespace

DitBackprop::DitBackprop(DitModel& model) : model_(model), b_(model.backend()), c_(model.config()) {
    if (model_.trainable()) {
        for (int i = 0; i < model_.tensor_count(); ++i) {
            const WeightTensor& t = model_.tensor(i);
            grads_.push_back(b_.alloc(sz(t.cols, t.rows) * sizeof(float), MemoryCategory::Gradients));
        }
        zero_gradients();
    }
    std::vector<float> unit(sz(c_.width), 1.0f);
    unit_w_ = b_.alloc(unit.size() * sizeof(float), MemoryCategory::Activations);
    b_.upload(unit_w_.data(), unit.data(), unit.size() * sizeof(float));
}

std::vector<ParameterBlock> DitBackprop::parameter_blocks() const {
    if (grads_.empty()) throw std::logic_error("DiT: only a model whose tensors are all float32 trains");
    std::vector<ParameterBlock> blocks;
    for (int i = 0; i < model_.tensor_count(); ++i) {
        const WeightTensor& t = model_.tensor(i);
        blocks.push_back({model_.f32(i), grads_[sz(i)].f32(), t.cols * t.rows});
    }
    return blocks;
}

void DitBackprop::zero_gradients() {
    for (DeviceBuffer& g : grads_) b_.fill_zero(g.data(), g.bytes());
}

AttentionShape DitBackprop::attention_shape() const {
    AttentionShape s;
    s.n_heads = s.n_kv_heads = c_.n_heads;
    s.head_dim = c_.head_dim();
    s.causal = false;  // every image token sees every other
    return s;
}

void DitBackprop::ensure_buffers(int n) {
    if (n <= capacity_) return;
    const int64_t N = c_.tokens(), D = c_.width, P = c_.patch_dim(), F = c_.ffn_width, T = n * N;
    auto a = [&](int64_t count) { return b_.alloc(sz(count) * sizeof(float), MemoryCategory::Activations); };
    tokens_ = a(T * P), tfreq_ = a(n * int64_t{c_.timestep_dim});
    h1_ = a(n * D), a1_ = a(n * D), cond_ = a(n * D), sc_ = a(n * D);
    xs_ = a((c_.depth + 1) * T * D), fmod_ = a(n * 2 * D), xnf_ = a(T * D), mf_ = a(T * D), out_ = a(T * P);
    const std::vector<float> ones(sz(std::max<int64_t>(T, n)), 1.0f);
    ones_ = a(static_cast<int64_t>(ones.size()));
    b_.upload(ones_.data(), ones.data(), ones.size() * sizeof(float));
    blocks_.clear();
    blocks_.resize(sz(c_.depth));
    for (BlockActs& k : blocks_) {
        k.mod = a(n * 6 * D);
        for (DeviceBuffer* t : {&k.xn1, &k.m1, &k.q, &k.k, &k.v, &k.att, &k.o, &k.xmid, &k.xn2, &k.m2, &k.d})
            *t = a(T * D);
        k.lse = a(T * c_.n_heads);
        k.g = a(T * F), k.u = a(T * F), k.act = a(T * F);
    }
    dout_ = a(T * P);
    for (DeviceBuffer* t : {&dx_, &dxn_, &dm_, &dq_, &dk_, &dv_, &datt_, &dbr_}) *t = a(T * D);
    dact_ = a(T * F), dg_ = a(T * F), du_ = a(T * F);
    dmod_ = a(n * 6 * D), dfmod_ = a(n * 2 * D), dsc_ = a(n * D), dc_ = a(n * D), da1_ = a(n * D), dh1_ = a(n * D);
    capacity_ = n;
}

void DitBackprop::linear_forward(int wi, int bi, const float* x, float* y, int n) {
    const WeightTensor& W = model_.tensor(wi);
    b_.matmul_float(W, x, y, n);
    if (bi >= 0) b_.add_bias(y, w(bi), n, static_cast<int>(W.rows));
}

void DitBackprop::linear_backward(int wi, int bi, const float* x, const float* dy, float* dx, int n,
                                  bool accumulate) {
    const WeightTensor& W = model_.tensor(wi);
    const int rows = static_cast<int>(W.rows), cols = static_cast<int>(W.cols);
    if (dx) b_.matmul_backward_input(W, dy, dx, n, accumulate);
    // dW [rows][cols] += dy^T x;  db [rows] += 1^T dy
    b_.gemm_f32(true, false, rows, cols, n, 1.0f, dy, x, 1.0f, grads_[sz(wi)].f32());
    if (bi >= 0) b_.gemm_f32(false, false, 1, rows, n, 1.0f, ones_.f32(), dy, 1.0f, grads_[sz(bi)].f32());
}

std::vector<float> DitBackprop::forward(std::span<const float> x_t, std::span<const float> t,
                                        std::span<const int32_t> classes) {
    const int n = static_cast<int>(t.size());
    if (n < 1 || x_t.size() != sz(n) * sz(c_.image_values()) || classes.size() != sz(n))
        throw std::invalid_argument("DiT forward: " + std::to_string(x_t.size()) + " pixel values, " +
                                    std::to_string(t.size()) + " times and " + std::to_string(classes.size()) +
                                    " classes; expected " + std::to_string(c_.image_values()) +
                                    " values an image and one time and class each");
    for (int32_t k : classes)
        if (k < 0 || k > c_.null_class())
            throw std::out_of_range("DiT forward: class " + std::to_string(k) + " outside 0.." +
                                    std::to_string(c_.null_class()) + " (the last is the null class)");
    ensure_buffers(n);
    n_ = n;
    classes_.assign(classes.begin(), classes.end());
    const int N = c_.tokens(), D = c_.width, P = c_.patch_dim(), Tf = c_.timestep_dim, T = n * N;

    // tokens = patchify(x_t)                                          [T][P]
    std::vector<float> host(sz(T, P));
    for (int i = 0; i < n; ++i)
        patchify(c_, x_t.data() + sz(i) * sz(c_.image_values()), host.data() + sz(i * N, P));
    b_.upload(tokens_.data(), host.data(), host.size() * sizeof(float));
    // x_0 = tokens W_pe^T + b_pe + pos                                [T][D]
    float* x0 = xs_.f32();
    linear_forward(dit::kPatchW, dit::kPatchB, tokens_.f32(), x0, T);
    for (int i = 0; i < n; ++i) b_.add_inplace(x0 + sz(i * N, D), w(dit::kPos), int64_t{N} * D);

    // Timestep features (DiT's TimestepEmbedder): cos, then sin, of 1000 t 10000^(-k / (Tf/2)).   [B][Tf]
    std::vector<float> tf(sz(n, Tf));
    const int half = Tf / 2;
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < half; ++k) {
            const double a = 1000.0 * t[sz(i)] * std::exp(-std::log(10000.0) * k / half);
            tf[sz(i, Tf) + sz(k)] = static_cast<float>(std::cos(a));
            tf[sz(i, Tf) + sz(half + k)] = static_cast<float>(std::sin(a));
        }
    b_.upload(tfreq_.data(), tf.data(), tf.size() * sizeof(float));
    // c = W2 silu(W1 tf + b1) + b2 + class_table[class];  sc = silu(c)          [B][D]
    linear_forward(dit::kT1W, dit::kT1B, tfreq_.f32(), h1_.f32(), n);
    b_.silu(h1_.f32(), a1_.f32(), int64_t{n} * D);
    linear_forward(dit::kT2W, dit::kT2B, a1_.f32(), cond_.f32(), n);
    b_.embed(model_.tensor(dit::kClass), classes_, sc_.f32());
    b_.add_inplace(cond_.f32(), sc_.f32(), int64_t{n} * D);
    b_.silu(cond_.f32(), sc_.f32(), int64_t{n} * D);

    for (int l = 0; l < c_.depth; ++l)
        block_forward(l, blocks_[sz(l)], xs_.f32() + sz(l) * sz(T, D), xs_.f32() + sz(l + 1) * sz(T, D));

    // Final layer: (shift, scale) = sc W_fa^T + b_fa; out = modulate(rmsnorm(x_L)) W_f^T + b_f   [T][P]
    const float* xL = xs_.f32() + sz(c_.depth) * sz(T, D);
    float* fmod = fmod_.f32();
    linear_forward(dit::kFinalAdaW, dit::kFinalAdaB, sc_.f32(), fmod, n);
    b_.rmsnorm(xL, unit_w_.f32(), xnf_.f32(), T, D, kNormEps);
    b_.modulate(xnf_.f32(), fmod, fmod + D, 2 * D, mf_.f32(), n, N, D);
    linear_forward(dit::kFinalW, dit::kFinalB, mf_.f32(), out_.f32(), T);

    b_.download(host.data(), out_.data(), host.size() * sizeof(float));
    std::vector<float> v(sz(n) * sz(c_.image_values()));
    for (int i = 0; i < n; ++i)
        unpatchify(c_, host.data() + sz(i * N, P), v.data() + sz(i) * sz(c_.image_values()));
    return v;
}

// x_out = x_mid + g_m * down(swiglu(m2 W_gate^T, m2 W_up^T)),  m2 = modulate(rmsnorm(x_mid), sh_m, sc_m)
// x_mid = x_in  + g_a * attn(m1) W_o^T,                         m1 = modulate(rmsnorm(x_in),  sh_a, sc_a)
void DitBackprop::block_forward(int l, BlockActs& a, const float* x_in, float* x_out) {
    const int n = n_, N = c_.tokens(), D = c_.width, T = n * N, S6 = 6 * D;
    const int64_t TD = int64_t{T} * D, TF = int64_t{T} * c_.ffn_width;
    float* mod = a.mod.f32();  // [B][6D]: sh_a, sc_a, g_a, sh_m, sc_m, g_m
    linear_forward(dit::block(l, dit::kAdaW), dit::block(l, dit::kAdaB), sc_.f32(), mod, n);

    b_.rmsnorm(x_in, unit_w_.f32(), a.xn1.f32(), T, D, kNormEps);
    b_.modulate(a.xn1.f32(), mod, mod + D, S6, a.m1.f32(), n, N, D);
    linear_forward(dit::block(l, dit::kQ), -1, a.m1.f32(), a.q.f32(), T);
    linear_forward(dit::block(l, dit::kK), -1, a.m1.f32(), a.k.f32(), T);
    linear_forward(dit::block(l, dit::kV), -1, a.m1.f32(), a.v.f32(), T);
    b_.attention_train(a.q.f32(), a.k.f32(), a.v.f32(), n, N, attention_shape(), a.att.f32(), a.lse.f32());
    linear_forward(dit::block(l, dit::kO), -1, a.att.f32(), a.o.f32(), T);
    b_.fill_zero(a.xmid.data(), a.xmid.bytes());
    b_.add_inplace(a.xmid.f32(), x_in, TD);
    b_.gated_add(a.xmid.f32(), a.o.f32(), mod + 2 * D, S6, n, N, D);

    b_.rmsnorm(a.xmid.f32(), unit_w_.f32(), a.xn2.f32(), T, D, kNormEps);
    b_.modulate(a.xn2.f32(), mod + 3 * D, mod + 4 * D, S6, a.m2.f32(), n, N, D);
    linear_forward(dit::block(l, dit::kGate), -1, a.m2.f32(), a.g.f32(), T);
    linear_forward(dit::block(l, dit::kUp), -1, a.m2.f32(), a.u.f32(), T);
    b_.swiglu(a.g.f32(), a.u.f32(), a.act.f32(), TF);
    linear_forward(dit::block(l, dit::kDown), -1, a.act.f32(), a.d.f32(), T);
    b_.fill_zero(x_out, sz(TD) * sizeof(float));
    b_.add_inplace(x_out, a.xmid.f32(), TD);
    b_.gated_add(x_out, a.d.f32(), mod + 5 * D, S6, n, N, D);
}

// dx: dL/dx_out on entry, dL/dx_in on return; dmod's six slices written, then
// through the adaLN linear into dsc (+=).
void DitBackprop::block_backward(int l, const BlockActs& a, const float* x_in, float* dx) {
    const int n = n_, N = c_.tokens(), D = c_.width, T = n * N, S6 = 6 * D;
    const float* mod = a.mod.f32();
    float* dmod = dmod_.f32();

    // MLP branch: dd = g_m dx, dg_m = sum_t dx d; x_mid receives dx unchanged.
    b_.gated_add_backward(a.d.f32(), mod + 5 * D, S6, dx, dbr_.f32(), dmod + 5 * D, n, N, D);
    linear_backward(dit::block(l, dit::kDown), -1, a.act.f32(), dbr_.f32(), dact_.f32(), T, false);
    b_.swiglu_backward(a.g.f32(), a.u.f32(), dact_.f32(), dg_.f32(), du_.f32(), int64_t{T} * c_.ffn_width);
    linear_backward(dit::block(l, dit::kGate), -1, a.m2.f32(), dg_.f32(), dm_.f32(), T, false);
    linear_backward(dit::block(l, dit::kUp), -1, a.m2.f32(), du_.f32(), dm_.f32(), T, true);
    b_.modulate_backward(a.xn2.f32(), mod + 4 * D, S6, dm_.f32(), dxn_.f32(), dmod + 3 * D, dmod + 4 * D, n, N, D);
    b_.rmsnorm_backward(a.xmid.f32(), unit_w_.f32(), dxn_.f32(), dx, nullptr, T, D, kNormEps);

    // Attention branch.
    b_.gated_add_backward(a.o.f32(), mod + 2 * D, S6, dx, dbr_.f32(), dmod + 2 * D, n, N, D);
    linear_backward(dit::block(l, dit::kO), -1, a.att.f32(), dbr_.f32(), datt_.f32(), T, false);
    b_.attention_backward(a.q.f32(), a.k.f32(), a.v.f32(), a.att.f32(), a.lse.f32(), datt_.f32(), dq_.f32(),
                          dk_.f32(), dv_.f32(), n, N, attention_shape());
    linear_backward(dit::block(l, dit::kQ), -1, a.m1.f32(), dq_.f32(), dm_.f32(), T, false);
    linear_backward(dit::block(l, dit::kK), -1, a.m1.f32(), dk_.f32(), dm_.f32(), T, true);
    linear_backward(dit::block(l, dit::kV), -1, a.m1.f32(), dv_.f32(), dm_.f32(), T, true);
    b_.modulate_backward(a.xn1.f32(), mod + D, S6, dm_.f32(), dxn_.f32(), dmod, dmod + D, n, N, D);
    b_.rmsnorm_backward(x_in, unit_w_.f32(), dxn_.f32(), dx, nullptr, T, D, kNormEps);

    linear_backward(dit::block(l, dit::kAdaW), dit::block(l, dit::kAdaB), sc_.f32(), dmod, dsc_.f32(), n, true);
}

void DitBackprop::backward(std::span<const float> dvelocity) {
    if (grads_.empty()) throw std::logic_error("DiT backward: only a model whose tensors are all float32 trains");
    const int n = n_, N = c_.tokens(), D = c_.width, P = c_.patch_dim(), T = n * N;
    if (n < 1 || dvelocity.size() != sz(n) * sz(c_.image_values()))
        throw std::invalid_argument("DiT backward: " + std::to_string(dvelocity.size()) +
                                    " gradient values after a forward of " + std::to_string(n) + " images");
    std::vector<float> host(sz(T, P));
    for (int i = 0; i < n; ++i)
        patchify(c_, dvelocity.data() + sz(i) * sz(c_.image_values()), host.data() + sz(i * N, P));
    b_.upload(dout_.data(), host.data(), host.size() * sizeof(float));

    // Final layer.
    b_.fill_zero(dsc_.data(), dsc_.bytes());
    linear_backward(dit::kFinalW, dit::kFinalB, mf_.f32(), dout_.f32(), dm_.f32(), T, false);
    float* dfmod = dfmod_.f32();
    b_.modulate_backward(xnf_.f32(), fmod_.f32() + D, 2 * D, dm_.f32(), dxn_.f32(), dfmod, dfmod + D, n, N, D);
    linear_backward(dit::kFinalAdaW, dit::kFinalAdaB, sc_.f32(), dfmod, dsc_.f32(), n, true);
    float* dx = dx_.f32();
    b_.fill_zero(dx, sz(T, D) * sizeof(float));
    b_.rmsnorm_backward(xs_.f32() + sz(c_.depth) * sz(T, D), unit_w_.f32(), dxn_.f32(), dx, nullptr, T, D, kNormEps);

    for (int l = c_.depth - 1; l >= 0; --l) block_backward(l, blocks_[sz(l)], xs_.f32() + sz(l) * sz(T, D), dx);

    // Patch embedding and positions.
    for (int i = 0; i < n; ++i) b_.add_inplace(grads_[dit::kPos].f32(), dx + sz(i * N, D), int64_t{N} * D);
    linear_backward(dit::kPatchW, dit::kPatchB, tokens_.f32(), dx, nullptr, T, false);

    // Conditioning: dc = silu'(c) dsc feeds the class table and the timestep MLP.
    b_.silu_backward(cond_.f32(), dsc_.f32(), dc_.f32(), int64_t{n} * D);
    b_.embedding_backward(classes_, dc_.f32(), grads_[dit::kClass].f32(), c_.n_classes + 1, D);
    linear_backward(dit::kT2W, dit::kT2B, a1_.f32(), dc_.f32(), da1_.f32(), n, false);
    b_.silu_backward(h1_.f32(), da1_.f32(), dh1_.f32(), int64_t{n} * D);
    linear_backward(dit::kT1W, dit::kT1B, tfreq_.f32(), dh1_.f32(), nullptr, n, false);
}

}  // namespace qt
