#include "model/llama_model.h"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "quant/dequantize.h"

namespace qt {

LlamaModel::LlamaModel(std::shared_ptr<const GgufFile> file, Backend& backend, LlamaConfig config)
    : file_(std::move(file)), backend_(backend), config_(std::move(config)) {}

WeightTensor LlamaModel::load(const std::string& name, int64_t expect_cols, int64_t expect_rows) {
    const GgufTensorInfo& t = file_->tensor(name);
    if (t.dims.size() != 2 || t.dims[0] != expect_cols || t.dims[1] != expect_rows)
        file_->fail("tensor \"" + name + "\"", "shape [" + std::to_string(t.dims[0]) +
                                                   (t.dims.size() > 1 ? ", " + std::to_string(t.dims[1]) : "") +
                                                   "] where [" + std::to_string(expect_cols) + ", " +
                                                   std::to_string(expect_rows) + "] was expected");
    if (!ggml_traits(t.type).dequantizable)
        file_->fail("tensor \"" + name + "\"", "type " + std::string(ggml_type_name(t.type)) +
                                                   " cannot be used for a weight matrix");
    return place(name, t.type, expect_cols, expect_rows, t.data);
}

WeightTensor LlamaModel::load_rows(const std::string& name, const std::string& part, int64_t cols,
                                   int64_t total_rows, int64_t first_row, int64_t rows) {
    const GgufTensorInfo& t = file_->tensor(name);
    if (t.dims.size() != 2 || t.dims[0] != cols || t.dims[1] != total_rows)
        file_->fail("tensor \"" + name + "\"", "shape where [" + std::to_string(cols) + ", " +
                                                   std::to_string(total_rows) + "] was expected");
    if (!ggml_traits(t.type).dequantizable)
        file_->fail("tensor \"" + name + "\"", "type " + std::string(ggml_type_name(t.type)) +
                                                   " cannot be used for a weight matrix");
    // Rows are independent in every block type: a row range is a byte range.
    const std::string weight_name = name + ":" + part;
    fused_sources_[weight_name] = {name, first_row};
    return place(weight_name, t.type, cols, rows, t.data + ggml_row_size(t.type, cols) * static_cast<size_t>(first_row));
}

LinearSource LlamaModel::linear_source(LinearId id) const {
    return linear_source(const_cast<LlamaModel*>(this)->linear(id).name);
}

LinearSource LlamaModel::linear_source(const std::string& weight_name) const {
    auto it = fused_sources_.find(weight_name);
    return it != fused_sources_.end() ? it->second : LinearSource{weight_name, 0};
}

WeightTensor LlamaModel::place(const std::string& name, GgmlType type, int64_t cols, int64_t rows,
                               const void* host_data) {
    return backend_.load_weight(name, type, cols, rows, host_data, writable_);
}

void LlamaModel::norm_linears(const WeightTensor& norm, const float* x, std::initializer_list<const WeightTensor*> ws,
                              std::initializer_list<float*> ys, int n) {
    backend_.rmsnorm_matmul_shared_input(x, static_cast<const float*>(norm.data), config_.rms_eps, config_.dim,
                                         std::span<const WeightTensor* const>(ws.begin(), ws.size()),
                                         std::span<float* const>(ys.begin(), ys.size()), n, xn_.f32());
}

std::vector<WeightTensor*> LlamaModel::trainable_linears() {
    std::vector<WeightTensor*> out;
    for (auto& L : layers_)
        for (WeightTensor* w : {&L.wq, &L.wk, &L.wv, &L.wo, &L.w_gate, &L.w_up, &L.w_down}) out.push_back(w);
    if (!config_.tied_output) out.push_back(&output_);
    return out;
}

std::vector<LinearId> LlamaModel::trainable_linear_ids() const {
    std::vector<LinearId> out;
    for (int l = 0; l < config_.n_layers; ++l)
        for (int slot = 0; slot < static_cast<int>(LinearSlot::Head); ++slot)
            out.push_back({l, static_cast<LinearSlot>(slot)});
    if (!config_.tied_output) out.push_back({0, LinearSlot::Head});
    return out;
}

WeightTensor& LlamaModel::linear(LinearId id) {
    if (id.slot == LinearSlot::Head) return config_.tied_output ? token_embd_ : output_;
    if (id.layer < 0 || id.layer >= config_.n_layers)
        throw std::out_of_range("layer " + std::to_string(id.layer) + " outside 0.." +
                                std::to_string(config_.n_layers - 1));
    LlamaLayer& L = layers_[static_cast<size_t>(id.layer)];
    WeightTensor* const by_slot[] = {&L.wq, &L.wk, &L.wv, &L.wo, &L.w_gate, &L.w_up, &L.w_down};
    return *by_slot[static_cast<int>(id.slot)];
}

const WeightTensor& LlamaModel::computing_weight(LinearId id) {
    if (hooks_)
        if (const WeightTensor* w = hooks_->weight_override(id)) return *w;
    return linear(id);
}

void LlamaModel::hooked_linear(LinearId id, const float* x, float* y, int n) {
    const WeightTensor& w = computing_weight(id);
    if (const SparseAddend* s = hooks_ ? hooks_->sparse_addend(id) : nullptr) backend_.linear_sparse(w, *s, x, y, n);
    else backend_.linear(w, x, y, n);
    if (hooks_ && hooks_->has_extra(id)) hooks_->forward_extra(id, w, x, y, n);
}

WeightTensor LlamaModel::load_vector(const std::string& name, int64_t width) {
    const GgufTensorInfo& t = file_->tensor(name);
    if (t.dims.size() != 1 || t.dims[0] != width)
        file_->fail("tensor \"" + name + "\"", "must be a vector of " + std::to_string(width));
    if (t.type == GgmlType::F32) return place(name, t.type, t.dims[0], 1, t.data);
    if (!ggml_traits(t.type).dequantizable)
        file_->fail("tensor \"" + name + "\"", "type " + std::string(ggml_type_name(t.type)) + " cannot be read");
    // Vectors in another type are expanded once (they are tiny) so the backend sees floats.
    std::vector<float> f(static_cast<size_t>(width));
    dequantize_row(t.type, t.data, f.data(), width);
    WeightTensor w;
    w.name = name;
    w.type = GgmlType::F32;
    w.cols = width;
    w.rows = 1;
    w.row_bytes = f.size() * 4;
    w.storage = backend_.alloc(w.row_bytes, MemoryCategory::Weights);
    backend_.upload(w.storage.data(), f.data(), w.row_bytes);
    w.data = w.storage.data();
    return w;
}

RopeSpec LlamaModel::rope_spec(int layer) const {
    const LlamaConfig& c = config_;
    RopeSpec s;
    s.n_rot = c.n_rot;
    s.neox = c.rope_mode == RopeMode::Neox;
    const bool local = c.layer_slides(layer) && c.swa_freq_base > 0;  // Gemma 3's local layers
    s.freq_base = local ? c.swa_freq_base : c.rope_freq_base;
    s.freq_scale = local ? c.swa_freq_scale : c.rope_freq_scale;
    s.freq_factors = c.rope_freqs ? static_cast<const float*>(rope_freqs_.data) : nullptr;
    return s;
}

AttentionShape LlamaModel::attention_shape(int layer) const {
    const LlamaConfig& c = config_;
    AttentionShape s{c.n_heads, c.n_kv_heads, c.head_dim};
    s.scale = c.attention_scale;
    s.softcap = c.attn_softcap;
    s.window = c.layer_slides(layer) ? c.sliding_window : 0;
    return s;
}

std::unique_ptr<LlamaModel> LlamaModel::load(std::shared_ptr<const GgufFile> file, Backend& backend,
                                             const LlamaLoadOptions& options) {
    LlamaConfig config = LlamaConfig::from_gguf(*file);
    std::unique_ptr<LlamaModel> m(new LlamaModel(std::move(file), backend, config));
    m->writable_ = options.writable_weights;
    const LlamaConfig& c = m->config_;
    const int kv_width = c.kv_width(), q_width = c.q_width();
    m->token_embd_ = m->load("token_embd.weight", c.dim, c.vocab_size);
    m->output_norm_ = m->load_norm("output_norm.weight");
    if (!c.tied_output) m->output_ = m->load("output.weight", c.dim, c.vocab_size);
    if (c.rope_freqs) m->rope_freqs_ = m->load_vector("rope_freqs.weight", c.n_rot / 2);
    m->layers_.resize(static_cast<size_t>(c.n_layers));
    for (int l = 0; l < c.n_layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        LlamaLayer& L = m->layers_[static_cast<size_t>(l)];
        L.attn_norm = m->load_norm(p + "attn_norm.weight");
        if (c.fused_qkv) {  // q's rows, then k's, then v's (llama.cpp's views of attn_qkv)
            const std::string qkv = p + "attn_qkv.weight";
            const int64_t rows = q_width + 2 * int64_t{kv_width};
            L.wq = m->load_rows(qkv, "q", c.dim, rows, 0, q_width);
            L.wk = m->load_rows(qkv, "k", c.dim, rows, q_width, kv_width);
            L.wv = m->load_rows(qkv, "v", c.dim, rows, q_width + kv_width, kv_width);
        } else {
            L.wq = m->load(p + "attn_q.weight", c.dim, q_width);
            L.wk = m->load(p + "attn_k.weight", c.dim, kv_width);
            L.wv = m->load(p + "attn_v.weight", c.dim, kv_width);
        }
        L.wo = m->load(p + "attn_output.weight", q_width, c.dim);
        if (c.qkv_bias) {
            L.bq = m->load_vector(p + "attn_q.bias", q_width);
            L.bk = m->load_vector(p + "attn_k.bias", kv_width);
            L.bv = m->load_vector(p + "attn_v.bias", kv_width);
        }
        if (c.qk_norm) {
            L.q_norm = m->load_vector(p + "attn_q_norm.weight", c.head_dim);
            L.k_norm = m->load_vector(p + "attn_k_norm.weight", c.head_dim);
        }
        if (c.post_norms) {
            L.post_attn_norm = m->load_norm(p + "post_attention_norm.weight");
            L.post_ffn_norm = m->load_norm(p + "post_ffw_norm.weight");
        }
        L.ffn_norm = m->load_norm(p + "ffn_norm.weight");
        if (c.fused_gate_up) {  // gate's rows, then up's (ggml_swiglu of the fused product)
            const std::string up = p + "ffn_up.weight";
            L.w_gate = m->load_rows(up, "gate", c.dim, 2 * int64_t{c.ffn_dim}, 0, c.ffn_dim);
            L.w_up = m->load_rows(up, "up", c.dim, 2 * int64_t{c.ffn_dim}, c.ffn_dim, c.ffn_dim);
        } else {
            L.w_gate = m->load(p + "ffn_gate.weight", c.dim, c.ffn_dim);
            L.w_up = m->load(p + "ffn_up.weight", c.dim, c.ffn_dim);
        }
        L.w_down = m->load(p + "ffn_down.weight", c.ffn_dim, c.dim);
    }
    return m;
}

int64_t LlamaModel::parameter_count() const {
    int64_t n = 0;
    for (const auto& t : file_->tensors()) n += t.num_elements();
    return n;
}

KvCache LlamaModel::make_cache(int n_ctx) const {
    if (n_ctx <= 0) throw std::invalid_argument("context length must be positive");
    KvCache cache;
    cache.layout = {config_.n_layers, n_ctx, config_.n_kv_heads * config_.head_dim};
    const size_t bytes = static_cast<size_t>(config_.n_layers) * n_ctx * cache.layout.kv_width * 2;  // fp16
    cache.k = backend_.alloc(bytes, MemoryCategory::KvCache);
    cache.v = backend_.alloc(bytes, MemoryCategory::KvCache);
    return cache;
}

void LlamaModel::ensure_workspace(int n) {
    if (n <= ws_tokens_) return;
    const auto& c = config_;
    const size_t N = static_cast<size_t>(n);
    auto act = [&](size_t floats) { return backend_.alloc(floats * sizeof(float), MemoryCategory::Activations); };
    // q_, att_ and xn_ also serve as scratch of [n][dim] (and xn_ of k's width).
    const size_t wide = static_cast<size_t>(std::max(c.dim, c.q_width()));
    x_ = act(N * c.dim);
    xn_ = act(N * wide);
    q_ = act(N * wide);
    k_ = act(N * c.kv_width());
    v_ = act(N * c.kv_width());
    att_ = act(N * wide);
    gate_ = act(N * c.ffn_dim);
    up_ = act(N * c.ffn_dim);
    ws_tokens_ = n;
}

float* LlamaModel::logit_rows(int rows) {
    if (rows > logit_rows_) {
        logits_ = backend_.alloc(static_cast<size_t>(rows) * config_.vocab_size * sizeof(float),
                                 MemoryCategory::Activations);
        logit_rows_ = rows;
    }
    return logits_.f32();
}

const float* LlamaModel::head(const float* x, int rows) {
    const auto& c = config_;
    float* logits = logit_rows(rows);
    if (hooks_ && (hooks_->has_extra({0, LinearSlot::Head}) || hooks_->sparse_addend({0, LinearSlot::Head}))) {
        backend_.rmsnorm(x, static_cast<const float*>(output_norm_.data), xn_.f32(), rows, c.dim, c.rms_eps);
        hooked_linear({0, LinearSlot::Head}, xn_.f32(), logits, rows);
    } else {
        norm_linears(output_norm_, x, {c.tied_output ? &token_embd_ : &output_}, {logits}, rows);
    }
    if (c.final_softcap > 0)
        backend_.softcap(logits, logits, static_cast<int64_t>(rows) * c.vocab_size, c.final_softcap);
    return logits;
}

void LlamaModel::forward(std::span<const int32_t> tokens, KvCache& cache, std::vector<float>& logits,
                         bool all_logits) {
    const int n = static_cast<int>(tokens.size());
    const int first = all_logits ? 0 : n - 1;
    logits.resize(static_cast<size_t>(std::max(n - first, 0)) * config_.vocab_size);
    forward(tokens, cache, first, logits.data());
}

void LlamaModel::forward(std::span<const int32_t> tokens, KvCache& cache, int first_logit, float* logits) {
    const float* dev = forward_to_logits(tokens, cache, first_logit);
    const int n_out = static_cast<int>(tokens.size()) - first_logit;
    backend_.download(logits, dev, static_cast<size_t>(n_out) * config_.vocab_size * sizeof(float));
}

void LlamaModel::check_targets(std::span<const int32_t> targets) const {
    for (int32_t t : targets)
        if (t >= config_.vocab_size)
            throw std::out_of_range("target token " + std::to_string(t) + " outside the vocabulary of " +
                                    std::to_string(config_.vocab_size));
}

double LlamaModel::forward_nll(std::span<const int32_t> tokens, KvCache& cache, int first_logit,
                               std::span<const int32_t> targets) {
    if (static_cast<int64_t>(targets.size()) != static_cast<int64_t>(tokens.size()) - first_logit)
        throw std::invalid_argument("forward_nll: " + std::to_string(targets.size()) + " targets for " +
                                    std::to_string(static_cast<int64_t>(tokens.size()) - first_logit) +
                                    " logit rows");
    check_targets(targets);
    const float* dev = forward_to_logits(tokens, cache, first_logit);
    return backend_.cross_entropy_sum(dev, targets, config_.vocab_size);
}

double LlamaModel::forward_nll_batch(std::span<const int32_t> tokens, int n_seqs, KvCache& cache,
                                     std::span<const int32_t> targets) {
    if (targets.size() != tokens.size())
        throw std::invalid_argument("forward_nll_batch: " + std::to_string(targets.size()) + " targets for " +
                                    std::to_string(tokens.size()) + " tokens");
    check_targets(targets);
    cache.n_filled = 0;
    const Pass pass = begin_pass(tokens, cache, n_seqs);
    const int n = pass.n;
    if (static_cast<int64_t>(n) > batch_rows_) {
        batch_targets_ = backend_.alloc(static_cast<size_t>(n) * sizeof(int32_t), MemoryCategory::Activations);
        batch_head_rows_ = backend_.alloc(static_cast<size_t>(n) * sizeof(int32_t), MemoryCategory::Activations);
        batch_nll_ = backend_.alloc(static_cast<size_t>(n) * sizeof(double), MemoryCategory::Activations);
        batch_rows_ = n;
    }
    // The head runs only on the rows that have a target, gathered, when that saves
    // at least one step of kHeadRowStep rows (fine-tuning data: a short answer
    // after a long prompt); their count is rounded up to that step, padding rows
    // without a target, so that forwards repeat in few shapes.
    constexpr int kHeadRowStep = 64;
    std::vector<int32_t> rows, head_targets;
    for (int r = 0; r < n; ++r)
        if (targets[static_cast<size_t>(r)] >= 0) rows.push_back(r);
    const int head_rows = std::min(n, std::max(1, (static_cast<int>(rows.size()) + kHeadRowStep - 1) / kHeadRowStep *
                                                      kHeadRowStep));
    const bool gather = head_rows < n;
    auto* targets_dev = static_cast<int32_t*>(batch_targets_.data());
    auto* rows_dev = static_cast<int32_t*>(batch_head_rows_.data());
    auto* nll_dev = static_cast<double*>(batch_nll_.data());
    // Targets (and rows) in, one loss per head row out: the only traffic with the host,
    // outside the repeated part, which the backend may record once and replay (CUDA graphs).
    if (gather) {
        for (int32_t r : rows) head_targets.push_back(targets[static_cast<size_t>(r)]);
        rows.resize(static_cast<size_t>(head_rows), rows.empty() ? 0 : rows.back());
        head_targets.resize(static_cast<size_t>(head_rows), -1);
        backend_.upload(rows_dev, rows.data(), rows.size() * sizeof(int32_t));
        backend_.upload(targets_dev, head_targets.data(), head_targets.size() * sizeof(int32_t));
    } else {
        backend_.upload(targets_dev, targets.data(), targets.size_bytes());
    }
    // The head in chunks of rows, each reduced to its losses before the next: the
    // logits of all tokens (4096 x 32000 floats = 500 MiB at 16 x 256 on a
    // Llama-2 shape) never exist at once.
    const int chunk = static_cast<int>(std::max<size_t>(64, head_chunk_bytes_ / (sizeof(float) * config_.vocab_size)));
    const uint64_t key = repeat_key({reinterpret_cast<uintptr_t>(this), reinterpret_cast<uintptr_t>(cache.k.data()),
                                     static_cast<uint64_t>(n), static_cast<uint64_t>(n_seqs),
                                     static_cast<uint64_t>(chunk), static_cast<uint64_t>(head_rows)});
    // Hooks may allocate on first use, which a recorded replay must not do: with
    // hooks attached the forward runs as called.
    // So may the base class's host paths of features a backend's kernels lack: only the
    // fused path is recorded.
    auto run = [&](const std::function<void()>& ops) { fused_path() ? backend_.run_repeated(key, ops) : ops(); };
    run([&] {
        layer_stack(pass, cache);
        const float* hx = x_.f32();
        if (gather) {  // att_ ([n][dim]) is free once the layers are done
            backend_.gather_rows(x_.f32(), rows_dev, head_rows, config_.dim, att_.f32());
            hx = att_.f32();
        }
        for (int r0 = 0; r0 < head_rows; r0 += chunk) {
            const int rows_now = std::min(chunk, head_rows - r0);
            const float* logits = head(hx + static_cast<size_t>(r0) * config_.dim, rows_now);
            backend_.cross_entropy_rows(logits, targets_dev + r0, rows_now, config_.vocab_size, nll_dev + r0);
        }
    });
    if (n_seqs == 1) cache.n_filled = pass.pos0 + pass.seq_len;
    std::vector<double> nll(static_cast<size_t>(head_rows));
    backend_.download(nll.data(), nll_dev, nll.size() * sizeof(double));
    // Summed chunk by chunk, as Backend::cross_entropy_sum sums each chunk's rows.
    double sum = 0;
    for (int r0 = 0; r0 < head_rows; r0 += chunk) {
        double part = 0;
        for (int r = r0; r < std::min(head_rows, r0 + chunk); ++r) part += nll[static_cast<size_t>(r)];
        sum += part;
    }
    return sum;
}

const float* LlamaModel::forward_to_logits(std::span<const int32_t> tokens, KvCache& cache, int first_logit) {
    const int n = static_cast<int>(tokens.size());
    if (first_logit < 0 || first_logit >= n)
        throw std::invalid_argument("first logit position " + std::to_string(first_logit) + " outside 0.." +
                                    std::to_string(n - 1));
    run_layers(tokens, cache, 1);
    // Head: only the positions asked for (generation needs the last one only).
    return head(x_.f32() + static_cast<size_t>(first_logit) * config_.dim, n - first_logit);
}

uint64_t LlamaModel::repeat_key(std::initializer_list<uint64_t> parts) {
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (uint64_t p : parts) h = (h ^ p) * 0x100000001b3ull + (h >> 29);
    return h;
}

LlamaModel::Pass LlamaModel::begin_pass(std::span<const int32_t> tokens, const KvCache& cache, int n_seqs) {
    Pass p;
    p.n = static_cast<int>(tokens.size());
    if (p.n == 0) throw std::invalid_argument("forward needs at least one token");
    if (n_seqs < 1 || p.n % n_seqs != 0)
        throw std::invalid_argument(std::to_string(p.n) + " tokens do not split into " + std::to_string(n_seqs) +
                                    " sequences of equal length");
    if (n_seqs > 1 && cache.n_filled != 0)
        throw std::invalid_argument("a batch of sequences starts at position 0");
    // One sequence extends the cache; several (training) attend each within itself,
    // straight from this pass's keys and values, and leave the cache empty.
    p.n_seqs = n_seqs;
    p.seq_len = p.n / n_seqs;
    p.pos0 = cache.n_filled;
    if (n_seqs == 1 && p.pos0 + p.seq_len > cache.layout.n_ctx)
        throw std::length_error("context full: " + std::to_string(p.pos0 + p.seq_len) +
                                " tokens exceed the cache's " + std::to_string(cache.layout.n_ctx));
    ensure_workspace(p.n);
    p.positions.resize(static_cast<size_t>(p.n));
    for (int t = 0; t < p.n; ++t) p.positions[static_cast<size_t>(t)] = p.pos0 + t % p.seq_len;
    backend_.embed(token_embd_, tokens, x_.f32());
    if (config_.embedding_scale != 1.0f)
        backend_.scale(x_.f32(), static_cast<int64_t>(p.n) * config_.dim, config_.embedding_scale);
    return p;
}

void LlamaModel::run_layers(std::span<const int32_t> tokens, KvCache& cache, int n_seqs) {
    const Pass pass = begin_pass(tokens, cache, n_seqs);
    layer_stack(pass, cache);
    if (n_seqs == 1) cache.n_filled = pass.pos0 + pass.seq_len;
}

void LlamaModel::layer_stack(const Pass& p, KvCache& cache) {
    const auto& c = config_;
    const int n = p.n;
    Backend& b = backend_;
    float* x = x_.f32();
    float* xn = xn_.f32();
    for (int l = 0; l < c.n_layers; ++l) {
        if (!fused_path()) {
            layer_by_calls(l, p, cache);
            continue;
        }
        const LlamaLayer& L = layers_[static_cast<size_t>(l)];
        const RopeSpec rope = rope_spec(l);
        const AttentionShape shape = attention_shape(l);
        // Attention block.
        norm_linears(L.attn_norm, x, {&L.wq, &L.wk, &L.wv}, {q_.f32(), k_.f32(), v_.f32()}, n);
        if (p.n_seqs == 1) {
            b.rope(q_.f32(), p.positions, c.n_heads, c.head_dim, rope);
            b.rope(k_.f32(), p.positions, c.n_kv_heads, c.head_dim, rope);
            b.kv_store(cache.k.data(), cache.v.data(), cache.layout, l, p.pos0, n, k_.f32(), v_.f32());
            b.attention(q_.f32(), cache.k.data(), cache.v.data(), cache.layout, l, p.pos0, n, shape, att_.f32());
            b.matmul_add(L.wo, att_.f32(), x, n, xn);
        } else {
            // q and k are not read again (the backend may rotate them on the way into
            // attention), nor is att (it may pass the output to wo in its own form).
            b.rope_attention_matmul_add(q_.f32(), k_.f32(), v_.f32(), p.positions, rope, p.n_seqs, p.seq_len, shape,
                                        att_.f32(), L.wo, x, xn);
        }
        // Feed-forward block (SwiGLU).
        b.feed_forward(x, static_cast<const float*>(L.ffn_norm.data), c.rms_eps, c.dim, L.w_gate, L.w_up, L.w_down, n,
                       gate_.f32(), up_.f32(), xn);
    }
}

void LlamaModel::layer_by_calls(int l, const Pass& p, KvCache& cache) {
    const auto& c = config_;
    const int n = p.n;
    const LlamaLayer& L = layers_[static_cast<size_t>(l)];
    Backend& b = backend_;
    auto vec = [](const WeightTensor& w) { return static_cast<const float*>(w.data); };
    float* x = x_.f32();
    float* xn = xn_.f32();
    b.rmsnorm(x, vec(L.attn_norm), xn, n, c.dim, c.rms_eps);
    hooked_linear({l, LinearSlot::Q}, xn, q_.f32(), n);
    hooked_linear({l, LinearSlot::K}, xn, k_.f32(), n);
    hooked_linear({l, LinearSlot::V}, xn, v_.f32(), n);
    if (c.qkv_bias) {
        b.add_bias(q_.f32(), vec(L.bq), n, c.q_width());
        b.add_bias(k_.f32(), vec(L.bk), n, c.kv_width());
        b.add_bias(v_.f32(), vec(L.bv), n, c.kv_width());
    }
    // q and att trade places when q is normalized into att; k moves to xn (free until the FFN).
    float* q = q_.f32();
    float* att = att_.f32();
    float* k = k_.f32();
    if (c.qk_norm) {
        b.rmsnorm(q, vec(L.q_norm), att, n * c.n_heads, c.head_dim, c.rms_eps);
        b.rmsnorm(k, vec(L.k_norm), xn, n * c.n_kv_heads, c.head_dim, c.rms_eps);
        std::swap(q, att);
        k = xn;
    }
    const RopeSpec rope = rope_spec(l);
    const AttentionShape shape = attention_shape(l);
    if (p.n_seqs == 1) {
        b.rope(q, p.positions, c.n_heads, c.head_dim, rope);
        b.rope(k, p.positions, c.n_kv_heads, c.head_dim, rope);
        b.kv_store(cache.k.data(), cache.v.data(), cache.layout, l, p.pos0, n, k, v_.f32());
        b.attention(q, cache.k.data(), cache.v.data(), cache.layout, l, p.pos0, n, shape, att);
    } else {
        b.rope_attention_batch(q, k, v_.f32(), p.positions, rope, p.n_seqs, p.seq_len, shape, att);
    }
    // q is free once attention has run: it takes the projection before the residual add.
    hooked_linear({l, LinearSlot::O}, att, q, n);
    if (c.post_norms) {
        b.rmsnorm(q, vec(L.post_attn_norm), xn, n, c.dim, c.rms_eps);
        b.add_inplace(x, xn, static_cast<int64_t>(n) * c.dim);
    } else {
        b.add_inplace(x, q, static_cast<int64_t>(n) * c.dim);
    }
    b.rmsnorm(x, vec(L.ffn_norm), xn, n, c.dim, c.rms_eps);
    hooked_linear({l, LinearSlot::Gate}, xn, gate_.f32(), n);
    hooked_linear({l, LinearSlot::Up}, xn, up_.f32(), n);
    const int64_t ffn_count = static_cast<int64_t>(n) * c.ffn_dim;
    if (c.activation == FfnActivation::GeluTanh) b.geglu(gate_.f32(), up_.f32(), gate_.f32(), ffn_count);
    else b.swiglu(gate_.f32(), up_.f32(), gate_.f32(), ffn_count);
    hooked_linear({l, LinearSlot::Down}, gate_.f32(), xn, n);
    if (c.post_norms) {
        b.rmsnorm(xn, vec(L.post_ffn_norm), q_.f32(), n, c.dim, c.rms_eps);
        b.add_inplace(x, q_.f32(), static_cast<int64_t>(n) * c.dim);
    } else {
        b.add_inplace(x, xn, static_cast<int64_t>(n) * c.dim);
    }
}

}  // namespace qt
