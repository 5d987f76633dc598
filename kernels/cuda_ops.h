#pragma once
// The CUDA kernels' plain C++ face: no CUDA types, so the engine's CUDA backend
// (engine/backend/cuda_backend.cpp) can call it without CUDA headers. Every
// pointer named *_dev is device memory; every call is queued on the context's
// stream in order, and only copy_to_host and synchronize wait for it.
// Errors throw std::runtime_error naming the operation and the CUDA error;
// an allocation that does not fit throws DeviceOutOfMemory.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace qt::cuda {

class DeviceOutOfMemory : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Weight formats the kernels read (the ggml type numbers, so the engine can cast).
enum class WeightFormat : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    BF16 = 30,
};
bool format_supported(uint32_t ggml_type);
// Weights per block (32 or 256) and bytes per block of a supported format.
int format_block_size(WeightFormat f);
size_t format_block_bytes(WeightFormat f);

// Which devices exist: list_devices() in cuda_device.h.
struct Context;  // one device, one stream
Context* create_context(int device);
void destroy_context(Context* ctx);
// "NVIDIA H100 80GB HBM3 (sm_90, 79.1 GiB)"
std::string device_description(const Context* ctx);

// `what` names the purpose in the out-of-memory message ("Weights", "KvCache" ...).
void* malloc_device(Context* ctx, size_t bytes, const char* what);
void free_device(Context* ctx, void* p);
void copy_to_device(Context* ctx, void* dst_dev, const void* src_host, size_t bytes);
void copy_to_host(Context* ctx, void* dst_host, const void* src_dev, size_t bytes);
void synchronize(Context* ctx);

// Bytes of scratch the activation quantization for matmul needs: n rows of `cols`.
size_t matmul_scratch_bytes(WeightFormat f, int64_t cols, int n);
// Bytes of scratch matmul needs for a rows x cols weight and n tokens: from
// QT_CUDA_GEMM_MIN_TOKENS (default 128) tokens up, a quantized weight is
// dequantized to a bf16 scratch and multiplied on the tensor cores (cuBLAS,
// bf16 inputs, float32 accumulation: a rounding of its own, not the CPU's).
size_t matmul_scratch_bytes(WeightFormat f, int64_t rows, int64_t cols, int n);
// The first half of matmul: x quantized row by row into `scratch_dev` in the
// format that pairs with f (nothing for F32/F16/BF16), bit-exact with the CPU's
// quantize_row_for_dot.
void quantize_activations(Context* ctx, WeightFormat f, const float* x_dev, int64_t cols, int n, void* scratch_dev);
// y[t][r] = sum_c W[r][c] x[t][c]. For the quantized formats x is first quantized
// per row into `scratch_dev` exactly as the CPU backend does (Q8_0, Q8_1 or Q8_K),
// so both backends compute the same integer dots; from the GEMM threshold up
// (matmul_scratch_bytes above) the tensor-core path runs instead.
// `scratch_dev` holds matmul_scratch_bytes(f, rows, cols, n).   x: [n][cols]; y: [n][rows]
// Tensor-core path only (uses_gemm_path): reuse_x takes the bf16 copy of x that the
// previous call of the same n and cols (or swiglu_bf16) left at the start of the
// same scratch (several weights on one input); accumulate adds W x to y (beta = 1).
// Where the block scales d come from (QZO). The CUDA backend defers its scale
// writes: a weight it loaded has one ScaleSlot in device memory, and the
// dequantization reads the slot when it runs (so a recorded graph stays valid
// while the slot changes). master_dev null: d as stored in the blocks; else
// block b's d is fp16(master[b] + alpha * z_b), z_b = philox_normal(seed, step,
// index0 + b), the value zo_write_scales would have written (alpha == 0:
// fp16(master[b])), and the d bytes in the blocks are ignored. Only for the
// 32-weight formats with d first (d_field_fusable).
struct ScaleSlot {
    const float* master_dev = nullptr;
    float alpha = 0.0f;
    uint32_t unused = 0;
    uint64_t seed = 0, step = 0, index0 = 0;
};
bool d_field_fusable(WeightFormat f);
// A sparse matrix S (rows x cols of the weight, CSR, cols ascending in a row) that
// the tensor-core path adds to each bf16 tile right after dequantizing it, so the
// product is (W + S) x with no dense copy of S (sparse ZO). O(nnz) a product. S
// enters at the tile's precision: each touched weight becomes bf16(float(w) + s),
// entries of one column summed first. All device memory; values null: no S.
struct SparseTileAddend {
    const int32_t* row_start_dev = nullptr;  // [rows + 1]
    const int32_t* col_dev = nullptr;        // [nnz]
    const float* values_dev = nullptr;       // [nnz]
};
// reuse_w: the scratch still holds this weight's bf16 copy, made by an earlier call
// with the same weight (and scale slot, unchanged since), the same n and cols, when the weight
// fits one tile (gemm_single_tile): the dequantization is skipped. The caller
// vouches that nothing has written the scratch or changed the weight since.
// Not with a sparse addend (the copy would have to carry the same S).
struct MatmulOptions {
    bool reuse_x = false;
    bool accumulate = false;
    const ScaleSlot* d_slot_dev = nullptr;  // tensor-core path only; nullptr: d as stored
    bool reuse_w = false;
    // The product is written as bf16 (rows of `rows` values from y's address on,
    // in the first half of y's float buffer): for consumers that round it anyway.
    // Not with accumulate.
    bool out_bf16 = false;
    // Tensor-core path only (uses_gemm_path); the caller routes other products elsewhere.
    SparseTileAddend sparse = {};
};
// True when the tensor-core path dequantizes a rows x cols weight in one piece.
bool gemm_single_tile(int64_t rows, int64_t cols);
void matmul(Context* ctx, WeightFormat f, const void* w_dev, size_t row_bytes, int64_t rows, int64_t cols,
            const float* x_dev, float* y_dev, int n, void* scratch_dev, MatmulOptions options = {});
// Several weights of one format and shape on the same bf16 x (q's neighbours k
// and v; gate and up), as one strided-batched GEMM: y_i = W_i x, weight i's
// scales from slots[i] (null: as stored). x as for matmul with reuse_x (the
// scratch already holds it). For when gemm_group_fits; the scratch then holds
// gemm_group_scratch_bytes. ys[i] must lie at equal distances, in either order.
// out_bf16 as in MatmulOptions.
bool gemm_group_fits(int count, int64_t rows, int64_t cols);
size_t gemm_group_scratch_bytes(int count, int64_t rows, int64_t cols, int n);
void matmul_group(Context* ctx, WeightFormat f, const void* const* w_dev, const ScaleSlot* const* slots_dev, int count,
                  size_t row_bytes, int64_t rows, int64_t cols, float* const* y_dev, int n, void* scratch_dev,
                  bool out_bf16 = false);
// True when matmul of n tokens with a weight of format f takes the tensor-core path.
bool uses_gemm_path(WeightFormat f, int n);
// out[t] = dequantized row tokens[t] of the table.     out: [n][cols]
void embed(Context* ctx, WeightFormat f, const void* table_dev, size_t row_bytes, int64_t cols,
           const int32_t* tokens_dev, int n, float* out_dev);
// out = x / sqrt(mean(x^2) + eps) * w per row.         x, out: [n][dim]
void rmsnorm(Context* ctx, const float* x_dev, const float* w_dev, float* out_dev, int n, int dim, float eps);
// The same values rounded to bf16 (what the tensor-core matmul would make of them).
void rmsnorm_bf16(Context* ctx, const float* x_dev, const float* w_dev, void* out_bf16_dev, int n, int dim, float eps);
// Adjacent-pair rotation of the first n_rot dims of each head, theta_i =
// pos * theta_scale^i advanced by repeated multiplication, in two parts:
// rope_table writes cos/sin of every (token, pair) ([n][n_rot / 2] float pairs
// into `table_dev`), rope_from_table rotates x ([n][n_heads * head_dim]) with
// them; q and k of every layer share one table.
void rope_table(Context* ctx, const int32_t* positions_dev, int n, int n_rot, float theta_scale, void* table_dev);
void rope_from_table(Context* ctx, float* x_dev, const void* table_dev, int n, int n_heads, int head_dim, int n_rot);
// k, v [n][kv_width] rounded to fp16 into the caches at `offset` elements.
void kv_store(Context* ctx, uint16_t* k_cache_dev, uint16_t* v_cache_dev, size_t offset, const float* k_dev,
              const float* v_dev, int64_t count);
// Causal grouped-query attention, online softmax, no score matrix in memory.
// k/v caches point at the layer's first row; query t sees keys 0..pos0+t.
// head_dim must be a multiple of 32, at most 256.
void attention(Context* ctx, const float* q_dev, const uint16_t* k_cache_dev, const uint16_t* v_cache_dev,
               int kv_width, int pos0, int n, int n_heads, int n_kv_heads, int head_dim, float* out_dev);
// Causal attention inside each of n_seqs sequences of seq_len queries stored back
// to back, keys and values read from float activations k, v
// ([n_seqs * seq_len][n_kv_heads * head_dim]) and rounded to fp16 on the way in,
// as kv_store would: tensor-core tiles (attention_tiled.cu). Returns false,
// doing nothing, for a head size or device it has no kernel for.
bool attention_batch_tiled(Context* ctx, const float* q_dev, const float* k_dev, const float* v_dev, int n_seqs,
                           int seq_len, int n_heads, int n_kv_heads, int head_dim, float* out_dev);
// The same after rope_from_table(q), rope_from_table(k) with `rope_table_dev`
// (rope_table of all n_seqs * seq_len tokens, row i for token i), bit for bit,
// the rotation applied as q and k are read: q and k are left unrotated. Also
// false, doing nothing, when n_rot is not a multiple of 4. With out_bf16_dev the
// output is written there as bf16 (rounded from the same floats) and out_dev is untouched.
bool attention_batch_tiled_rope(Context* ctx, const float* q_dev, const float* k_dev, const float* v_dev,
                                const void* rope_table_dev, int n_rot, int n_seqs, int seq_len, int n_heads,
                                int n_kv_heads, int head_dim, float* out_dev, void* out_bf16_dev = nullptr);
// out = silu(gate) * up.
void swiglu(Context* ctx, const float* gate_dev, const float* up_dev, float* out_dev, int64_t count);
// The same values rounded to bf16 (what the tensor-core matmul would make of them), count even.
void swiglu_bf16(Context* ctx, const float* gate_dev, const float* up_dev, void* out_bf16_dev, int64_t count);
// The same from bf16 gate and up (matmul's out_bf16 outputs); count a multiple
// of 8 and all three on 16-byte boundaries.
void swiglu_bf16_from_bf16(Context* ctx, const void* gate_bf16_dev, const void* up_bf16_dev, void* out_bf16_dev,
                           int64_t count);
// out[i] = x[rows[i]], rows of `width` floats.              rows: [n_rows]; out: [n_rows][width]
void gather_rows(Context* ctx, const float* x_dev, const int32_t* rows_dev, int n_rows, int width, float* out_dev);
// x += y.
void add_inplace(Context* ctx, float* x_dev, const float* y_dev, int64_t count);
// y[t] = W x[t] for a float32 weight, through cuBLAS SGEMM in float32.   W: [rows][cols]
void matmul_f32(Context* ctx, const float* w_dev, int64_t rows, int64_t cols, const float* x_dev, float* y_dev, int n);

// Zeroth-order training (zo_update.cu), each one pass over its values with
// z_i = philox_normal(seed, step, index0 + i) regenerated on the device, and
// float arithmetic rounded as the CPU's (engine/backend/backend.h states it).
// The trained fp16 field of block b lies at blocks + b * block_bytes + field_offset.
// field_b = fp16(master[b] + alpha * z_b); alpha == 0 writes fp16(master[b]).
void zo_write_scales(Context* ctx, void* blocks_dev, size_t block_bytes, size_t field_offset, int64_t count,
                     const float* master_dev, float alpha, uint64_t seed, uint64_t step, uint64_t index0);
// master[i] = master[i] - coeff * z_i (kept from crossing zero when keep_sign).
void zo_update_masters(Context* ctx, float* master_dev, int64_t count, float coeff, bool keep_sign, uint64_t seed,
                       uint64_t step, uint64_t index0);
// x[i] += alpha * z_i.
void zo_add_noise(Context* ctx, float* x_dev, int64_t count, float alpha, uint64_t seed, uint64_t step,
                  uint64_t index0);
// out[i] = z_i, for tests against the host generator.
void philox_normals(Context* ctx, float* out_dev, int64_t count, uint64_t seed, uint64_t step, uint64_t index0);
// nll[r] = -log softmax(logits[r])[targets[r]] in double, 0 where targets[r] < 0
// (targets below vocab).                       logits: [n][vocab]; targets, nll: [n]
void cross_entropy_rows(Context* ctx, const float* logits_dev, int vocab, const int32_t* targets_dev, int n,
                        double* nll_dev);
// ---- First-order training (engine/backend/backend.h states each op; the host
// reference is engine/cpu/train_ops.h). float32 throughout, row-major.
// Lets the float32 products below (gemm_f32, matmul_float, matmul_backward_input,
// matmul_f32) run on TF32 tensor cores (on) or keeps them plain float32 (off, the
// default; MeZO needs it): first-order training's choice (Backend::set_tf32_products).
void set_tf32_products(Context* ctx, bool on);
// C = alpha op(A) op(B) + beta C through cuBLAS SGEMM in float32 (no TF32 unless set_tf32_products).
// op(A): [m][k], op(B): [k][n], C: [m][n]; A stored [k][m] when trans_a, B [n][k] when trans_b.
void gemm_f32(Context* ctx, bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a_dev,
              const float* b_dev, float beta, float* c_dev);
// Products with a rows x cols weight of any supported format in float32, read
// from its blocks a tile of rows at a time: each tile is dequantized to float32
// (the same floats as the CPU's dequantize_row) into `scratch_dev` and
// multiplied by SGEMM in float32 (no TF32), so the only difference from the CPU
// is summation order. F32 weights take one SGEMM and no scratch.
// scratch_dev: float_tile_scratch_bytes(f, rows, cols).
size_t float_tile_scratch_bytes(WeightFormat f, int64_t rows, int64_t cols);
// y = W x (the training forward).                  x: [n][cols]; y: [n][rows]
void matmul_float(Context* ctx, WeightFormat f, const void* w_dev, size_t row_bytes, int64_t rows, int64_t cols,
                  const float* x_dev, float* y_dev, int n, void* scratch_dev);
// dx (+)= dy W (its input gradient).               dy: [n][rows]; dx: [n][cols]
void matmul_backward_input(Context* ctx, WeightFormat f, const void* w_dev, size_t row_bytes, int64_t rows,
                           int64_t cols, const float* dy_dev, float* dx_dev, int n, bool accumulate,
                           void* scratch_dev);
// RMSNorm's backward: dx += r w dy - x r^3 / dim * sum(dy w x) per row (r = 1 /
// sqrt(mean(x^2) + eps), the sums in double); with dw_dev, dw += sum over rows
// of dy x r, the rows added in order. row_r_dev: [n] floats of scratch (dw only).
void rmsnorm_backward(Context* ctx, const float* x_dev, const float* w_dev, const float* dy_dev, float* dx_dev,
                      float* dw_dev, int n, int dim, float eps, float* row_r_dev);
// Causal grouped-query attention inside each of n_seqs sequences of seq_len
// tokens, float32 q, k, v (FlashAttention-2's forward, Dao 2023, Alg. 1, in
// float32 on the CUDA cores): out, and lse ([n][n_heads]) = log-sum-exp of each
// query's scaled scores. Returns false, doing nothing, where it has no kernel:
// head_dim not a multiple of 32 up to 128, or too little shared memory per block
// (the backward takes 170 KiB for head_dim 128, 107 KiB for 64).
bool attention_train(Context* ctx, const float* q_dev, const float* k_dev, const float* v_dev, int n_seqs,
                     int seq_len, int n_heads, int n_kv_heads, int head_dim, float* out_dev, float* lse_dev);
// Its backward (FlashAttention-2, Alg. 2): P recomputed tile by tile from q, k
// and lse, never a [T][T] matrix in memory; D_i = dout_i . out_i into
// delta_dev ([n][n_heads] floats of scratch). dk, dv by one kernel over key
// tiles (the heads of a group summed there), dq by one over query tiles: no
// atomics, the same result every run. dq, dk, dv are overwritten. False, doing
// nothing, as attention_train.
bool attention_backward(Context* ctx, const float* q_dev, const float* k_dev, const float* v_dev,
                        const float* out_dev, const float* lse_dev, const float* dout_dev, float* dq_dev,
                        float* dk_dev, float* dv_dev, int n_seqs, int seq_len, int n_heads, int n_kv_heads,
                        int head_dim, float* delta_dev);
// SwiGLU's backward: dgate = dout u s (1 + g (1 - s)), dup = dout g s, s = sigmoid(g).
void swiglu_backward(Context* ctx, const float* gate_dev, const float* up_dev, const float* dout_dev,
                     float* dgate_dev, float* dup_dev, int64_t count);
// Cross-entropy fused with its gradient, one block per row reading it twice:
// nll[r] = lse(row) - row[target] in double (0 where the target is negative) and
// the row overwritten by scale * (softmax - onehot(target)) (zeros where the
// target is negative). A target >= vocab gives nll NaN and a zero row (nothing
// outside the row is read). logits: [n][vocab]; targets, nll: [n]
void cross_entropy_backward(Context* ctx, float* logits_dev, int vocab, const int32_t* targets_dev, int n,
                            double scale, double* nll_dev);
// dtable[token u] += dy[t] for every t whose token is u, in the order of t (the
// CPU's order, bit for bit), one thread block per distinct token: plan_dev holds
// [n_unique] token ids, [n_unique + 1] offsets into the positions that follow,
// then the positions grouped by token, each group in increasing order.
void embedding_backward(Context* ctx, const int32_t* plan_dev, int n_unique, const float* dy_dev, float* dtable_dev,
                        int dim);
// dst[rows[i]] += src[i], rows of `width` floats (atomic adds: rows may repeat;
// a row outside [0, dst_rows) is skipped, as nothing may be written there).
void scatter_add_rows(Context* ctx, const float* src_dev, const int32_t* rows_dev, int n_rows, int width,
                      float* dst_dev, int dst_rows);
// One AdamW step (engine/cpu/adamw_step.h) with the float constants the CPU
// derives from the step's settings: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g g;
// p = p decay - step m / (sqrt(v) rbc2 + eps), each operation rounded in that order.
struct AdamWConstants {
    float decay, step, b1, b2, rbc2, eps;
};
void adamw_update(Context* ctx, float* p_dev, const float* g_dev, float* m_dev, float* v_dev, int64_t count,
                  const AdamWConstants& c);
// sum x_i^2 in double (a fixed order: the same result every run); waits for it.
// scratch_dev: sum_squares_scratch_bytes().
size_t sum_squares_scratch_bytes();
double sum_squares(Context* ctx, const float* x_dev, int64_t count, void* scratch_dev);
// x *= s.
void scale(Context* ctx, float* x_dev, int64_t count, float s);
// bytes of zeros (cudaMemsetAsync).
void fill_zero(Context* ctx, void* p_dev, size_t bytes);
// ---- Q-GaLore (galore_ops.cu; engine/backend/backend.h states each op). The
// kernels call the host's per-value formulas (engine/cpu/group_quant.h,
// adam8bit_step.h), so codes, scales and zeros are the CPU's bit for bit.
// A flat tensor of `count` values in groups of `group` (the last may be short),
// codes one a byte (8 bits) or two a byte, the even index low (4 bits, group even).
// out[i] = (code i - zero) * scale of its group.
void dequantize_groups(Context* ctx, const uint8_t* codes_dev, const float* scales_dev, const float* zeros_dev,
                       int64_t count, int group, int bits, float* out_dev);
// Each group's scale and zero from its min and max, one thread block a group; codes
// rounded to nearest, or up with probability frac when `stochastic`, the uniform of
// value i philox_uniform(seed, stream, i).
void quantize_groups(Context* ctx, const float* x_dev, int64_t count, int group, int bits, uint8_t* codes_dev,
                     float* scales_dev, float* zeros_dev, bool stochastic, uint64_t seed, uint64_t stream);
// One Adam step with block-wise 8-bit moments, one thread block per block of
// kAdam8bitBlock (256) values. maps_dev: the signed then the unsigned dynamic map
// (make_dynamic_map(true), (false): 512 floats). The constants as the host derives
// them: step_size = lr sqrt(1 - b2^t) / (1 - b1^t), eps_hat = eps sqrt(1 - b2^t).
struct Adam8bitConstants {
    float beta1, beta2, lr, weight_decay, step_size, eps_hat;
};
void adam8bit_update(Context* ctx, float* p_dev, const float* g_dev, uint8_t* m_codes_dev, uint8_t* v_codes_dev,
                     float* m_absmax_dev, float* v_absmax_dev, int64_t count, const float* maps_dev,
                     const Adam8bitConstants& c);
// The rank leading singular vectors of g ([rows][cols], row-major), by cuSOLVER's
// gesvd: rows >= cols: out = V^T[0:rank] ([rank][cols]); else out = U[:, 0:rank]
// ([rows][rank]). A solver holds a cuSOLVER handle bound to the context's stream;
// destroy it before the context. scratch_dev: svd_scratch_bytes(solver, rows, cols)
// (4 (rows cols + min(rows, cols)^2) bytes and gesvd's workspace). Waits for the result; throws naming the
// shape when gesvd fails, std::invalid_argument on a rank outside 1..min(rows, cols).
struct SvdSolver;
SvdSolver* create_svd_solver(Context* ctx);
void destroy_svd_solver(SvdSolver* solver);
size_t svd_scratch_bytes(SvdSolver* solver, int rows, int cols);
void svd_top_vectors(Context* ctx, SvdSolver* solver, const float* g_dev, int rows, int cols, int rank,
                     float* out_dev, void* scratch_dev);
// ---- Sparse ZO (sparse_ops.cu; engine/backend/backend.h states each op). No
// atomics: the same result every run.
// y[t][r] += sum over j in [row_start[r], row_start[r+1]) of values[j] x[t][col[j]]
// (CSR of a rows x cols S, nnz entries, no dense copy made), each row's terms added
// in order into a float, then to y. x: [n][cols]; y: [n][rows]
void sparse_matmul_add(Context* ctx, const int32_t* row_start_dev, const int32_t* col_dev, const float* values_dev,
                       int64_t rows, int64_t cols, int64_t nnz, const float* x_dev, float* y_dev, int n);
// wb[r - r0][col[j]] = bf16(float(wb[r - r0][col[j]]) + values[j]) for the entries j
// of rows r0 .. r0 + m - 1 of s (entries of one column summed in float first): S
// added to a bf16 tile of rows of a weight ([m][cols], row-major), as matmul's
// tensor-core path does with MatmulOptions::sparse. No atomics: one lane a column.
void sparse_add_to_bf16_rows(Context* ctx, const SparseTileAddend& s, int64_t r0, int64_t m, int64_t cols,
                             void* wb_dev);
// acc[i] += g[i] g[i], as one fused multiply-add (the host loop's rounding).
void add_squares(Context* ctx, float* acc_dev, const float* g_dev, int64_t count);
// Per-operation GPU time when QT_CUDA_PROFILE=1 (op_profile.cu), else nothing:
// begin/end bracket one operation (they nest); the report lists milliseconds
// and calls per name, largest first, and optionally starts the sums afresh.
bool profile_enabled();
void profile_begin(Context* ctx, const char* name);
void profile_end(Context* ctx);
std::string profile_report(Context* ctx, bool reset);
// Recording the context's stream into a CUDA graph and replaying it. Between
// capture_begin and capture_end the queued work is recorded, not run; capture_end
// returns null (and the stream is usable again) when anything in between could
// not be recorded. graph_launch queues one replay on the stream.
struct Graph;
void capture_begin(Context* ctx);
Graph* capture_end(Context* ctx);
void graph_launch(Context* ctx, Graph* graph);
void graph_destroy(Graph* graph);
// Gives cuBLAS this device memory as its workspace (so it allocates none while a
// graph is recorded); it must stay allocated while the context lives.
void set_blas_workspace(Context* ctx, void* dev, size_t bytes);
size_t blas_workspace_bytes();
// Free and total bytes of the context's device (cudaMemGetInfo).
void device_memory(Context* ctx, size_t* free_bytes, size_t* total_bytes);

}  // namespace qt::cuda
