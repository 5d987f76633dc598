#include "backend/cuda_backend.h"

#include <stdexcept>

#ifdef QUANTTUNE_WITH_CUDA
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <unordered_map>
#include <vector>

#include "cpu/dynamic_map.h"
#include "cuda_device.h"  // kernels/: plain C++ headers
#include "cuda_ops.h"
#endif

namespace qt {

#ifndef QUANTTUNE_WITH_CUDA

bool cuda_backend_built() { return false; }
int cuda_device_count(std::string& why_none) {
    why_none = "this build has no CUDA support (configured without nvcc)";
    return 0;
}
std::unique_ptr<Backend> make_cuda_backend(int) {
    throw std::runtime_error("this build has no CUDA support (configured without nvcc); use the CPU");
}
void cuda_normals(Backend& backend, float*, int64_t, ZoNoise, uint64_t) {
    throw std::invalid_argument("cuda_normals: backend \"" + backend.name() + "\" is not a CUDA backend");
}
bool cuda_memory_info(Backend&, size_t&, size_t&) { return false; }
std::string cuda_profile_report(Backend&, bool) { return {}; }
int64_t cuda_graph_launches(Backend&) { return 0; }

#else

namespace {

cuda::WeightFormat weight_format(GgmlType t) { return static_cast<cuda::WeightFormat>(static_cast<uint32_t>(t)); }

// Brackets one operation for the per-operation profile (QT_CUDA_PROFILE=1,
// kernels/op_profile.cu); without it, a flag test.
class OpScope {
public:
    OpScope(cuda::Context* ctx, const char* name) : ctx_(ctx) { cuda::profile_begin(ctx, name); }
    ~OpScope() { cuda::profile_end(ctx_); }
    OpScope(const OpScope&) = delete;
    OpScope& operator=(const OpScope&) = delete;

private:
    cuda::Context* ctx_;
};

// Thrown by an operation that cannot be recorded into a CUDA graph (it talks to
// the host or changes what the backend remembers) when it is called while
// run_repeated records: the record is dropped and the operations run directly.
class CaptureSpoiled : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Device memory that only the backend itself uses (token ids, positions, quantized
// activations), grown on demand and counted in the ledger as activations.
class CudaBackend final : public Backend {
public:
    explicit CudaBackend(int device) : ctx_(cuda::create_context(device)) {
        name_ = "CUDA device " + std::to_string(device) + ": " + cuda::device_description(ctx_);
        const char* graphs = std::getenv("QT_CUDA_GRAPHS");
        graphs_enabled_ = !cuda::profile_enabled() && !(graphs && std::string(graphs) == "0");
        try {
            // cuBLAS's workspace, given so that it allocates none while a graph is recorded.
            blas_workspace_ = alloc(cuda::blas_workspace_bytes(), MemoryCategory::Activations);
            cuda::set_blas_workspace(ctx_, blas_workspace_.data(), blas_workspace_.bytes());
        } catch (...) {
            blas_workspace_.reset();
            cuda::destroy_context(ctx_);
            throw;
        }
    }
    ~CudaBackend() override {
        for (auto& [key, r] : repeats_) cuda::graph_destroy(r.graph);
        // Scratch buffers free through this backend, so they go before the context.
        slots_.reset();
        tokens_.reset();
        rope_.positions.reset();
        rope_.table.reset();
        rope_inverse_.positions.reset();
        rope_inverse_.table.reset();
        train_scratch_.reset();
        act_scratch_.reset();
        targets_.reset();
        nll_.reset();
        adam8bit_maps_.reset();
        cuda::destroy_svd_solver(svd_);
        blas_workspace_.reset();
        cuda::destroy_context(ctx_);
    }

    std::string name() const override { return name_; }

    DeviceBuffer alloc(size_t bytes, MemoryCategory category) override {
        not_while_recording("alloc");
        ++generation_;
        const std::string what(memory_category_name(category));
        void* p = cuda::malloc_device(ctx_, bytes, what.c_str());
        ledger_.add(category, static_cast<int64_t>(bytes));
        return DeviceBuffer(this, p, bytes, category);
    }
    void free_raw(void* data, size_t bytes) override {
        not_while_recording("free");
        ++generation_;
        // Deferred scales are written out before their masters go, and forgotten with their weights.
        for (auto it = deferred_.begin(); it != deferred_.end();) {
            if (overlaps(it->first, block_bytes_of(it->second.view), data, bytes)) it = deferred_.erase(it);
            else ++it;
        }
        write_deferred_overlapping(data, bytes);
        weights_.erase(data);
        scratch_weight_ = {};
        cuda::free_device(ctx_, data);
    }
    void upload(void* dst, const void* src, size_t bytes) override {
        not_while_recording("upload");
        write_deferred_overlapping(dst, bytes);  // a deferred write happened before this one
        if (!own_input(dst)) scratch_weight_ = {};  // it may be a weight or a master
        const OpScope scope(ctx_, "upload");
        cuda::copy_to_device(ctx_, dst, src, bytes);
    }
    void download(void* dst, const void* src, size_t bytes) override {
        not_while_recording("download");
        write_deferred_overlapping(src, bytes);
        const OpScope scope(ctx_, "download");
        cuda::copy_to_host(ctx_, dst, src, bytes);
    }

    WeightTensor load_weight(const std::string& name, GgmlType type, int64_t cols, int64_t rows,
                             const void* host_data, bool /*writable: always a copy here*/) override {
        if (!cuda::format_supported(static_cast<uint32_t>(type)))
            throw std::runtime_error("tensor \"" + name + "\": type " + std::string(ggml_type_name(type)) +
                                     " has no CUDA kernel (supported: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, "
                                     "Q8_0, Q4_K, Q5_K, Q6_K)");
        WeightTensor w;
        w.name = name;
        w.type = type;
        w.cols = cols;
        w.rows = rows;
        w.row_bytes = ggml_row_size(type, cols);
        const size_t bytes = w.row_bytes * static_cast<size_t>(rows);
        w.storage = alloc(bytes, MemoryCategory::Weights);
        upload(w.storage.data(), host_data, bytes);
        w.data = w.storage.data();
        WeightInfo info{weight_format(type), bytes};
        if (cuda::d_field_fusable(info.format) &&
            w.row_bytes == static_cast<size_t>(cols / 32) * cuda::format_block_bytes(info.format)) {
            info.slot = static_cast<int>(slots_host_.size());
            slots_host_.push_back({});
            grow(slots_, slots_host_.size() * sizeof(cuda::ScaleSlot));
            slots_dirty_ = true;
        }
        weights_[w.data] = info;
        return w;
    }

    void embed(const WeightTensor& table, std::span<const int32_t> tokens, float* out) override {
        not_while_recording("embed");
        const OpScope scope(ctx_, "embed");
        for (int32_t id : tokens)
            if (id < 0 || id >= table.rows)
                throw std::out_of_range("token id " + std::to_string(id) + " outside the vocabulary of " +
                                        std::to_string(table.rows));
        const size_t bytes = tokens.size_bytes();
        grow(tokens_, bytes);
        upload(tokens_.data(), tokens.data(), bytes);
        write_deferred(table.data);
        cuda::embed(ctx_, weight_format(table.type), table.data, table.row_bytes, table.cols,
                    static_cast<const int32_t*>(tokens_.data()), static_cast<int>(tokens.size()), out);
    }

    void rmsnorm(const float* x, const float* w, float* out, int n, int dim, float eps) override {
        const OpScope scope(ctx_, "rmsnorm");
        cuda::rmsnorm(ctx_, x, w, out, n, dim, eps);
    }

    void matmul(const WeightTensor& w, const float* x, float* y, int n) override {
        const OpScope scope(ctx_, "matmul");
        const auto f = weight_format(w.type);
        grow(act_scratch_, cuda::matmul_scratch_bytes(f, w.rows, w.cols, n));
        if (cuda::uses_gemm_path(f, n)) return gemm(w, x, y, n, {});
        write_deferred(w.data);  // the warp kernels read the blocks as they are
        scratch_weight_ = {};    // and write 8-bit activations into the scratch
        cuda::matmul(ctx_, f, w.data, w.row_bytes, w.rows, w.cols, x, y, n, act_scratch_.data());
    }

    void rmsnorm_matmul_shared_input(const float* x, const float* norm_w, float eps, int dim,
                                     std::span<const WeightTensor* const> ws, std::span<float* const> ys, int n,
                                     float* xn) override {
        if (!norm_products(x, norm_w, eps, dim, ws, ys, n, false))
            Backend::rmsnorm_matmul_shared_input(x, norm_w, eps, dim, ws, ys, n, xn);
    }

    // On the tensor-core path gate and up are written as bf16 (into the first half
    // of their buffers): SwiGLU reads half the bytes, and its product is rounded
    // to bf16 for the down projection all the same.
    void feed_forward(float* x, const float* norm_w, float eps, int dim, const WeightTensor& w_gate,
                      const WeightTensor& w_up, const WeightTensor& w_down, int n, float* gate, float* up,
                      float* xn) override {
        const WeightTensor* ws[] = {&w_gate, &w_up};
        float* ys[] = {gate, up};
        const bool fits = w_up.rows == w_gate.rows && w_down.cols == w_gate.rows && w_gate.rows % 8 == 0 &&
                          cuda::uses_gemm_path(weight_format(w_down.type), n);
        if (!fits || !norm_products(x, norm_w, eps, dim, ws, ys, n, true))
            return Backend::feed_forward(x, norm_w, eps, dim, w_gate, w_up, w_down, n, gate, up, xn);
        swiglu_into_gemm(w_down, x, n, [&](void* out_bf16) {
            cuda::swiglu_bf16_from_bf16(ctx_, gate, up, out_bf16, static_cast<int64_t>(n) * w_gate.rows);
        });
    }

    // The normalization writes bf16 rows straight where the GEMMs read x, and
    // neighbouring weights of one shape (k and v; gate and up) share one batched
    // GEMM when their bf16 copies fit the scratch tile together. False, doing
    // nothing, when a product is not on the tensor-core path.
    bool norm_products(const float* x, const float* norm_w, float eps, int dim,
                       std::span<const WeightTensor* const> ws, std::span<float* const> ys, int n, bool out_bf16) {
        bool fused = !ws.empty() && ws.size() == ys.size();
        size_t scratch = 0;
        for (const WeightTensor* w : ws) {
            const auto f = weight_format(w->type);
            fused = fused && w->cols == dim && cuda::uses_gemm_path(f, n);
            scratch = std::max(scratch, cuda::matmul_scratch_bytes(f, w->rows, w->cols, n));
        }
        if (!fused) return false;
        // Outputs at equal, non-overlapping distances: what a strided batch writes.
        auto spaced = [&](size_t i, size_t j) {
            const std::ptrdiff_t d = ys[i + 1] - ys[i], apart = static_cast<std::ptrdiff_t>(ws[i]->rows) * n;
            return (d >= apart || -d >= apart) && ys[j] - ys[j - 1] == d;
        };
        std::vector<std::pair<size_t, size_t>> runs;  // [first, end) of weights one GEMM takes
        for (size_t i = 0; i < ws.size();) {
            size_t j = i + 1;
            while (j < ws.size() && ws[j]->type == ws[i]->type && ws[j]->rows == ws[i]->rows &&
                   ws[j]->row_bytes == ws[i]->row_bytes && spaced(i, j) &&
                   cuda::gemm_group_fits(static_cast<int>(j - i + 1), ws[i]->rows, ws[i]->cols) &&
                   j - i < 8)
                ++j;
            if (j - i > 1)
                scratch = std::max(scratch, cuda::gemm_group_scratch_bytes(static_cast<int>(j - i), ws[i]->rows,
                                                                           ws[i]->cols, n));
            runs.emplace_back(i, j);
            i = j;
        }
        grow(act_scratch_, scratch);
        {
            const OpScope scope(ctx_, "rmsnorm");
            cuda::rmsnorm_bf16(ctx_, x, norm_w, act_scratch_.data(), n, dim, eps);
        }
        const OpScope scope(ctx_, "matmul");
        for (const auto& [first, end] : runs) {
            if (end - first == 1) {
                gemm(*ws[first], nullptr, ys[first], n, {.reuse_x = true, .out_bf16 = out_bf16});
                continue;
            }
            const void* w[8];
            const cuda::ScaleSlot* slots[8];
            float* y[8];
            const int count = static_cast<int>(end - first);
            for (int k = 0; k < count; ++k) {
                const WeightTensor& wk = *ws[first + static_cast<size_t>(k)];
                w[k] = wk.data;
                slots[k] = slot_of(wk);
                y[k] = ys[first + static_cast<size_t>(k)];
            }
            const WeightTensor& w0 = *ws[first];
            cuda::matmul_group(ctx_, weight_format(w0.type), w, slots, count, w0.row_bytes, w0.rows, w0.cols, y, n,
                               act_scratch_.data(), out_bf16);
            scratch_weight_ = {};  // the scratch holds no single weight's copy now
        }
        return true;
    }

    // On the tensor-core path the product is added to y by the GEMM itself (beta = 1).
    void matmul_add(const WeightTensor& w, const float* x, float* y, int n, float* scratch) override {
        const auto f = weight_format(w.type);
        if (!cuda::uses_gemm_path(f, n)) return Backend::matmul_add(w, x, y, n, scratch);
        const OpScope scope(ctx_, "matmul");
        grow(act_scratch_, cuda::matmul_scratch_bytes(f, w.rows, w.cols, n));
        gemm(w, x, y, n, {.accumulate = true});
    }

    // On the tensor-core path SwiGLU writes its bf16 product straight where the GEMM reads x.
    void swiglu_matmul_add(float* gate, const float* up, const WeightTensor& w, float* y, int n,
                           float* scratch) override {
        const auto f = weight_format(w.type);
        if (!cuda::uses_gemm_path(f, n)) return Backend::swiglu_matmul_add(gate, up, w, y, n, scratch);
        swiglu_into_gemm(w, y, n, [&](void* out_bf16) {
            cuda::swiglu_bf16(ctx_, gate, up, out_bf16, static_cast<int64_t>(n) * w.cols);
        });
    }

    // Tensor-core path only: write_swiglu(out) writes the SwiGLU product as bf16
    // where the GEMM reads x, and the GEMM adds w's product of it into y.
    template <class WriteSwiglu>
    void swiglu_into_gemm(const WeightTensor& w, float* y, int n, WriteSwiglu write_swiglu) {
        grow(act_scratch_, cuda::matmul_scratch_bytes(weight_format(w.type), w.rows, w.cols, n));
        {
            const OpScope scope(ctx_, "swiglu");
            write_swiglu(act_scratch_.data());
        }
        const OpScope scope(ctx_, "matmul");
        gemm(w, nullptr, y, n, {.reuse_x = true, .accumulate = true});
    }

    // The kernels rotate in normal mode without scaling or factors; any other
    // RopeSpec (neox, Llama 3.1's factors, linear scaling) and any AttentionShape
    // with a window, a softcap or another scale take the base class's host path
    // (correct, slow) until kernels for them exist.
    void rope(float* x, std::span<const int32_t> positions, int n_heads, int head_dim,
              const RopeSpec& spec) override {
        if (!spec.plain()) return Backend::rope(x, positions, n_heads, head_dim, spec);
        const int n_rot = spec.n_rot;
        const OpScope scope(ctx_, "rope");
        check_n_rot(n_rot, head_dim);
        ensure_rope_table(rope_, positions, n_rot, spec.freq_base);
        cuda::rope_from_table(ctx_, x, rope_.table.data(), static_cast<int>(positions.size()), n_heads, head_dim,
                              n_rot);
    }

    // rope at the negated positions, as the base class states it, from a table of
    // its own: a training step's forward and backward alternate layer by layer
    // and would otherwise rebuild (and upload positions for) each other's table.
    void rope_backward(float* dx, std::span<const int32_t> positions, int n_heads, int head_dim,
                       const RopeSpec& spec) override {
        if (!spec.plain()) return Backend::rope_backward(dx, positions, n_heads, head_dim, spec);
        const int n_rot = spec.n_rot;
        const float freq_base = spec.freq_base;
        const OpScope scope(ctx_, "rope_backward");
        check_n_rot(n_rot, head_dim);
        negated_positions_.assign(positions.begin(), positions.end());
        for (int32_t& p : negated_positions_) p = -p;
        ensure_rope_table(rope_inverse_, negated_positions_, n_rot, freq_base);
        cuda::rope_from_table(ctx_, dx, rope_inverse_.table.data(), static_cast<int>(positions.size()), n_heads,
                              head_dim, n_rot);
    }

    // The attention kernel rotates q and k as it reads them (and leaves them unrotated).
    void rope_attention_batch(float* q, float* k, const float* v, std::span<const int32_t> positions,
                              const RopeSpec& spec, int n_seqs, int seq_len, const AttentionShape& s,
                              float* out) override {
        if (tiled_rope_attention(q, k, v, positions, spec, n_seqs, seq_len, s, out, nullptr)) return;
        Backend::rope_attention_batch(q, k, v, positions, spec, n_seqs, seq_len, s, out);
    }

    // On the tensor-core path the attention kernel writes its output as bf16 where
    // the GEMM reads x (saving the float write, its read and the rounding pass).
    void rope_attention_matmul_add(float* q, float* k, const float* v, std::span<const int32_t> positions,
                                   const RopeSpec& spec, int n_seqs, int seq_len, const AttentionShape& s, float* att,
                                   const WeightTensor& wo, float* y, float* scratch) override {
        const auto f = weight_format(wo.type);
        const int n = n_seqs * seq_len;
        if (cuda::uses_gemm_path(f, n) && wo.cols == s.n_heads * s.head_dim) {
            grow(act_scratch_, cuda::matmul_scratch_bytes(f, wo.rows, wo.cols, n));
            if (tiled_rope_attention(q, k, v, positions, spec, n_seqs, seq_len, s, att, act_scratch_.data())) {
                const OpScope scope(ctx_, "matmul");
                gemm(wo, nullptr, y, n, {.reuse_x = true, .accumulate = true});
                return;
            }
        }
        Backend::rope_attention_matmul_add(q, k, v, positions, spec, n_seqs, seq_len, s, att, wo, y, scratch);
    }

    void kv_store(void* k_cache, void* v_cache, const KvCacheLayout& L, int layer, int pos0, int n, const float* k,
                  const float* v) override {
        const OpScope scope(ctx_, "kv_store");
        if (pos0 < 0 || pos0 + n > L.n_ctx)
            throw std::out_of_range("KV cache holds " + std::to_string(L.n_ctx) + " positions; asked for " +
                                    std::to_string(pos0 + n));
        if (layer < 0 || layer >= L.n_layers)
            throw std::out_of_range("KV cache has " + std::to_string(L.n_layers) + " layers; asked for layer " +
                                    std::to_string(layer));
        const size_t offset = (static_cast<size_t>(layer) * L.n_ctx + static_cast<size_t>(pos0)) * L.kv_width;
        cuda::kv_store(ctx_, static_cast<uint16_t*>(k_cache), static_cast<uint16_t*>(v_cache), offset, k, v,
                       static_cast<int64_t>(n) * L.kv_width);
    }

    void attention(const float* q, const void* k_cache, const void* v_cache, const KvCacheLayout& L, int layer,
                   int pos0, int n, const AttentionShape& s, float* out) override {
        if (!s.plain()) return Backend::attention(q, k_cache, v_cache, L, layer, pos0, n, s, out);
        const OpScope scope(ctx_, "attention");
        if (pos0 < 0 || pos0 + n > L.n_ctx || layer < 0 || layer >= L.n_layers)
            throw std::out_of_range("attention over positions " + std::to_string(pos0) + ".." +
                                    std::to_string(pos0 + n) + " of layer " + std::to_string(layer) +
                                    " outside a cache of " + std::to_string(L.n_layers) + " x " +
                                    std::to_string(L.n_ctx));
        if (s.n_kv_heads * s.head_dim != L.kv_width)
            throw std::invalid_argument("attention: " + std::to_string(s.n_kv_heads) + " kv heads of " +
                                        std::to_string(s.head_dim) + " do not match the cache width " +
                                        std::to_string(L.kv_width));
        const size_t layer_off = static_cast<size_t>(layer) * L.n_ctx * L.kv_width;
        cuda::attention(ctx_, q, static_cast<const uint16_t*>(k_cache) + layer_off,
                        static_cast<const uint16_t*>(v_cache) + layer_off, L.kv_width, pos0, n, s.n_heads,
                        s.n_kv_heads, s.head_dim, out);
    }

    void attention_batch(const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                         const AttentionShape& s, float* out) override {
        if (s.plain()) {
            const OpScope scope(ctx_, "attention");
            if (cuda::attention_batch_tiled(ctx_, q, k, v, n_seqs, seq_len, s.n_heads, s.n_kv_heads, s.head_dim, out))
                return;
        }
        Backend::attention_batch(q, k, v, n_seqs, seq_len, s, out);
    }

    void swiglu(const float* gate, const float* up, float* out, int64_t count) override {
        const OpScope scope(ctx_, "swiglu");
        cuda::swiglu(ctx_, gate, up, out, count);
    }
    void gather_rows(const float* x, const int32_t* rows, int n_rows, int width, float* out) override {
        const OpScope scope(ctx_, "gather_rows");
        cuda::gather_rows(ctx_, x, rows, n_rows, width, out);
    }
    void add_inplace(float* x, const float* y, int64_t count) override {
        const OpScope scope(ctx_, "add");
        cuda::add_inplace(ctx_, x, y, count);
    }

    // Zeroth-order ops: one kernel pass each over device memory (kernels/zo_update.cu).
    // The block scale d of a whole 32-weight-block weight is not written at all: the
    // write is remembered and the tensor-core matmul's dequantization reads d from
    // the master and the noise instead (cuda::ScaleSource), so a QZO step makes no
    // pass over the weights; any other reader of the blocks (the warp kernels, embed,
    // download, an upload over them, freeing the master) writes them out first.
    void zo_write_scales(const BlockFieldView& f, const float* master, float alpha, ZoNoise noise,
                         uint64_t index0) override {
        not_while_recording("zo_write_scales");
        scratch_weight_ = {};
        if (deferrable(f)) {
            defer(DeferredScales{f, master, alpha, noise, index0});
            return;
        }
        const OpScope scope(ctx_, "zo_write_scales");
        cuda::zo_write_scales(ctx_, f.blocks, f.block_bytes, f.field_offset, f.count, master, alpha, noise.seed,
                              noise.step, index0);
    }
    void zo_update_masters(float* master, int64_t count, float coeff, bool keep_sign, ZoNoise noise,
                           uint64_t index0) override {
        not_while_recording("zo_update_masters");
        scratch_weight_ = {};
        const OpScope scope(ctx_, "zo_update_masters");
        cuda::zo_update_masters(ctx_, master, count, coeff, keep_sign, noise.seed, noise.step, index0);
    }
    void zo_add_noise(float* x, int64_t count, float alpha, ZoNoise noise, uint64_t index0) override {
        not_while_recording("zo_add_noise");
        scratch_weight_ = {};
        const OpScope scope(ctx_, "zo_add_noise");
        cuda::zo_add_noise(ctx_, x, count, alpha, noise.seed, noise.step, index0);
    }
    void matmul_f32(const WeightTensor& w, const float* x, float* y, int n) override {
        const OpScope scope(ctx_, "matmul_f32");
        if (w.type != GgmlType::F32)
            throw std::invalid_argument("matmul_f32: tensor \"" + w.name + "\" is " +
                                        std::string(ggml_type_name(w.type)) + ", not F32");
        cuda::matmul_f32(ctx_, static_cast<const float*>(w.data), w.rows, w.cols, x, y, n);
    }

    double cross_entropy_sum(const float* logits, std::span<const int32_t> targets, int vocab) override {
        not_while_recording("cross_entropy_sum");
        const OpScope scope(ctx_, "cross_entropy");
        const int n = static_cast<int>(targets.size());
        if (n == 0) return 0.0;
        for (int32_t t : targets)
            if (t >= vocab)
                throw std::out_of_range("target token " + std::to_string(t) + " outside the vocabulary of " +
                                        std::to_string(vocab));
        grow(targets_, targets.size_bytes());
        grow(nll_, static_cast<size_t>(n) * sizeof(double));
        upload(targets_.data(), targets.data(), targets.size_bytes());
        cuda::cross_entropy_rows(ctx_, logits, vocab, static_cast<const int32_t*>(targets_.data()), n,
                                 static_cast<double*>(nll_.data()));
        std::vector<double> nll(static_cast<size_t>(n));
        download(nll.data(), nll_.data(), nll.size() * sizeof(double));
        double total = 0;
        for (double v : nll) total += v;
        return total;
    }

    // The tensor cores want many rows: 16 sequences of 256 tokens per forward (the bench's shape).
    int preferred_batch_tokens() const override { return 4096; }

    void cross_entropy_rows(const float* logits, const int32_t* targets, int rows, int vocab,
                            double* nll) override {
        const OpScope scope(ctx_, "cross_entropy");
        if (rows > 0) cuda::cross_entropy_rows(ctx_, logits, vocab, targets, rows, nll);
    }

    // ---- First-order training: every op one or a few kernels on the device
    // (kernels/attention_train.cu, matmul_float_tiles.cu, train_elementwise.cu, and
    // the norm and cross-entropy files); only token ids and positions go up and
    // only sum_squares' number comes down.

    bool set_tf32_products(bool on) override {
        const bool was = tf32_;
        if (on != tf32_) cuda::set_tf32_products(ctx_, on);
        tf32_ = on;
        return was;
    }

    void gemm_f32(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, const float* b,
                  float beta, float* c) override {
        const OpScope scope(ctx_, "gemm_f32");
        cuda::gemm_f32(ctx_, trans_a, trans_b, m, n, k, alpha, a, b, beta, c);
    }

    // The training forward's and backward's products with a weight, both from the
    // same float32 tiles of its blocks (kernels/matmul_float_tiles.cu).
    void matmul_float(const WeightTensor& w, const float* x, float* y, int n) override {
        const OpScope scope(ctx_, "matmul_float");
        const auto f = weight_format(w.type);
        write_deferred(w.data);  // the tiles read the blocks as they are
        grow(train_scratch_, cuda::float_tile_scratch_bytes(f, w.rows, w.cols));
        cuda::matmul_float(ctx_, f, w.data, w.row_bytes, w.rows, w.cols, x, y, n, train_scratch_.data());
    }

    void matmul_backward_input(const WeightTensor& w, const float* dy, float* dx, int n, bool accumulate) override {
        const OpScope scope(ctx_, "matmul_backward");
        const auto f = weight_format(w.type);
        write_deferred(w.data);
        grow(train_scratch_, cuda::float_tile_scratch_bytes(f, w.rows, w.cols));
        cuda::matmul_backward_input(ctx_, f, w.data, w.row_bytes, w.rows, w.cols, dy, dx, n, accumulate,
                                    train_scratch_.data());
    }

    void rmsnorm_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, int n, int dim,
                          float eps) override {
        const OpScope scope(ctx_, "rmsnorm_backward");
        if (dw) grow(train_scratch_, static_cast<size_t>(n) * sizeof(float));
        cuda::rmsnorm_backward(ctx_, x, w, dy, dx, dw, n, dim, eps, dw ? train_scratch_.f32() : nullptr);
    }

    // Head sizes without a kernel (not a multiple of 32, above 128), windows, softcaps and
    // other score scales run the base class's host loops.
    void attention_train(const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                         const AttentionShape& s, float* out, float* lse) override {
        if (s.plain()) {
            const OpScope scope(ctx_, "attention_train");
            if (cuda::attention_train(ctx_, q, k, v, n_seqs, seq_len, s.n_heads, s.n_kv_heads, s.head_dim, out, lse))
                return;
        }
        Backend::attention_train(q, k, v, n_seqs, seq_len, s, out, lse);
    }

    void attention_backward(const float* q, const float* k, const float* v, const float* out, const float* lse,
                            const float* dout, float* dq, float* dk, float* dv, int n_seqs, int seq_len,
                            const AttentionShape& s) override {
        if (s.plain()) {
            const OpScope scope(ctx_, "attention_backward");
            grow(train_scratch_, static_cast<size_t>(n_seqs) * seq_len * s.n_heads * sizeof(float));
            if (cuda::attention_backward(ctx_, q, k, v, out, lse, dout, dq, dk, dv, n_seqs, seq_len, s.n_heads,
                                         s.n_kv_heads, s.head_dim, train_scratch_.f32()))
                return;
        }
        Backend::attention_backward(q, k, v, out, lse, dout, dq, dk, dv, n_seqs, seq_len, s);
    }

    void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                         int64_t count) override {
        const OpScope scope(ctx_, "swiglu_backward");
        cuda::swiglu_backward(ctx_, gate, up, dout, dgate, dup, count);
    }

    // Targets are backend memory here and are not checked on the host: one at or
    // above vocab gives its row nll NaN and a zero gradient (kernels/cuda_ops.h).
    void cross_entropy_backward(float* logits, const int32_t* targets, int rows, int vocab, double scale,
                                double* nll) override {
        const OpScope scope(ctx_, "cross_entropy_backward");
        cuda::cross_entropy_backward(ctx_, logits, vocab, targets, rows, scale, nll);
    }

    // The tokens are on the host: they are grouped by id here (positions in
    // order within each id), so that the kernel adds each table row's gradients
    // in the CPU's order with no atomics.
    void embedding_backward(std::span<const int32_t> tokens, const float* dy, float* dtable, int vocab,
                            int dim) override {
        not_while_recording("embedding_backward");
        const OpScope scope(ctx_, "embedding_backward");
        for (int32_t t : tokens)
            if (t < 0 || t >= vocab)
                throw std::out_of_range("token id " + std::to_string(t) + " outside the vocabulary of " +
                                        std::to_string(vocab));
        const int n = static_cast<int>(tokens.size());
        if (n == 0) return;
        std::vector<int32_t> order(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
        std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
            return tokens[static_cast<size_t>(a)] < tokens[static_cast<size_t>(b)];
        });
        std::vector<int32_t> ids, offsets;
        for (int i = 0; i < n; ++i) {
            const int32_t t = tokens[static_cast<size_t>(order[static_cast<size_t>(i)])];
            if (ids.empty() || ids.back() != t) {
                ids.push_back(t);
                offsets.push_back(i);
            }
        }
        offsets.push_back(n);
        // [ids][offsets][positions], as cuda::embedding_backward reads it.
        std::vector<int32_t> plan(ids);
        plan.insert(plan.end(), offsets.begin(), offsets.end());
        plan.insert(plan.end(), order.begin(), order.end());
        grow(tokens_, plan.size() * sizeof(int32_t));
        upload(tokens_.data(), plan.data(), plan.size() * sizeof(int32_t));
        cuda::embedding_backward(ctx_, static_cast<const int32_t*>(tokens_.data()), static_cast<int>(ids.size()), dy,
                                 dtable, dim);
    }

    // rows are backend memory: one outside [0, dst_rows) is skipped on the device, not reported.
    void scatter_add_rows(const float* src, const int32_t* rows, int n_rows, int width, float* dst,
                          int dst_rows) override {
        const OpScope scope(ctx_, "scatter_add_rows");
        cuda::scatter_add_rows(ctx_, src, rows, n_rows, width, dst, dst_rows);
    }

    // The float constants exactly as train_ops::adamw_update derives them on the CPU.
    void adamw_update(float* p, const float* g, float* m, float* v, int64_t count, const AdamWStep& s) override {
        const OpScope scope(ctx_, "adamw_update");
        const double bc1 = 1.0 - std::pow(s.beta1, static_cast<double>(s.t));
        const double bc2 = 1.0 - std::pow(s.beta2, static_cast<double>(s.t));
        const cuda::AdamWConstants c{static_cast<float>(1.0 - s.lr * s.weight_decay), static_cast<float>(s.lr / bc1),
                                     static_cast<float>(s.beta1),  static_cast<float>(s.beta2),
                                     static_cast<float>(1.0 / std::sqrt(bc2)), static_cast<float>(s.eps)};
        cuda::adamw_update(ctx_, p, g, m, v, count, c);
    }

    double sum_squares(const float* x, int64_t count) override {
        not_while_recording("sum_squares");
        const OpScope scope(ctx_, "sum_squares");
        grow(train_scratch_, cuda::sum_squares_scratch_bytes());
        return cuda::sum_squares(ctx_, x, count, train_scratch_.data());
    }

    void scale(float* x, int64_t count, float s) override {
        const OpScope scope(ctx_, "scale");
        cuda::scale(ctx_, x, count, s);
    }

    void fill_zero(void* p, size_t bytes) override {
        const OpScope scope(ctx_, "fill_zero");
        cuda::fill_zero(ctx_, p, bytes);
    }

    // ---- Q-GaLore (kernels/galore_ops.cu): the host loops' formulas on the device.
    void dequantize_groups(const GroupQuantTensor& t, float* out) override {
        const OpScope scope(ctx_, "dequantize_groups");
        cuda::dequantize_groups(ctx_, t.codes, t.scales, t.zeros, t.count, t.group, t.bits, out);
    }

    void quantize_groups(const float* x, const GroupQuantTensor& t, const StochasticRounding* r) override {
        const OpScope scope(ctx_, "quantize_groups");
        cuda::quantize_groups(ctx_, x, t.count, t.group, t.bits, t.codes, t.scales, t.zeros, r != nullptr,
                              r ? r->seed : 0, r ? r->stream : 0);
    }

    // Waits for cuSOLVER's status, so it is never recorded into a graph.
    void svd_top_vectors(const float* g, int rows, int cols, int rank, float* out) override {
        not_while_recording("svd_top_vectors");
        const OpScope scope(ctx_, "svd_top_vectors");
        if (!svd_) svd_ = cuda::create_svd_solver(ctx_);
        grow(train_scratch_, cuda::svd_scratch_bytes(svd_, rows, cols));
        cuda::svd_top_vectors(ctx_, svd_, g, rows, cols, rank, out, train_scratch_.data());
    }

    // step_size and eps_hat in double, rounded once, as the base class derives them.
    void adam8bit_update(float* p, const float* g, const Adam8bitState& st, int64_t count,
                         const AdamWStep& s) override {
        const OpScope scope(ctx_, "adam8bit_update");
        const double c1 = 1.0 - std::pow(s.beta1, static_cast<double>(s.t));
        const double c2 = std::sqrt(1.0 - std::pow(s.beta2, static_cast<double>(s.t)));
        const cuda::Adam8bitConstants c{static_cast<float>(s.beta1),        static_cast<float>(s.beta2),
                                        static_cast<float>(s.lr),           static_cast<float>(s.weight_decay),
                                        static_cast<float>(s.lr * c2 / c1), static_cast<float>(s.eps * c2)};
        cuda::adam8bit_update(ctx_, p, g, st.m_codes, st.v_codes, st.m_absmax, st.v_absmax, count, adam8bit_maps(), c);
    }

    // ---- Sparse ZO (kernels/sparse_ops.cu): s's arrays, values, x and y are backend memory.
    void sparse_matmul_add(const SparseRows& s, const float* values, const float* x, float* y, int n) override {
        const OpScope scope(ctx_, "sparse_matmul_add");
        cuda::sparse_matmul_add(ctx_, s.row_start, s.col, values, s.rows, s.cols, s.nnz, x, y, n);
    }

    // (W + S) x: on the tensor-core path S's entries go into each bf16 tile of W as
    // it is dequantized (after the deferred QZO scales, which the dequantization
    // reads from the weight's slot), so S costs O(nnz) a product and enters at bf16
    // precision, like W. Elsewhere (few tokens, float32 weights) the base class:
    // the product, then sparse_matmul_add.
    void linear_sparse(const WeightTensor& w, const SparseAddend& s, const float* x, float* y, int n) override {
        if (s.rows.rows != w.rows || s.rows.cols != w.cols)
            throw std::invalid_argument("linear_sparse: sparse addend of " + std::to_string(s.rows.rows) + " x " +
                                        std::to_string(s.rows.cols) + " for tensor \"" + w.name + "\" of " +
                                        std::to_string(w.rows) + " x " + std::to_string(w.cols));
        const auto f = weight_format(w.type);
        if (w.type == GgmlType::F32 || !cuda::uses_gemm_path(f, n)) return Backend::linear_sparse(w, s, x, y, n);
        if (s.rows.nnz == 0) return matmul(w, x, y, n);
        const OpScope scope(ctx_, "matmul");
        grow(act_scratch_, cuda::matmul_scratch_bytes(f, w.rows, w.cols, n));
        gemm(w, x, y, n, {.sparse = {s.rows.row_start, s.rows.col, s.values}});
    }

    void add_squares(float* acc, const float* g, int64_t count) override {
        const OpScope scope(ctx_, "add_squares");
        cuda::add_squares(ctx_, acc, g, count);
    }

    // Records ops() into a CUDA graph and replays it on later calls with the same
    // key: one launch instead of hundreds (SmolLM2's forward is bound by them).
    // The first call for a key, and the first after anything the record would bake
    // in has changed (an allocation or free anywhere, a new rope table: counted by
    // generation_), runs ops() directly; the next one records and launches. The
    // deferred scale writes a record reads come from the slots in device memory,
    // uploaded before each launch. Operations that cannot be recorded throw
    // CaptureSpoiled before they change anything: the key then always runs directly.
    void run_repeated(uint64_t key, const std::function<void()>& ops) override {
        if (!graphs_enabled_ || recording_) return ops();
        // A record must not rely on a bf16 copy made before it, nor what follows on
        // one a record or a replay made: the scratch holds no known weight on entry or exit.
        scratch_weight_ = {};
        struct ForgetScratchWeight {
            ScratchWeight& w;
            ~ForgetScratchWeight() { w = {}; }
        } forget{scratch_weight_};
        if (repeats_.size() > 16 && !repeats_.contains(key)) forget_records();
        Repeat& r = repeats_[key];
        if (r.graph && r.generation == generation_) {
            flush_slots();
            const OpScope scope(ctx_, "graph");
            cuda::graph_launch(ctx_, r.graph);
            ++graph_launches_;
            return;
        }
        cuda::graph_destroy(r.graph);
        r.graph = nullptr;
        if (r.direct_only || r.warm_generation != generation_) {
            ops();
            r.warm_generation = generation_;
            return;
        }
        flush_slots();
        const uint64_t generation = generation_;
        cuda::capture_begin(ctx_);
        recording_ = true;
        bool failed = false;
        try {
            ops();
        } catch (const std::exception&) {
            failed = true;  // a real error shows again when ops() runs directly below
        }
        recording_ = false;
        cuda::Graph* graph = cuda::capture_end(ctx_);
        scratch_weight_ = {};  // the recording's copies were never made
        if (failed || !graph || generation_ != generation) {
            cuda::graph_destroy(graph);
            r.direct_only = true;
            ops();
            return;
        }
        r.graph = graph;
        r.generation = generation;
        const OpScope scope(ctx_, "graph");
        cuda::graph_launch(ctx_, graph);
        ++graph_launches_;
    }

    void normals(float* out, int64_t count, ZoNoise noise, uint64_t index0) {
        cuda::philox_normals(ctx_, out, count, noise.seed, noise.step, index0);
    }
    void memory_info(size_t& free_bytes, size_t& total_bytes) { cuda::device_memory(ctx_, &free_bytes, &total_bytes); }
    std::string profile_report(bool reset) { return cuda::profile_report(ctx_, reset); }
    int64_t graph_launches() const { return graph_launches_; }

private:
    // A scale write not yet made: blocks' d = fp16(master + alpha z), as zo_write_scales states.
    struct DeferredScales {
        BlockFieldView view;
        const float* master = nullptr;
        float alpha = 0.0f;
        ZoNoise noise;
        uint64_t index0 = 0;
    };
    struct WeightInfo {
        cuda::WeightFormat format;
        size_t bytes = 0;
        int slot = -1;  // its ScaleSlot, for the formats whose d the dequantization can take from a master
    };
    struct Repeat {
        cuda::Graph* graph = nullptr;
        uint64_t generation = 0;           // generation_ when recorded
        uint64_t warm_generation = ~0ull;  // generation_ after the last direct run
        bool direct_only = false;          // recording failed once: always run directly
    };

    void not_while_recording(const char* what) const {
        if (recording_) throw CaptureSpoiled(std::string(what) + " cannot be recorded into a CUDA graph");
    }

    void forget_records() {
        for (auto& [key, r] : repeats_) cuda::graph_destroy(r.graph);
        repeats_.clear();
    }

    // Remembers a scale write instead of making it; the weight's slot tells the dequantization.
    void defer(const DeferredScales& d) {
        deferred_[d.view.blocks] = d;
        set_slot(d.view.blocks, cuda::ScaleSlot{d.master, d.alpha, 0, d.noise.seed, d.noise.step, d.index0});
    }
    void set_slot(const void* blocks, const cuda::ScaleSlot& slot) {
        const auto it = weights_.find(blocks);
        if (it == weights_.end() || it->second.slot < 0) return;
        slots_host_[static_cast<size_t>(it->second.slot)] = slot;
        slots_dirty_ = true;
    }
    // The slots to the device before a kernel reads them (one small copy per changed set).
    void flush_slots() {
        if (!slots_dirty_) return;
        not_while_recording("a scale slot upload");
        cuda::copy_to_device(ctx_, slots_.data(), slots_host_.data(), slots_host_.size() * sizeof(cuda::ScaleSlot));
        slots_dirty_ = false;
    }
    const cuda::ScaleSlot* slot_of(const WeightTensor& w) {
        const auto it = weights_.find(w.data);
        if (it == weights_.end() || it->second.slot < 0) return nullptr;
        flush_slots();
        return static_cast<const cuda::ScaleSlot*>(slots_.data()) + it->second.slot;
    }

    static size_t block_bytes_of(const BlockFieldView& v) { return static_cast<size_t>(v.count) * v.block_bytes; }
    static bool overlaps(const void* a, size_t a_bytes, const void* b, size_t b_bytes) {
        const auto a0 = reinterpret_cast<uintptr_t>(a), b0 = reinterpret_cast<uintptr_t>(b);
        return a0 < b0 + b_bytes && b0 < a0 + a_bytes;
    }

    // The d field of a whole weight loaded here, in a format whose dequantization can take d from a master.
    bool deferrable(const BlockFieldView& f) const {
        const auto it = weights_.find(f.blocks);
        return it != weights_.end() && f.field_offset == 0 && cuda::d_field_fusable(it->second.format) &&
               f.block_bytes == cuda::format_block_bytes(it->second.format) && block_bytes_of(f) == it->second.bytes;
    }

    void write_deferred(const void* blocks) {
        const auto it = deferred_.find(blocks);
        if (it == deferred_.end()) return;
        not_while_recording("writing deferred scales");
        const DeferredScales d = it->second;
        deferred_.erase(it);
        set_slot(d.view.blocks, {});
        const OpScope scope(ctx_, "zo_write_scales");
        cuda::zo_write_scales(ctx_, d.view.blocks, d.view.block_bytes, d.view.field_offset, d.view.count, d.master,
                              d.alpha, d.noise.seed, d.noise.step, d.index0);
    }

    // Writes every deferred field whose blocks or master lie in [p, p + bytes).
    void write_deferred_overlapping(const void* p, size_t bytes) {
        std::vector<const void*> due;
        for (const auto& [blocks, d] : deferred_)
            if (overlaps(blocks, block_bytes_of(d.view), p, bytes) ||
                overlaps(d.master, static_cast<size_t>(d.view.count) * sizeof(float), p, bytes))
                due.push_back(blocks);
        for (const void* blocks : due) write_deferred(blocks);
    }

    // The signed and unsigned dynamic maps (cpu/dynamic_map.h), uploaded on first use.
    const float* adam8bit_maps() {
        if (adam8bit_maps_.data()) return adam8bit_maps_.f32();
        float maps[512];
        const DynamicMap m = make_dynamic_map(true), v = make_dynamic_map(false);
        std::copy(m.begin(), m.end(), maps);
        std::copy(v.begin(), v.end(), maps + 256);
        adam8bit_maps_ = alloc(sizeof maps, MemoryCategory::OptimizerStates);
        upload(adam8bit_maps_.data(), maps, sizeof maps);
        return adam8bit_maps_.f32();
    }

    static void check_n_rot(int n_rot, int head_dim) {
        if (n_rot % 2 != 0 || n_rot > head_dim)
            throw std::invalid_argument("rope: n_rot " + std::to_string(n_rot) + " must be even and at most head_dim " +
                                        std::to_string(head_dim));
    }

    // The cos/sin table ([positions.size()][n_rot / 2] float pairs) of some
    // positions, and what it was made from.
    struct RopeTable {
        DeviceBuffer positions, table;
        std::vector<int32_t> last;
        int n_rot = -1;
        float theta_scale = 0.0f;
    };

    // Makes t the table of these positions. Every q and k of a forward share
    // positions: they are uploaded and tabulated only when they (or the rotation) change.
    void ensure_rope_table(RopeTable& t, std::span<const int32_t> positions, int n_rot, float freq_base) {
        // The same float as the CPU backend's theta_scale, computed on the host.
        const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(n_rot));
        if (positions.size() == t.last.size() && n_rot == t.n_rot && theta_scale == t.theta_scale &&
            std::equal(positions.begin(), positions.end(), t.last.begin()))
            return;
        not_while_recording("a new rope table");
        ++generation_;  // records read the table
        grow(t.positions, positions.size_bytes());
        upload(t.positions.data(), positions.data(), positions.size_bytes());
        t.last.assign(positions.begin(), positions.end());
        grow(t.table, positions.size() * static_cast<size_t>(n_rot / 2) * 2 * sizeof(float));
        cuda::rope_table(ctx_, static_cast<const int32_t*>(t.positions.data()), static_cast<int>(positions.size()),
                         n_rot, theta_scale, t.table.data());
        t.n_rot = n_rot;
        t.theta_scale = theta_scale;
    }

    // The tensor-core product of w with n rows of x (already in the scratch as bf16
    // when options.reuse_x). The bf16 copy of w that it leaves in the scratch is
    // used again by the next call with the same weight, n and cols (the head over
    // its logit chunks of one forward) unless something may have changed the
    // weight, its scales or the scratch in between (every such path clears
    // scratch_weight_).
    // The tiled kernel's rope + attention (into out, or as bf16 into out_bf16);
    // false, having done nothing, where it has no kernel for the shape.
    bool tiled_rope_attention(const float* q, const float* k, const float* v, std::span<const int32_t> positions,
                              const RopeSpec& spec, int n_seqs, int seq_len, const AttentionShape& s, float* out,
                              void* out_bf16) {
        check_batch_positions(positions, n_seqs, seq_len);
        if (!spec.plain() || !s.plain()) return false;
        const int n_rot = spec.n_rot;
        const float freq_base = spec.freq_base;
        check_n_rot(n_rot, s.head_dim);
        const OpScope scope(ctx_, "attention");
        ensure_rope_table(rope_, positions, n_rot, freq_base);
        return cuda::attention_batch_tiled_rope(ctx_, q, k, v, rope_.table.data(), n_rot, n_seqs, seq_len, s.n_heads,
                                                s.n_kv_heads, s.head_dim, out, out_bf16);
    }

    void gemm(const WeightTensor& w, const float* x, float* y, int n, cuda::MatmulOptions options) {
        options.d_slot_dev = slot_of(w);
        // With a sparse addend the copy is W + S: made afresh, and not offered to the next product.
        const bool plain = options.sparse.values_dev == nullptr;
        options.reuse_w =
            plain && scratch_weight_.w == w.data && scratch_weight_.n == n && scratch_weight_.cols == w.cols;
        cuda::matmul(ctx_, weight_format(w.type), w.data, w.row_bytes, w.rows, w.cols, x, y, n, act_scratch_.data(),
                     options);
        scratch_weight_ =
            plain && cuda::gemm_single_tile(w.rows, w.cols) ? ScratchWeight{w.data, n, w.cols} : ScratchWeight{};
    }

    // The backend's own input buffers (token ids, positions, targets): no weight lies there.
    bool own_input(const void* p) const {
        for (const DeviceBuffer* b : {&tokens_, &rope_.positions, &rope_inverse_.positions, &targets_})
            if (b->data() && overlaps(p, 1, b->data(), b->bytes())) return true;
        return false;
    }

    void grow(DeviceBuffer& buf, size_t bytes) {
        if (bytes <= buf.bytes()) return;
        scratch_weight_ = {};
        buf.reset();  // cudaFree waits for queued work that may still read it
        buf = alloc(bytes + bytes / 4, MemoryCategory::Activations);
    }

    cuda::Context* ctx_;
    std::string name_;
    DeviceBuffer blas_workspace_;
    DeviceBuffer tokens_, act_scratch_, targets_, nll_;
    RopeTable rope_, rope_inverse_;  // rope's table; rope_backward's, of the negated positions
    std::vector<int32_t> negated_positions_;
    // First-order training's scratch: a float tile of a weight (matmul_float, matmul_backward_input),
    // attention's D, rmsnorm's row scales, the sum of squares' partial sums.
    DeviceBuffer train_scratch_;  // also the SVD's workspace (cuda::svd_scratch_bytes)
    cuda::SvdSolver* svd_ = nullptr;  // made on the first SVD
    DeviceBuffer adam8bit_maps_;
    bool tf32_ = false;  // set_tf32_products
    // One ScaleSlot per fusable weight (WeightInfo::slot), mirrored on the host.
    std::vector<cuda::ScaleSlot> slots_host_;
    DeviceBuffer slots_;
    bool slots_dirty_ = false;
    // CUDA graphs of run_repeated, by key. generation_ counts allocations, frees
    // and rope tables: anything whose address or contents a record bakes in.
    bool graphs_enabled_ = true;
    bool recording_ = false;
    uint64_t generation_ = 0;
    int64_t graph_launches_ = 0;
    std::unordered_map<uint64_t, Repeat> repeats_;
    std::unordered_map<const void*, WeightInfo> weights_;         // by storage, from load_weight
    std::unordered_map<const void*, DeferredScales> deferred_;    // by weight storage
    // Whose bf16 copy the scratch holds after the last tensor-core product (see gemm).
    struct ScratchWeight {
        const void* w = nullptr;
        int n = 0;
        int64_t cols = 0;
    };
    ScratchWeight scratch_weight_;
};

}  // namespace

bool cuda_backend_built() { return true; }

int cuda_device_count(std::string& why_none) {
    const auto devices = cuda::list_devices(why_none);
    return static_cast<int>(devices.size());
}

std::unique_ptr<Backend> make_cuda_backend(int device) { return std::make_unique<CudaBackend>(device); }

void cuda_normals(Backend& backend, float* out, int64_t count, ZoNoise noise, uint64_t index0) {
    auto* cb = dynamic_cast<CudaBackend*>(&backend);
    if (!cb) throw std::invalid_argument("cuda_normals: backend \"" + backend.name() + "\" is not a CUDA backend");
    cb->normals(out, count, noise, index0);
}

std::string cuda_profile_report(Backend& backend, bool reset) {
    auto* cb = dynamic_cast<CudaBackend*>(&backend);
    return cb ? cb->profile_report(reset) : std::string();
}

int64_t cuda_graph_launches(Backend& backend) {
    auto* cb = dynamic_cast<CudaBackend*>(&backend);
    return cb ? cb->graph_launches() : 0;
}

bool cuda_memory_info(Backend& backend, size_t& free_bytes, size_t& total_bytes) {
    auto* cb = dynamic_cast<CudaBackend*>(&backend);
    if (!cb) return false;
    cb->memory_info(free_bytes, total_bytes);
    return true;
}

#endif

}  // namespace qt
