#include "backend/backend.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/host_array.h"
#include "cpu/cached_attention.h"
#include "cpu/train_ops.h"

namespace qt {

float AttentionShape::score_scale() const {
    return scale > 0.0f ? scale : 1.0f / std::sqrt(static_cast<float>(head_dim));
}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
        reset();
        owner_ = o.owner_;
        data_ = o.data_;
        bytes_ = o.bytes_;
        category_ = o.category_;
        borrowed_ = o.borrowed_;
        o.owner_ = nullptr;
        o.data_ = nullptr;
        o.bytes_ = 0;
    }
    return *this;
}

void DeviceBuffer::reset() {
    if (owner_ && data_) {
        if (!borrowed_) owner_->free_raw(data_, bytes_);
        owner_->ledger().release(category_, static_cast<int64_t>(bytes_));
    }
    owner_ = nullptr;
    data_ = nullptr;
    bytes_ = 0;
}

void Backend::matmul_shared_input(std::span<const WeightTensor* const> ws, const float* x,
                                  std::span<float* const> ys, int n) {
    if (ws.size() != ys.size())
        throw std::invalid_argument("matmul_shared_input: " + std::to_string(ws.size()) + " weights, " +
                                    std::to_string(ys.size()) + " outputs");
    for (size_t i = 0; i < ws.size(); ++i) linear(*ws[i], x, ys[i], n);
}

void Backend::rmsnorm_matmul_shared_input(const float* x, const float* norm_w, float eps, int dim,
                                          std::span<const WeightTensor* const> ws, std::span<float* const> ys, int n,
                                          float* xn) {
    rmsnorm(x, norm_w, xn, n, dim, eps);
    matmul_shared_input(ws, xn, ys, n);
}

void Backend::matmul_add(const WeightTensor& w, const float* x, float* y, int n, float* scratch) {
    linear(w, x, scratch, n);
    add_inplace(y, scratch, static_cast<int64_t>(n) * w.rows);
}

void Backend::swiglu_matmul_add(float* gate, const float* up, const WeightTensor& w, float* y, int n,
                                float* scratch) {
    swiglu(gate, up, gate, static_cast<int64_t>(n) * w.cols);
    matmul_add(w, gate, y, n, scratch);
}

void Backend::feed_forward(float* x, const float* norm_w, float eps, int dim, const WeightTensor& w_gate,
                           const WeightTensor& w_up, const WeightTensor& w_down, int n, float* gate, float* up,
                           float* xn) {
    const WeightTensor* ws[] = {&w_gate, &w_up};
    float* ys[] = {gate, up};
    rmsnorm_matmul_shared_input(x, norm_w, eps, dim, ws, ys, n, xn);
    swiglu_matmul_add(gate, up, w_down, x, n, xn);
}

void Backend::attention_batch(const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                              const AttentionShape& shape, float* out) {
    if (n_seqs < 1 || seq_len < 1)
        throw std::invalid_argument("attention_batch: " + std::to_string(n_seqs) + " sequences of " +
                                    std::to_string(seq_len) + " tokens");
    if (!shape.causal) {
        // No cache serves a bidirectional sequence: the training forward's float keys and values.
        DeviceBuffer lse = alloc(static_cast<size_t>(n_seqs) * seq_len * shape.n_heads * sizeof(float),
                                 MemoryCategory::Activations);
        return attention_train(q, k, v, n_seqs, seq_len, shape, out, lse.f32());
    }
    const KvCacheLayout layout{1, seq_len, shape.n_kv_heads * shape.head_dim};
    const size_t cache_bytes = static_cast<size_t>(seq_len) * layout.kv_width * sizeof(uint16_t);
    DeviceBuffer kc = alloc(cache_bytes, MemoryCategory::Activations);
    DeviceBuffer vc = alloc(cache_bytes, MemoryCategory::Activations);
    const size_t q_width = static_cast<size_t>(shape.n_heads) * shape.head_dim;
    for (int s = 0; s < n_seqs; ++s) {
        const size_t t0 = static_cast<size_t>(s) * seq_len;
        kv_store(kc.data(), vc.data(), layout, 0, 0, seq_len, k + t0 * layout.kv_width, v + t0 * layout.kv_width);
        attention(q + t0 * q_width, kc.data(), vc.data(), layout, 0, 0, seq_len, shape, out + t0 * q_width);
    }
}

void Backend::rope_attention_batch(float* q, float* k, const float* v, std::span<const int32_t> positions,
                                   const RopeSpec& spec, int n_seqs, int seq_len, const AttentionShape& shape,
                                   float* out) {
    check_batch_positions(positions, n_seqs, seq_len);
    rope(q, positions, shape.n_heads, shape.head_dim, spec);
    rope(k, positions, shape.n_kv_heads, shape.head_dim, spec);
    attention_batch(q, k, v, n_seqs, seq_len, shape, out);
}

void Backend::rope_attention_matmul_add(float* q, float* k, const float* v, std::span<const int32_t> positions,
                                        const RopeSpec& spec, int n_seqs, int seq_len, const AttentionShape& shape,
                                        float* att, const WeightTensor& wo, float* y, float* scratch) {
    rope_attention_batch(q, k, v, positions, spec, n_seqs, seq_len, shape, att);
    matmul_add(wo, att, y, n_seqs * seq_len, scratch);
}

void Backend::rope(float* x, std::span<const int32_t> positions, int n_heads, int head_dim, const RopeSpec& spec) {
    if (spec.n_rot <= 0 || spec.n_rot % 2 != 0 || spec.n_rot > head_dim)
        throw std::invalid_argument("rope: n_rot " + std::to_string(spec.n_rot) + " for heads of " +
                                    std::to_string(head_dim));
    const size_t count = positions.size() * static_cast<size_t>(n_heads) * head_dim;
    HostArray<float> X(*this, x, count, true);
    HostArray<float> F(*this, spec.freq_factors, spec.freq_factors ? static_cast<size_t>(spec.n_rot / 2) : 0, true);
    train_ops::rope(X.get(), positions, n_heads, head_dim, spec.n_rot, spec.freq_base, spec.neox, spec.freq_scale,
                    spec.freq_factors ? F.get() : nullptr, false);
    X.write_back();
}

void Backend::attention(const float* q, const void* k_cache, const void* v_cache, const KvCacheLayout& L, int layer,
                        int pos0, int n, const AttentionShape& s, float* out) {
    if (!s.causal) throw std::invalid_argument("attention: a key-value cache holds causal attention only");
    if (pos0 < 0 || n < 0 || pos0 + n > L.n_ctx || layer < 0 || layer >= L.n_layers)
        throw std::out_of_range("attention over positions " + std::to_string(pos0) + ".." + std::to_string(pos0 + n) +
                                " of layer " + std::to_string(layer) + " outside a cache of " +
                                std::to_string(L.n_layers) + " x " + std::to_string(L.n_ctx));
    const size_t layer_off = static_cast<size_t>(layer) * L.n_ctx * L.kv_width;
    const size_t keys = static_cast<size_t>(pos0 + n) * L.kv_width;
    const size_t q_count = static_cast<size_t>(n) * s.n_heads * s.head_dim;
    HostArray<float> Q(*this, q, q_count, true), O(*this, out, q_count, false);
    HostArray<uint16_t> K(*this, static_cast<const uint16_t*>(k_cache) + layer_off, keys, true);
    HostArray<uint16_t> V(*this, static_cast<const uint16_t*>(v_cache) + layer_off, keys, true);
    CachedAttentionArgs a;
    a.q = Q.get();
    a.k_cache = K.get();
    a.v_cache = V.get();
    a.kv_width = L.kv_width;
    a.pos0 = pos0;
    a.n = n;
    a.n_heads = s.n_heads;
    a.n_kv_heads = s.n_kv_heads;
    a.head_dim = s.head_dim;
    a.scale = s.score_scale();
    a.softcap = s.softcap;
    a.window = s.window;
    a.out = O.get();
    cached_attention(a, host_threads());
    O.write_back();
}

void Backend::geglu(const float* gate, const float* up, float* out, int64_t count) {
    const auto c = static_cast<size_t>(count);
    HostArray<float> G(*this, gate, c, true), U(*this, up, c, true), O(*this, out, c, false);
    train_ops::geglu_forward(G.get(), U.get(), O.get(), count);
    O.write_back();
}

void Backend::add_bias(float* x, const float* bias, int n, int width) {
    HostArray<float> X(*this, x, static_cast<size_t>(n) * width, true), B(*this, bias, static_cast<size_t>(width), true);
    train_ops::add_bias(X.get(), B.get(), n, width);
    X.write_back();
}

void Backend::softcap(const float* x, float* y, int64_t count, float cap) {
    const auto c = static_cast<size_t>(count);
    HostArray<float> X(*this, x, c, true);
    if (x == y) {
        train_ops::softcap_forward(X.get(), X.get(), count, cap);
        return X.write_back();
    }
    HostArray<float> Y(*this, y, c, false);
    train_ops::softcap_forward(X.get(), Y.get(), count, cap);
    Y.write_back();
}

void Backend::check_batch_positions(std::span<const int32_t> positions, int n_seqs, int seq_len) {
    if (n_seqs < 1 || seq_len < 1 || positions.size() != static_cast<size_t>(n_seqs) * static_cast<size_t>(seq_len))
        throw std::invalid_argument("rope_attention_batch: " + std::to_string(positions.size()) +
                                    " positions for " + std::to_string(n_seqs) + " sequences of " +
                                    std::to_string(seq_len) + " tokens");
}

void Backend::gather_rows(const float* x, const int32_t* rows, int n_rows, int width, float* out) {
    if (n_rows <= 0) return;
    std::vector<int32_t> r(static_cast<size_t>(n_rows));
    download(r.data(), rows, r.size() * sizeof(int32_t));
    std::vector<float> row(static_cast<size_t>(width));
    for (int i = 0; i < n_rows; ++i) {
        download(row.data(), x + static_cast<size_t>(r[static_cast<size_t>(i)]) * width, row.size() * sizeof(float));
        upload(out + static_cast<size_t>(i) * width, row.data(), row.size() * sizeof(float));
    }
}

}  // namespace qt
