#include "model/llama_backprop.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace qt {

LlamaBackprop::LlamaBackprop(LlamaModel& model, BackpropOptions options)
    : model_(model), b_(model.backend()), options_(options) {
    const LlamaConfig& c = model_.config();
    head_chunk_ = static_cast<int>(std::max<size_t>(64, options_.head_chunk_bytes / (sizeof(float) * c.vocab_size)));
}

int64_t LlamaBackprop::activation_bytes_per_token(const LlamaConfig& c, bool checkpoint_activations) {
    const int64_t kv = c.kv_width(), qw = c.q_width();
    // xn1, h, xn2 (dim); q, att (q width); k, v (kv); lse (heads); gate, up, act (ffn);
    // q_in, k_in with qk_norm; o, d with post_norms.
    const int64_t block = 3 * int64_t{c.dim} + 2 * qw + 2 * kv + c.n_heads + 3 * int64_t{c.ffn_dim} +
                          (c.qk_norm ? qw + kv : 0) + (c.post_norms ? 2 * int64_t{c.dim} : 0);
    const int64_t kept = int64_t{c.n_layers + 1} * c.dim + (checkpoint_activations ? 1 : c.n_layers) * block;
    // dx, dxn (dim); dq, datt (q width); dk, dv (kv); dgate, dup, dact (ffn); dq_in, dk_in with qk_norm.
    const int64_t grads = 2 * int64_t{c.dim} + 2 * qw + 2 * kv + 3 * int64_t{c.ffn_dim} + (c.qk_norm ? qw + kv : 0);
    return (kept + grads) * static_cast<int64_t>(sizeof(float));
}

void LlamaBackprop::alloc_block(BlockActivations& a, int n) {
    const LlamaConfig& c = model_.config();
    const size_t N = static_cast<size_t>(n), kv = static_cast<size_t>(c.n_kv_heads) * c.head_dim;
    auto act = [&](size_t floats) { return b_.alloc(floats * sizeof(float), MemoryCategory::Activations); };
    const size_t qw = static_cast<size_t>(c.q_width());
    a.xn1 = act(N * c.dim);
    a.q = act(N * qw);
    a.k = act(N * kv);
    a.v = act(N * kv);
    a.att = act(N * qw);
    if (c.qk_norm) {
        a.q_in = act(N * qw);
        a.k_in = act(N * kv);
    }
    if (c.post_norms) {
        a.o = act(N * c.dim);
        a.d = act(N * c.dim);
    }
    a.lse = act(N * c.n_heads);
    a.h = act(N * c.dim);
    a.xn2 = act(N * c.dim);
    a.gate = act(N * c.ffn_dim);
    a.up = act(N * c.ffn_dim);
    a.act = act(N * c.ffn_dim);
}

void LlamaBackprop::ensure_buffers(int n) {
    if (n <= capacity_) return;
    const LlamaConfig& c = model_.config();
    const size_t N = static_cast<size_t>(n), kv = static_cast<size_t>(c.n_kv_heads) * c.head_dim;
    auto act = [&](size_t floats) { return b_.alloc(floats * sizeof(float), MemoryCategory::Activations); };
    blocks_.clear();
    xs_.reset();
    xs_ = act(static_cast<size_t>(c.n_layers + 1) * N * c.dim);
    blocks_.resize(options_.checkpoint_activations ? 1 : static_cast<size_t>(c.n_layers));
    for (auto& a : blocks_) alloc_block(a, n);
    const size_t qw = static_cast<size_t>(c.q_width());
    dx_ = act(N * c.dim);
    dxn_ = act(N * c.dim);
    dq_ = act(N * qw);
    dk_ = act(N * kv);
    dv_ = act(N * kv);
    datt_ = act(N * qw);
    if (c.qk_norm) {
        dq_in_ = act(N * qw);
        dk_in_ = act(N * kv);
    }
    dgate_ = act(N * c.ffn_dim);
    dup_ = act(N * c.ffn_dim);
    dact_ = act(N * c.ffn_dim);
    head_rows_ = b_.alloc(N * sizeof(int32_t), MemoryCategory::Activations);
    head_targets_ = b_.alloc(N * sizeof(int32_t), MemoryCategory::Activations);
    head_nll_ = b_.alloc(N * sizeof(double), MemoryCategory::Activations);
    hx_ = act(N * c.dim);
    dhx_ = act(N * c.dim);
    const size_t chunk = std::min<size_t>(N, static_cast<size_t>(head_chunk_));
    hn_ = act(chunk * c.dim);
    dhn_ = act(chunk * c.dim);
    logits_ = act(chunk * c.vocab_size);
    if (c.final_softcap > 0) capped_ = act(chunk * c.vocab_size);
    capacity_ = n;
}

float* LlamaBackprop::x_in(int l) const {
    return xs_.f32() + static_cast<size_t>(l) * capacity_ * model_.config().dim;
}

LlamaBackprop::BlockActivations& LlamaBackprop::block_activations(int l) {
    return options_.checkpoint_activations ? blocks_[0] : blocks_[static_cast<size_t>(l)];
}

LlamaBackprop::Shape LlamaBackprop::begin(std::span<const int32_t> tokens, int n_seqs,
                                          std::span<const int32_t> targets) {
    const LlamaConfig& c = model_.config();
    Shape s;
    s.n = static_cast<int>(tokens.size());
    if (s.n == 0) throw std::invalid_argument("a training pass needs at least one token");
    if (n_seqs < 1 || s.n % n_seqs != 0)
        throw std::invalid_argument(std::to_string(s.n) + " tokens do not split into " + std::to_string(n_seqs) +
                                    " sequences of equal length");
    if (targets.size() != tokens.size())
        throw std::invalid_argument(std::to_string(targets.size()) + " targets for " + std::to_string(tokens.size()) +
                                    " tokens");
    for (int32_t t : targets)
        if (t >= c.vocab_size)
            throw std::out_of_range("target token " + std::to_string(t) + " outside the vocabulary of " +
                                    std::to_string(c.vocab_size));
    s.n_seqs = n_seqs;
    s.seq_len = s.n / n_seqs;
    if (s.seq_len > c.context_length && c.context_length > 0)
        throw std::length_error("sequences of " + std::to_string(s.seq_len) + " tokens exceed the model's context of " +
                                std::to_string(c.context_length));
    s.positions.resize(static_cast<size_t>(s.n));
    for (int t = 0; t < s.n; ++t) s.positions[static_cast<size_t>(t)] = t % s.seq_len;
    ensure_buffers(s.n);
    b_.embed(model_.token_embedding(), tokens, x_in(0));
    if (c.embedding_scale != 1.0f) b_.scale(x_in(0), static_cast<int64_t>(s.n) * c.dim, c.embedding_scale);
    return s;
}

namespace {

const float* vec(const WeightTensor& w) { return static_cast<const float*>(w.data); }

}  // namespace

void LlamaBackprop::block_forward(int l, const Shape& s, const float* x, BlockActivations& a, float* x_out) {
    const LlamaConfig& c = model_.config();
    const LlamaLayer& L = model_.layer(l);
    const int n = s.n;
    const int64_t nd = static_cast<int64_t>(n) * c.dim;
    auto lin = [&](LinearSlot slot, const DeviceBuffer& in, float* out) { linear_forward({l, slot}, in.f32(), out, n); };
    // Attention: h = x + post_n(Wo attn(rope(qk_n(Wq xn1 + bq)), rope(qk_n(Wk xn1 + bk)), Wv xn1 + bv)),
    // xn1 = rmsnorm(x) w_attn.
    b_.rmsnorm(x, vec(L.attn_norm), a.xn1.f32(), n, c.dim, c.rms_eps);
    float* q = c.qk_norm ? a.q_in.f32() : a.q.f32();
    float* k = c.qk_norm ? a.k_in.f32() : a.k.f32();
    lin(LinearSlot::Q, a.xn1, q);
    lin(LinearSlot::K, a.xn1, k);
    lin(LinearSlot::V, a.xn1, a.v.f32());
    if (c.qkv_bias) {
        b_.add_bias(q, vec(L.bq), n, c.q_width());
        b_.add_bias(k, vec(L.bk), n, c.kv_width());
        b_.add_bias(a.v.f32(), vec(L.bv), n, c.kv_width());
    }
    if (c.qk_norm) {
        b_.rmsnorm(q, vec(L.q_norm), a.q.f32(), n * c.n_heads, c.head_dim, c.rms_eps);
        b_.rmsnorm(k, vec(L.k_norm), a.k.f32(), n * c.n_kv_heads, c.head_dim, c.rms_eps);
    }
    const RopeSpec rope = model_.rope_spec(l);
    b_.rope(a.q.f32(), s.positions, c.n_heads, c.head_dim, rope);
    b_.rope(a.k.f32(), s.positions, c.n_kv_heads, c.head_dim, rope);
    b_.attention_train(a.q.f32(), a.k.f32(), a.v.f32(), s.n_seqs, s.seq_len, model_.attention_shape(l), a.att.f32(),
                       a.lse.f32());
    if (c.post_norms) {
        lin(LinearSlot::O, a.att, a.o.f32());
        b_.rmsnorm(a.o.f32(), vec(L.post_attn_norm), a.h.f32(), n, c.dim, c.rms_eps);
    } else {
        lin(LinearSlot::O, a.att, a.h.f32());
    }
    b_.add_inplace(a.h.f32(), x, nd);
    // Feed-forward: x_out = h + post_n(Wd (act(Wg xn2) * Wu xn2)), xn2 = rmsnorm(h) w_ffn.
    b_.rmsnorm(a.h.f32(), vec(L.ffn_norm), a.xn2.f32(), n, c.dim, c.rms_eps);
    lin(LinearSlot::Gate, a.xn2, a.gate.f32());
    lin(LinearSlot::Up, a.xn2, a.up.f32());
    const int64_t ffn_count = static_cast<int64_t>(n) * c.ffn_dim;
    if (c.activation == FfnActivation::GeluTanh) b_.geglu(a.gate.f32(), a.up.f32(), a.act.f32(), ffn_count);
    else b_.swiglu(a.gate.f32(), a.up.f32(), a.act.f32(), ffn_count);
    if (c.post_norms) {
        lin(LinearSlot::Down, a.act, a.d.f32());
        b_.rmsnorm(a.d.f32(), vec(L.post_ffn_norm), x_out, n, c.dim, c.rms_eps);
    } else {
        lin(LinearSlot::Down, a.act, x_out);
    }
    b_.add_inplace(x_out, a.h.f32(), nd);
}

void LlamaBackprop::linear_forward(LinearId id, const float* x, float* y, int n) {
    const WeightTensor& w = model_.computing_weight(id);
    b_.matmul_float(w, x, y, n);
    TrainingHooks* hooks = model_.training_hooks();
    if (hooks && hooks->has_extra(id)) hooks->forward_extra(id, w, x, y, n);
}

void LlamaBackprop::linear_backward(LinearId id, const float* x, const float* dy, float* dx, int n, bool accumulate) {
    WeightTensor& w = model_.linear(id);
    b_.matmul_backward_input(model_.computing_weight(id), dy, dx, n, accumulate);
    TrainingHooks* hooks = model_.training_hooks();
    if (!hooks) return;
    if (hooks->has_extra(id)) hooks->backward_extra(id, w, x, dy, dx, n);
    if (hooks->wants_weight_gradient(id)) {
        const size_t bytes = static_cast<size_t>(w.rows * w.cols) * sizeof(float);
        if (weight_grad_.bytes() < bytes) {
            weight_grad_.reset();
            weight_grad_ = b_.alloc(bytes, MemoryCategory::Gradients);
        }
        // dW = dy^T x: [rows][n] x [n][cols].
        b_.gemm_f32(true, false, static_cast<int>(w.rows), static_cast<int>(w.cols), n, 1.0f, dy, x, 0.0f,
                    weight_grad_.f32());
        hooks->consume_weight_gradient(id, w, weight_grad_.f32());
    }
}

void LlamaBackprop::block_backward(int l, const Shape& s, const float* x, const BlockActivations& a, float* dx) {
    const LlamaConfig& c = model_.config();
    const LlamaLayer& L = model_.layer(l);
    const int n = s.n;
    const size_t nd_bytes = static_cast<size_t>(n) * c.dim * sizeof(float);
    // Feed-forward, from dx = dL/dx_out; a post-norm's backward goes through dxn_,
    // free until the gate and up products' backward.
    const float* d_down = dx;
    if (c.post_norms) {
        b_.fill_zero(dxn_.data(), nd_bytes);
        b_.rmsnorm_backward(a.d.f32(), vec(L.post_ffn_norm), dx, dxn_.f32(), nullptr, n, c.dim, c.rms_eps);
        d_down = dxn_.f32();
    }
    linear_backward({l, LinearSlot::Down}, a.act.f32(), d_down, dact_.f32(), n, false);
    const int64_t ffn_count = static_cast<int64_t>(n) * c.ffn_dim;
    if (c.activation == FfnActivation::GeluTanh)
        b_.geglu_backward(a.gate.f32(), a.up.f32(), dact_.f32(), dgate_.f32(), dup_.f32(), ffn_count);
    else
        b_.swiglu_backward(a.gate.f32(), a.up.f32(), dact_.f32(), dgate_.f32(), dup_.f32(), ffn_count);
    linear_backward({l, LinearSlot::Gate}, a.xn2.f32(), dgate_.f32(), dxn_.f32(), n, false);
    linear_backward({l, LinearSlot::Up}, a.xn2.f32(), dup_.f32(), dxn_.f32(), n, true);
    // dx becomes dL/dh: the residual's own share plus the norm's.
    b_.rmsnorm_backward(a.h.f32(), vec(L.ffn_norm), dxn_.f32(), dx, nullptr, n, c.dim, c.rms_eps);
    // Attention.
    const float* d_o = dx;
    if (c.post_norms) {
        b_.fill_zero(dxn_.data(), nd_bytes);
        b_.rmsnorm_backward(a.o.f32(), vec(L.post_attn_norm), dx, dxn_.f32(), nullptr, n, c.dim, c.rms_eps);
        d_o = dxn_.f32();
    }
    linear_backward({l, LinearSlot::O}, a.att.f32(), d_o, datt_.f32(), n, false);
    b_.attention_backward(a.q.f32(), a.k.f32(), a.v.f32(), a.att.f32(), a.lse.f32(), datt_.f32(), dq_.f32(),
                          dk_.f32(), dv_.f32(), s.n_seqs, s.seq_len, model_.attention_shape(l));
    const RopeSpec rope = model_.rope_spec(l);
    b_.rope_backward(dq_.f32(), s.positions, c.n_heads, c.head_dim, rope);
    b_.rope_backward(dk_.f32(), s.positions, c.n_kv_heads, c.head_dim, rope);
    // The biases pass the gradient through; the per-head norms do not.
    const float* dq = dq_.f32();
    const float* dk = dk_.f32();
    if (c.qk_norm) {
        b_.fill_zero(dq_in_.data(), static_cast<size_t>(n) * c.q_width() * sizeof(float));
        b_.fill_zero(dk_in_.data(), static_cast<size_t>(n) * c.kv_width() * sizeof(float));
        b_.rmsnorm_backward(a.q_in.f32(), vec(L.q_norm), dq_.f32(), dq_in_.f32(), nullptr, n * c.n_heads, c.head_dim,
                            c.rms_eps);
        b_.rmsnorm_backward(a.k_in.f32(), vec(L.k_norm), dk_.f32(), dk_in_.f32(), nullptr, n * c.n_kv_heads,
                            c.head_dim, c.rms_eps);
        dq = dq_in_.f32();
        dk = dk_in_.f32();
    }
    linear_backward({l, LinearSlot::Q}, a.xn1.f32(), dq, dxn_.f32(), n, false);
    linear_backward({l, LinearSlot::K}, a.xn1.f32(), dk, dxn_.f32(), n, true);
    linear_backward({l, LinearSlot::V}, a.xn1.f32(), dv_.f32(), dxn_.f32(), n, true);
    // dx becomes dL/dx_in.
    b_.rmsnorm_backward(x, vec(L.attn_norm), dxn_.f32(), dx, nullptr, n, c.dim, c.rms_eps);
}

BackpropResult LlamaBackprop::head(const Shape& s, std::span<const int32_t> targets, double loss_scale,
                                   bool backward) {
    const LlamaConfig& c = model_.config();
    BackpropResult r;
    // Only rows with a target meet the head (fine-tuning data: a short answer after a long prompt).
    std::vector<int32_t> rows, row_targets;
    for (int t = 0; t < s.n; ++t)
        if (targets[static_cast<size_t>(t)] >= 0) {
            rows.push_back(t);
            row_targets.push_back(targets[static_cast<size_t>(t)]);
        }
    const int n_rows = static_cast<int>(rows.size());
    r.targets = n_rows;
    if (backward) b_.fill_zero(dx_.data(), static_cast<size_t>(s.n) * c.dim * sizeof(float));
    if (n_rows == 0) return r;
    b_.upload(head_rows_.data(), rows.data(), rows.size() * sizeof(int32_t));
    b_.upload(head_targets_.data(), row_targets.data(), row_targets.size() * sizeof(int32_t));
    auto* rows_dev = static_cast<const int32_t*>(head_rows_.data());
    auto* targets_dev = static_cast<const int32_t*>(head_targets_.data());
    auto* nll_dev = static_cast<double*>(head_nll_.data());
    b_.gather_rows(x_in(c.n_layers), rows_dev, n_rows, c.dim, hx_.f32());
    const auto* norm_w = static_cast<const float*>(model_.output_norm().data);
    const LinearId head_id{0, LinearSlot::Head};
    for (int r0 = 0; r0 < n_rows; r0 += head_chunk_) {
        const int rc = std::min(head_chunk_, n_rows - r0);
        float* hx = hx_.f32() + static_cast<size_t>(r0) * c.dim;
        b_.rmsnorm(hx, norm_w, hn_.f32(), rc, c.dim, c.rms_eps);
        linear_forward(head_id, hn_.f32(), logits_.f32(), rc);
        // With a final softcap the loss reads the capped logits (capped_), and the
        // head's own output stays in logits_ for the cap's backward.
        const int64_t chunk_count = static_cast<int64_t>(rc) * c.vocab_size;
        float* logits = logits_.f32();
        if (c.final_softcap > 0) {
            b_.softcap(logits_.f32(), capped_.f32(), chunk_count, c.final_softcap);
            logits = capped_.f32();
        }
        if (!backward) {
            b_.cross_entropy_rows(logits, targets_dev + r0, rc, c.vocab_size, nll_dev + r0);
            continue;
        }
        // The loss and its gradient in one pass over the chunk's logits, which become dlogits.
        b_.cross_entropy_backward(logits, targets_dev + r0, rc, c.vocab_size, loss_scale, nll_dev + r0);
        if (c.final_softcap > 0) {
            b_.softcap_backward(logits_.f32(), capped_.f32(), chunk_count, c.final_softcap);
            logits = capped_.f32();
        }
        linear_backward(head_id, hn_.f32(), logits, dhn_.f32(), rc, false);
        b_.fill_zero(dhx_.f32() + static_cast<size_t>(r0) * c.dim, static_cast<size_t>(rc) * c.dim * sizeof(float));
        b_.rmsnorm_backward(hx, norm_w, dhn_.f32(), dhx_.f32() + static_cast<size_t>(r0) * c.dim, nullptr, rc, c.dim,
                            c.rms_eps);
    }
    if (backward) b_.scatter_add_rows(dhx_.f32(), rows_dev, n_rows, c.dim, dx_.f32(), s.n);
    std::vector<double> nll(static_cast<size_t>(n_rows));
    b_.download(nll.data(), nll_dev, nll.size() * sizeof(double));
    for (double v : nll) r.sum_nll += v;
    return r;
}

namespace {

// The backend's TF32 setting for one pass, restored after it (also when it throws).
class Tf32Scope {
public:
    Tf32Scope(Backend& b, bool on) : b_(b), was_(b.set_tf32_products(on)) {}
    ~Tf32Scope() { b_.set_tf32_products(was_); }
    Tf32Scope(const Tf32Scope&) = delete;
    Tf32Scope& operator=(const Tf32Scope&) = delete;

private:
    Backend& b_;
    bool was_;
};

}  // namespace

BackpropResult LlamaBackprop::forward_loss(std::span<const int32_t> tokens, int n_seqs,
                                           std::span<const int32_t> targets) {
    const Shape s = begin(tokens, n_seqs, targets);
    for (int l = 0; l < model_.config().n_layers; ++l) block_forward(l, s, x_in(l), block_activations(l), x_in(l + 1));
    return head(s, targets, 0.0, false);
}

BackpropResult LlamaBackprop::forward_backward(std::span<const int32_t> tokens, int n_seqs,
                                               std::span<const int32_t> targets, double loss_scale) {
    const Tf32Scope tf32(b_, options_.tf32);
    const Shape s = begin(tokens, n_seqs, targets);
    const int n_layers = model_.config().n_layers;
    for (int l = 0; l < n_layers; ++l) block_forward(l, s, x_in(l), block_activations(l), x_in(l + 1));
    const BackpropResult r = head(s, targets, loss_scale, true);
    if (r.targets == 0) return r;
    for (int l = n_layers - 1; l >= 0; --l) {
        // With checkpointing the one set of block activations holds block n_layers - 1's
        // from the forward; every other block's are recomputed from its saved input.
        if (options_.checkpoint_activations && l != n_layers - 1)
            block_forward(l, s, x_in(l), block_activations(l), x_in(l + 1));
        block_backward(l, s, x_in(l), block_activations(l), dx_.f32());
    }
    return r;
}

}  // namespace qt
