#pragma once
// The seam between the model and the hardware (after ggml's backend split):
// the model owns no arithmetic; it asks a Backend for buffers and for one
// readable operation per layer kind. The CPU and CUDA backends compute the same
// functions and are tested against each other. Activations are float32 in
// row-major [n_tokens][width] layout; pointers are the backend's own memory.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "cpu/adamw_step.h"
#include "memory/memory_ledger.h"
#include "quant/ggml_type.h"

namespace qt {

class Backend;

// Memory owned by a backend, counted in its ledger under one category.
class DeviceBuffer {
public:
    DeviceBuffer() = default;
    DeviceBuffer(Backend* owner, void* data, size_t bytes, MemoryCategory category, bool borrowed = false)
        : owner_(owner), data_(data), bytes_(bytes), category_(category), borrowed_(borrowed) {}
    DeviceBuffer(DeviceBuffer&& o) noexcept { *this = std::move(o); }
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept;
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    ~DeviceBuffer() { reset(); }

    void reset();
    void* data() const { return data_; }
    float* f32() const { return static_cast<float*>(data_); }
    size_t bytes() const { return bytes_; }
    MemoryCategory category() const { return category_; }

private:
    Backend* owner_ = nullptr;
    void* data_ = nullptr;
    size_t bytes_ = 0;
    MemoryCategory category_ = MemoryCategory::Activations;
    bool borrowed_ = false;  // memory owned elsewhere (a mapped file): counted, never freed here
};

// A weight matrix of `rows` x `cols` (cols contiguous, ggml ne0 = cols) in a ggml
// block type, resident on the backend. Quantized weights stay in their blocks.
struct WeightTensor {
    std::string name;
    GgmlType type = GgmlType::F32;
    int64_t cols = 0;
    int64_t rows = 0;
    size_t row_bytes = 0;
    const void* data = nullptr;  // backend memory (on the CPU it may point into the mapped file)
    DeviceBuffer storage;        // set when the backend holds its own copy
};

// A tensor of count values quantized in contiguous groups (cpu/group_quant.h), in
// backend memory: codes packed one a byte (8 bits) or two a byte (4 bits), and one
// float scale and zero point per group.
struct GroupQuantTensor {
    uint8_t* codes = nullptr;
    float* scales = nullptr;
    float* zeros = nullptr;
    int64_t count = 0;
    int group = 256;
    int bits = 8;  // 8 or 4
    int64_t groups() const { return (count + group - 1) / group; }
    size_t code_bytes() const { return static_cast<size_t>(bits == 8 ? count : (count + 1) / 2); }
};

// Where stochastic rounding's uniforms come from: u(seed, stream, index).
struct StochasticRounding {
    uint64_t seed = 0;
    uint64_t stream = 0;
};

// Adam's two moments as 8-bit dynamic-map codes with a float absolute maximum per
// block of kAdam8bitBlock (cpu/adam8bit_step.h) values, in backend memory.
struct Adam8bitState {
    uint8_t* m_codes = nullptr;
    uint8_t* v_codes = nullptr;
    float* m_absmax = nullptr;
    float* v_absmax = nullptr;
};

// Per-layer key and value cache: fp16, [n_ctx][n_kv_heads * head_dim] per layer.
struct KvCacheLayout {
    int n_layers = 0;
    int n_ctx = 0;
    int kv_width = 0;  // n_kv_heads * head_dim
};

// One fp16 field in every block of a quantized weight: the continuous values QZO
// trains (a block's scale d, or its min m / dmin; methods/quant_scale_fields.h
// says which field of which type). Block b's field lies at
// blocks + b * block_bytes + field_offset.
struct BlockFieldView {
    void* blocks = nullptr;  // backend memory, writable
    size_t block_bytes = 0;
    size_t field_offset = 0;
    int64_t count = 0;       // number of blocks
};

// The noise of one zeroth-order step: z_i = philox_normal(seed, step, i)
// (util/philox_normal.h), regenerated on the device from these two numbers.
struct ZoNoise {
    uint64_t seed = 0;
    uint64_t step = 0;
};

// A sparse matrix S of rows x cols in compressed rows, in backend memory: row r's
// entries are j in [row_start[r], row_start[r+1]), at column col[j] (ascending in
// a row); their values come separately (a method trains them in one flat vector).
struct SparseRows {
    int64_t rows = 0;
    int64_t cols = 0;
    int64_t nnz = 0;
    const int32_t* row_start = nullptr;  // [rows + 1]
    const int32_t* col = nullptr;        // [nnz]
};

// A sparse matrix added to a weight: W' = W + S, S's values in backend memory.
struct SparseAddend {
    SparseRows rows;
    const float* values = nullptr;  // [rows.nnz]
};

// Grouped-query attention's shape and score rule. Scores are s = scale * q.k
// (scale 0: 1/sqrt(head_dim)), then softcap * tanh(s / softcap) where softcap > 0
// (Gemma 2's attn_logit_softcapping); key j is visible from query i iff j <= i and,
// where window > 0, i - j < window (a sliding-window layer, masked as llama.cpp's
// LLAMA_SWA_TYPE_STANDARD masks). Non-causal (a diffusion transformer's image
// tokens, image/dit_model.h): every key of the sequence is visible, no window;
// only attention_batch, attention_train and attention_backward take it (a cache is causal).
struct AttentionShape {
    int n_heads = 0;
    int n_kv_heads = 0;
    int head_dim = 0;
    float scale = 0.0f;
    float softcap = 0.0f;
    int window = 0;
    bool causal = true;
    float score_scale() const;
    // Plain causal attention at 1/sqrt(head_dim): what every backend's kernels compute.
    bool plain() const { return causal && scale == 0.0f && softcap == 0.0f && window == 0; }
};

// How rope() rotates: ggml_rope_ext without YaRN. Pair i (0 <= i < n_rot / 2) of a
// head turns by freq_scale * (pos * freq_base^(-2i/n_rot)) / freq_factors[i], the
// angle advanced by repeated multiplication in float as ggml does. The pair is the
// adjacent dims (2i, 2i + 1) (llama.cpp's normal mode: LLaMA's q and k rows, which
// the converter permuted), or with neox (i, i + n_rot / 2) (GPT-NeoX mode: Qwen,
// Gemma, Phi-3).
struct RopeSpec {
    int n_rot = 0;
    float freq_base = 10000.0f;
    bool neox = false;
    float freq_scale = 1.0f;              // linear rope scaling: 1 / rope.scaling.factor
    const float* freq_factors = nullptr;  // [n_rot / 2] backend memory (Llama 3.1's rope_freqs.weight), or none
    // Normal mode, no scaling, no factors: what every backend's kernels compute.
    bool plain() const { return !neox && freq_scale == 1.0f && freq_factors == nullptr; }
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;
    MemoryLedger& ledger() { return ledger_; }

    // Memory.
    virtual DeviceBuffer alloc(size_t bytes, MemoryCategory category) = 0;
    virtual void free_raw(void* data, size_t bytes) = 0;
    virtual void upload(void* dst, const void* host_src, size_t bytes) = 0;
    virtual void download(void* host_dst, const void* src, size_t bytes) = 0;
    // Makes a weight usable by matmul/embed. `host_data` must stay valid while the
    // backend may reference it (the CPU backend keeps a pointer into the mapped file
    // unless `writable`). A writable weight is the backend's own copy, whose block
    // fields the zeroth-order ops below may write (QZO).
    virtual WeightTensor load_weight(const std::string& name, GgmlType type, int64_t cols, int64_t rows,
                                     const void* host_data, bool writable) = 0;

    // out[t] = table row tokens[t], dequantized.                      out: [n][table.cols]
    virtual void embed(const WeightTensor& table, std::span<const int32_t> tokens, float* out) = 0;
    // out = x / rms(x) * w over each row.                              x, out: [n][dim]; w: [dim]
    virtual void rmsnorm(const float* x, const float* w, float* out, int n, int dim, float eps) = 0;
    // y[t] = W x[t].                                                   x: [n][W.cols]; y: [n][W.rows]
    virtual void matmul(const WeightTensor& w, const float* x, float* y, int n) = 0;
    // y_i[t] = W_i x[t] for several weights on one input (q, k, v; gate, up): a
    // backend may prepare x once for all. The base class calls linear for each.
    virtual void matmul_shared_input(std::span<const WeightTensor* const> ws, const float* x,
                                     std::span<float* const> ys, int n);
    // y_i[t] = W_i rmsnorm(x[t]) * norm_w: a normalization followed by the weights
    // that read it (q, k, v; gate, up). The base class writes the normalized rows
    // into `xn` ([n][dim], backend memory) and calls matmul_shared_input; a backend
    // may leave xn alone.
    virtual void rmsnorm_matmul_shared_input(const float* x, const float* norm_w, float eps, int dim,
                                             std::span<const WeightTensor* const> ws, std::span<float* const> ys,
                                             int n, float* xn);
    // y[t] += W x[t] (the residual connection after a projection). `scratch`
    // ([n][W.rows], backend memory) is what the base class computes W x into
    // before adding; a backend may accumulate in place instead.
    virtual void matmul_add(const WeightTensor& w, const float* x, float* y, int n, float* scratch);
    // y[t] += W (silu(gate[t]) * up[t]): the feed-forward's down projection with its
    // residual. gate, up: [n][W.cols]; `scratch` as for matmul_add. The base class
    // writes the product into gate (which is therefore overwritten) and calls matmul_add.
    virtual void swiglu_matmul_add(float* gate, const float* up, const WeightTensor& w, float* y, int n,
                                   float* scratch);
    // x[t] += W_down (silu(W_gate n[t]) * W_up n[t]), n = rmsnorm(x) * norm_w: the
    // feed-forward block with its residual, one call so that a backend may keep
    // gate and up in its own form. gate, up ([n][W_gate.rows]) and xn ([n][dim])
    // are backend-memory scratch, unspecified afterwards. The base class runs
    // rmsnorm_matmul_shared_input and swiglu_matmul_add.
    virtual void feed_forward(float* x, const float* norm_w, float eps, int dim, const WeightTensor& w_gate,
                              const WeightTensor& w_up, const WeightTensor& w_down, int n, float* gate, float* up,
                              float* xn);
    // Rotates the pairs RopeSpec names in the first spec.n_rot dims of each head.
    // x: [n][n_heads * head_dim]; positions: [n]. The base class runs cpu/train_ops.h's
    // rope on the host.
    virtual void rope(float* x, std::span<const int32_t> positions, int n_heads, int head_dim,
                      const RopeSpec& spec);
    // Writes k, v ([n][kv_width]) into the layer's cache rows pos0 .. pos0+n-1.
    virtual void kv_store(void* k_cache, void* v_cache, const KvCacheLayout& layout, int layer, int pos0, int n,
                          const float* k, const float* v) = 0;
    // Causal grouped-query attention of n queries at positions pos0.. over cache rows 0..pos0+n-1.
    // q, out: [n][n_heads * head_dim]. The base class runs cpu/cached_attention.h on the host.
    virtual void attention(const float* q, const void* k_cache, const void* v_cache, const KvCacheLayout& layout,
                           int layer, int pos0, int n, const AttentionShape& shape, float* out);
    // Causal attention inside each of n_seqs sequences of seq_len tokens stored back
    // to back (training's batched forward). q, out: [n_seqs * seq_len][n_heads * head_dim];
    // k, v: [n_seqs * seq_len][n_kv_heads * head_dim], float activations that are
    // rounded to fp16 as kv_store rounds them, so the result is that of kv_store
    // + attention for each sequence, which is what the base class runs (through a
    // one-sequence scratch cache); a backend overrides it with one pass over all.
    virtual void attention_batch(const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                                 const AttentionShape& shape, float* out);
    // rope(q) and rope(k) with `positions` ([n_seqs * seq_len], token i of q and k
    // at positions[i]; `rope` as rope() states), then attention_batch:
    // one call, so that a backend may rotate q and k as its attention reads them.
    // Afterwards q and k each hold either their rotated values (the base class,
    // which runs the three calls) or their inputs unchanged (an override that
    // rotates on the way in); the caller must rely on neither.
    virtual void rope_attention_batch(float* q, float* k, const float* v, std::span<const int32_t> positions,
                                      const RopeSpec& rope, int n_seqs, int seq_len, const AttentionShape& shape,
                                      float* out);
    // rope_attention_batch into `att`, then matmul_add(wo, att, y, n_seqs * seq_len,
    // scratch): one call, so that a backend may hand the attention's output to the
    // projection in its own form (the CUDA backend: as the bf16 its tensor-core
    // product reads) and leave att unwritten; the caller must not read att after.
    virtual void rope_attention_matmul_add(float* q, float* k, const float* v, std::span<const int32_t> positions,
                                           const RopeSpec& rope, int n_seqs, int seq_len, const AttentionShape& shape,
                                           float* att, const WeightTensor& wo, float* y, float* scratch);
    // out = silu(gate) * up, elementwise over count values.
    virtual void swiglu(const float* gate, const float* up, float* out, int64_t count) = 0;
    // out = gelu(gate) * up with gelu's tanh approximation (ggml_gelu; Gemma's GeGLU).
    // The base class runs it on the host.
    virtual void geglu(const float* gate, const float* up, float* out, int64_t count);
    // x[t] += bias for each of n rows of `width` (the biases of Qwen2's q, k, v).
    // The base class runs it on the host.
    virtual void add_bias(float* x, const float* bias, int n, int width);
    // y = cap * tanh(x / cap) over count values (Gemma 2's final logit soft-capping);
    // y may be x. The base class runs it on the host.
    virtual void softcap(const float* x, float* y, int64_t count, float cap);
    // x += y over count values.
    virtual void add_inplace(float* x, const float* y, int64_t count) = 0;
    // out[i] = x[rows[i]] for i < n_rows, rows of `width` floats; rows ([n_rows],
    // each a row of x) in backend memory. The base class goes through the host.
    virtual void gather_rows(const float* x, const int32_t* rows, int n_rows, int width, float* out);
    // Sum over rows r of -log softmax(logits[r])[targets[r]], rows whose target is
    // negative skipped, the log-sum-exp in double. logits: [targets.size()][vocab]
    // in backend memory. The base class downloads them and sums on the host;
    // a backend overrides it so that no full-vocabulary row leaves the device.
    virtual double cross_entropy_sum(const float* logits, std::span<const int32_t> targets, int vocab);
    // The same per row, left on the backend: nll[r] = -log softmax(logits[r])[targets[r]]
    // in double for r < rows, 0 where the target is negative. targets ([rows], each
    // below vocab) and nll ([rows]) are backend memory. The base class computes them
    // on the host through download/upload.
    virtual void cross_entropy_rows(const float* logits, const int32_t* targets, int rows, int vocab, double* nll);

    // Tokens per forward from which sequences had better run side by side
    // (LlamaModel::forward_nll_batch, padded to one length) than one after another;
    // 0: one after another, as on the CPU, whose products gain nothing from more rows.
    virtual int preferred_batch_tokens() const { return 0; }

    // Runs ops(): operations the caller issues identically every time it passes
    // this key (the layers and head of a training forward): the same operations
    // on the same buffers with the same shapes, only the contents of backend
    // memory differing from one run to the next. A backend may record them once
    // and replay the record instead of calling ops() again (CUDA graphs), so
    // ops() must leave the host as it found it: no uploads, downloads or
    // allocations, nothing the caller reads afterwards but backend memory. The
    // base class calls ops().
    virtual void run_repeated(uint64_t /*key*/, const std::function<void()>& ops) { ops(); }

    // ---- Zeroth-order training (QZO and MeZO). All float arithmetic below is
    // float32 without fused multiply-add, in the order written, so that the CPU
    // and a GPU give bit-identical results; z_i is philox_normal(noise.seed,
    // noise.step, index0 + i). The base class runs these on the host through
    // download/upload (correct on any backend, slow); backends override them.

    // QZO perturbation: field_b = fp16(master[b] + alpha * z_b) for b in [0, f.count),
    // rounded to nearest even; alpha == 0 writes fp16(master[b]) (the restore).
    // master: [f.count] float32 in backend memory.
    virtual void zo_write_scales(const BlockFieldView& f, const float* master, float alpha, ZoNoise noise,
                                 uint64_t index0);
    // QZO update of the masters, over count values: v = master[i] - coeff * z_i;
    // when keep_sign, v is clamped so it does not cross zero (master[i] < 0:
    // v = min(v, 0); else v = max(v, 0)); master[i] = v. Masters of several views
    // that lie back to back with consecutive z indices take one call;
    // zo_write_scales(alpha = 0) on each view afterwards writes the updated fields.
    // Until then the fields of views over these masters are undefined (a backend
    // that defers field writes, as the CUDA one does, derives them from the
    // masters when they are read).
    virtual void zo_update_masters(float* master, int64_t count, float coeff, bool keep_sign, ZoNoise noise,
                                   uint64_t index0);
    // MeZO: x[i] += alpha * z_i for i in [0, count), x float32 in backend memory.
    virtual void zo_add_noise(float* x, int64_t count, float alpha, ZoNoise noise, uint64_t index0);
    // y[t] = W x[t] for a float32 weight (w.type == F32), as matmul; the base class calls matmul.
    virtual void matmul_f32(const WeightTensor& w, const float* x, float* y, int n) { matmul(w, x, y, n); }
    // y[t] = W x[t] for any weight: matmul_f32 for float32 ones (MeZO's copies), matmul otherwise.
    // The base implementations of the fused products above go through it.
    void linear(const WeightTensor& w, const float* x, float* y, int n) {
        if (w.type == GgmlType::F32) matmul_f32(w, x, y, n);
        else matmul(w, x, y, n);
    }

    // ---- First-order training (model/llama_backprop.h): the forward ops that keep
    // what the backward needs, and each op's backward, after llm.c. float32 in
    // backend memory, row-major. The base class runs cpu/train_ops.h on the host: in
    // place where host_memory() (the CPU), else through download/upload (correct on
    // any backend, slow); a GPU backend overrides them. "+=" accumulates, "=" overwrites.

    // Lets the float32 products of training (gemm_f32, matmul_float, matmul_backward_input)
    // run on TF32 tensor cores where the backend has them (10-bit mantissa, float32
    // range and accumulation); returns the previous setting. Off by default, and the
    // CPU has no such mode. LlamaBackprop turns it on for its passes when asked.
    virtual bool set_tf32_products(bool /*on*/) { return false; }
    // Whether backend memory is host memory that the CPU may address directly.
    virtual bool host_memory() const { return false; }
    // C = alpha op(A) op(B) + beta C; op(A): [m][k], op(B): [k][n], C: [m][n], each
    // stored contiguous (A as [k][m] when trans_a, B as [n][k] when trans_b).
    virtual void gemm_f32(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
                          const float* b, float beta, float* c);
    // y[t] = W x[t] in float32 from W's blocks dequantized a tile of rows at a time
    // (no activation quantization, unlike matmul): the training forward, whose
    // backward reads W the same way, so the gradient is that of the loss computed.
    virtual void matmul_float(const WeightTensor& w, const float* x, float* y, int n);
    // dx (+)= dy W: the input gradient of y = W x, read from W's own blocks a tile
    // of rows at a time, so no dequantized copy of W ever exists. dy: [n][W.rows]; dx: [n][W.cols]
    virtual void matmul_backward_input(const WeightTensor& w, const float* dy, float* dx, int n, bool accumulate);
    // Backward of rmsnorm(x) * w: dx += d/dx; dw += d/dw where dw is not null.   x, dy, dx: [n][dim]
    virtual void rmsnorm_backward(const float* x, const float* w, const float* dy, float* dx, float* dw, int n,
                                  int dim, float eps);
    // The transpose of rope() (its backward): rope at the negated positions, the
    // rotation by -theta. The base class calls rope, so every backend inverts its own.
    virtual void rope_backward(float* dx, std::span<const int32_t> positions, int n_heads, int head_dim,
                               const RopeSpec& spec);
    // Causal grouped-query attention inside each of n_seqs sequences of seq_len
    // tokens (as attention_batch, but k and v stay float32), writing each query's
    // log-sum-exp of scaled scores to lse ([n][n_heads]) for the backward.
    // q, out: [n][n_heads * head_dim]; k, v: [n][n_kv_heads * head_dim]
    virtual void attention_train(const float* q, const float* k, const float* v, int n_seqs, int seq_len,
                                 const AttentionShape& shape, float* out, float* lse);
    // Its backward from the saved lse, the scores recomputed (FlashAttention-2's
    // backward; no [T][T] matrix is kept): dq, dk, dv =.
    virtual void attention_backward(const float* q, const float* k, const float* v, const float* out,
                                    const float* lse, const float* dout, float* dq, float* dk, float* dv, int n_seqs,
                                    int seq_len, const AttentionShape& shape);
    // Backward of swiglu(): dgate, dup =.
    virtual void swiglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                                 int64_t count);
    // Backward of geglu(): dgate, dup =.
    virtual void geglu_backward(const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                                int64_t count);
    // Backward of softcap() from its input x: dy *= 1 - tanh(x / cap)^2.
    virtual void softcap_backward(const float* x, float* dy, int64_t count, float cap);

    // ---- Diffusion transformer ops (image/dit_model.h; Peebles & Xie 2023's adaLN).
    // n_seqs images of seq_len tokens of `width`; each image has one conditioning row,
    // shift/scale/gate row s at s * cond_stride (slices of one adaLN output). The
    // base class runs cpu/train_ops.h on the host.

    // y = silu(x) = x sigmoid(x) over count values; y may be x.
    virtual void silu(const float* x, float* y, int64_t count);
    // Backward of silu() from its input x: dx = dy silu'(x).
    virtual void silu_backward(const float* x, const float* dy, float* dx, int64_t count);
    // out[s][t] = x[s][t] * (1 + scale[s]) + shift[s] (adaLN's modulate).     x, out: [n_seqs * seq_len][width]
    virtual void modulate(const float* x, const float* shift, const float* scale, int cond_stride, float* out,
                          int n_seqs, int seq_len, int width);
    // Its backward: dx = dout (1 + scale); dshift[s] = sum_t dout; dscale[s] = sum_t dout x (all =).
    virtual void modulate_backward(const float* x, const float* scale, int cond_stride, const float* dout, float* dx,
                                   float* dshift, float* dscale, int n_seqs, int seq_len, int width);
    // x[s][t] += gate[s] * y[s][t] (DiT's gated residual).
    virtual void gated_add(float* x, const float* y, const float* gate, int cond_stride, int n_seqs, int seq_len,
                           int width);
    // Its backward from dL/dx (which passes on to x unchanged): dy = gate dx; dgate[s] = sum_t dx y (both =).
    virtual void gated_add_backward(const float* y, const float* gate, int cond_stride, const float* dx, float* dy,
                                    float* dgate, int n_seqs, int seq_len, int width);
    // Cross-entropy fused with its gradient: nll[r] = -log softmax(logits[r])[targets[r]]
    // (double; 0 where the target is negative) and logits[r] = scale * (softmax - onehot)
    // (0 where the target is negative). targets ([rows]) and nll ([rows]) in backend memory.
    virtual void cross_entropy_backward(float* logits, const int32_t* targets, int rows, int vocab, double scale,
                                        double* nll);
    // dtable[tokens[t]] += dy[t]: the embedding's backward into a float32 table [vocab][dim].
    virtual void embedding_backward(std::span<const int32_t> tokens, const float* dy, float* dtable, int vocab,
                                    int dim);
    // dst[rows[i]] += src[i] for i < n_rows (the backward of gather_rows), dst: [dst_rows][width];
    // rows in backend memory.
    virtual void scatter_add_rows(const float* src, const int32_t* rows, int n_rows, int width, float* dst,
                                  int dst_rows);
    // One AdamW step over count values (cpu/adamw_step.h).
    virtual void adamw_update(float* p, const float* g, float* m, float* v, int64_t count, const AdamWStep& s);
    // sum x_i^2 in double.
    virtual double sum_squares(const float* x, int64_t count);
    // x *= s.
    virtual void scale(float* x, int64_t count, float s);
    virtual void fill_zero(void* p, size_t bytes);

    // ---- Q-GaLore (methods/qgalore.h): group-quantized tensors, the gradient's SVD,
    // and Adam with 8-bit states. The base class runs them on the host (cpu/group_quant.h,
    // cpu/adam8bit_step.h, LAPACK); a GPU backend overrides them (cuSOLVER for the SVD).

    // out[i] = the value of code i, for all t.count values.
    virtual void dequantize_groups(const GroupQuantTensor& t, float* out);
    // t = x quantized: each group's scale and zero from its min and max, codes
    // rounded to nearest, or stochastically with u(seed, stream, i) (util/philox_normal.h)
    // when `rounding` is given.
    virtual void quantize_groups(const float* x, const GroupQuantTensor& t, const StochasticRounding* rounding);
    // The rank leading singular vectors of g ([rows][cols]) as GaLore projects with them:
    // rows >= cols: the right ones, out = V^T[0:rank] ([rank][cols]);
    // rows <  cols: the left ones,  out = U[:, 0:rank] ([rows][rank]). rank <= min(rows, cols).
    virtual void svd_top_vectors(const float* g, int rows, int cols, int rank, float* out);
    // One Adam step with block-wise 8-bit moments (cpu/adam8bit_step.h) over count values.
    virtual void adam8bit_update(float* p, const float* g, const Adam8bitState& state, int64_t count,
                                 const AdamWStep& s);

    // ---- Sparse ZO (methods/sparse_zo.h, methods/sensitivity.h). The base class runs
    // them on the host; a GPU backend overrides them.

    // y[t][r] += sum over j of row r: values[j] * x[t][col[j]], for t < n: the
    // sparse part of W = dequant(Q) + S, added after the dense product, with no dense
    // copy of S. Each row's terms are summed in order, then added to y.
    // x: [n][s.cols], y: [n][s.rows]; values: [s.nnz].
    virtual void sparse_matmul_add(const SparseRows& s, const float* values, const float* x, float* y, int n);
    // y[t] = (W + S) x[t] for t < n, with no dense copy of S. The base class: linear(),
    // then sparse_matmul_add(). A GPU backend may add S's entries to the bf16 tile its
    // tensor-core path dequantizes W into, at that tile's precision.
    virtual void linear_sparse(const WeightTensor& w, const SparseAddend& s, const float* x, float* y, int n);
    // acc[i] += g[i] * g[i] for i < count (squared gradients, the sensitivity's diagonal Fisher).
    virtual void add_squares(float* acc, const float* g, int64_t count);

protected:
    // Threads the base class's host loops may use (0: OpenMP's default).
    virtual int host_threads() const { return 0; }
    // Throws unless positions holds one entry per token of n_seqs >= 1 sequences of seq_len >= 1.
    static void check_batch_positions(std::span<const int32_t> positions, int n_seqs, int seq_len);
    // Throws for a non-causal shape with a window (a window is a causal idea).
    static void check_causal_window(const AttentionShape& s);

    MemoryLedger ledger_;
};

}  // namespace qt
