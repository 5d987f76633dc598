// First-order training's small operations, each one pass over its values and
// each the float arithmetic of engine/cpu/train_ops.h in the same order (products
// and sums rounded separately: __fmul_rn/__fadd_rn keep nvcc from fusing them):
// SwiGLU's backward, the embedding's and gather's backward, AdamW, the sum of
// squares (gradient clipping), scaling and zeroing.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

unsigned blocks_for(int64_t count, int threads = 256) { return static_cast<unsigned>((count + threads - 1) / threads); }

// dgate = ((dout u) s) (1 + g (1 - s)), dup = (dout g) s, s = 1 / (1 + exp(-g)).
__global__ void swiglu_backward_kernel(const float* __restrict__ gate, const float* __restrict__ up,
                                       const float* __restrict__ dout, float* __restrict__ dgate,
                                       float* __restrict__ dup, int64_t count) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= count) return;
    const float g = gate[i], d = dout[i];
    const float s = __fdiv_rn(1.0f, __fadd_rn(1.0f, expf(-g)));
    const float slope = __fadd_rn(1.0f, __fmul_rn(g, __fsub_rn(1.0f, s)));
    dgate[i] = __fmul_rn(__fmul_rn(__fmul_rn(d, up[i]), s), slope);
    dup[i] = __fmul_rn(__fmul_rn(d, g), s);
}

// Block (u, column chunk): dtable[token u] += the dy rows of u's positions, in order.
__global__ void embedding_backward_kernel(const int32_t* __restrict__ plan, int n_unique,
                                          const float* __restrict__ dy, float* __restrict__ dtable, int dim) {
    const int u = blockIdx.x;
    const int c = blockIdx.y * blockDim.x + threadIdx.x;
    if (c >= dim) return;
    const int32_t* offsets = plan + n_unique;
    const int32_t* positions = offsets + n_unique + 1;
    float* row = dtable + static_cast<size_t>(plan[u]) * dim;
    float acc = row[c];
    for (int p = offsets[u]; p < offsets[u + 1]; ++p)
        acc = __fadd_rn(acc, dy[static_cast<size_t>(positions[p]) * dim + c]);
    row[c] = acc;
}

__global__ void scatter_add_rows_kernel(const float* __restrict__ src, const int32_t* __restrict__ rows, int width,
                                        float* __restrict__ dst, int dst_rows) {
    const int r = rows[blockIdx.x];
    if (r < 0 || r >= dst_rows) return;
    const float* s = src + static_cast<size_t>(blockIdx.x) * width;
    float* d = dst + static_cast<size_t>(r) * width;
    for (int c = threadIdx.x; c < width; c += blockDim.x) atomicAdd(d + c, s[c]);
}

__global__ void adamw_kernel(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                             float* __restrict__ v, int64_t count, AdamWConstants k) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= count) return;
    const float gi = g[i];
    const float mi = __fadd_rn(__fmul_rn(k.b1, m[i]), __fmul_rn(__fsub_rn(1.0f, k.b1), gi));
    const float vi = __fadd_rn(__fmul_rn(k.b2, v[i]), __fmul_rn(__fmul_rn(__fsub_rn(1.0f, k.b2), gi), gi));
    const float denom = __fadd_rn(__fmul_rn(__fsqrt_rn(vi), k.rbc2), k.eps);
    p[i] = __fsub_rn(__fmul_rn(p[i], k.decay), __fdiv_rn(__fmul_rn(k.step, mi), denom));
    m[i] = mi;
    v[i] = vi;
}

// Sum of squares in two fixed-order steps: kReduceBlocks partial sums (each
// thread strided, then the block's threads in a fixed tree), then one block adds
// the partials. The same grid every call, so the same result every run.
constexpr int kReduceBlocks = 264;  // 2 per SM of an H100
constexpr int kReduceThreads = 256;

__device__ double block_sum(double s, double* shared) {
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = s;
    __syncthreads();
    double total = 0;
    if (threadIdx.x == 0)
        for (int w = 0; w < kReduceThreads / 32; ++w) total += shared[w];
    return total;  // thread 0
}

__global__ void __launch_bounds__(kReduceThreads) sum_squares_kernel(const float* __restrict__ x, int64_t count,
                                                                     double* __restrict__ partial) {
    __shared__ double shared[kReduceThreads / 32];
    double s = 0;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * kReduceThreads + threadIdx.x; i < count;
         i += static_cast<int64_t>(kReduceBlocks) * kReduceThreads)
        s += static_cast<double>(x[i]) * x[i];
    const double total = block_sum(s, shared);
    if (threadIdx.x == 0) partial[blockIdx.x] = total;
}

__global__ void __launch_bounds__(kReduceThreads) sum_partials_kernel(const double* __restrict__ partial,
                                                                      double* __restrict__ out) {
    __shared__ double shared[kReduceThreads / 32];
    double s = 0;
    for (int i = threadIdx.x; i < kReduceBlocks; i += kReduceThreads) s += partial[i];
    const double total = block_sum(s, shared);
    if (threadIdx.x == 0) *out = total;
}

__global__ void scale_kernel(float* __restrict__ x, int64_t count, float s) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) x[i] = __fmul_rn(x[i], s);
}

}  // namespace

void swiglu_backward(Context* ctx, const float* gate, const float* up, const float* dout, float* dgate, float* dup,
                     int64_t count) {
    if (count <= 0) return;
    swiglu_backward_kernel<<<blocks_for(count), 256, 0, ctx->stream>>>(gate, up, dout, dgate, dup, count);
    QT_CUDA_CHECK_LAUNCH("swiglu_backward_kernel");
}

void embedding_backward(Context* ctx, const int32_t* plan, int n_unique, const float* dy, float* dtable, int dim) {
    if (n_unique <= 0 || dim <= 0) return;
    const dim3 grid(static_cast<unsigned>(n_unique), blocks_for(dim, 128));
    embedding_backward_kernel<<<grid, 128, 0, ctx->stream>>>(plan, n_unique, dy, dtable, dim);
    QT_CUDA_CHECK_LAUNCH("embedding_backward_kernel");
}

void scatter_add_rows(Context* ctx, const float* src, const int32_t* rows, int n_rows, int width, float* dst,
                      int dst_rows) {
    if (n_rows <= 0 || width <= 0) return;
    scatter_add_rows_kernel<<<static_cast<unsigned>(n_rows), 256, 0, ctx->stream>>>(src, rows, width, dst, dst_rows);
    QT_CUDA_CHECK_LAUNCH("scatter_add_rows_kernel");
}

void adamw_update(Context* ctx, float* p, const float* g, float* m, float* v, int64_t count, const AdamWConstants& c) {
    if (count <= 0) return;
    adamw_kernel<<<blocks_for(count), 256, 0, ctx->stream>>>(p, g, m, v, count, c);
    QT_CUDA_CHECK_LAUNCH("adamw_kernel");
}

size_t sum_squares_scratch_bytes() { return (kReduceBlocks + 1) * sizeof(double); }

double sum_squares(Context* ctx, const float* x, int64_t count, void* scratch) {
    if (count <= 0) return 0.0;
    auto* partial = static_cast<double*>(scratch);
    sum_squares_kernel<<<kReduceBlocks, kReduceThreads, 0, ctx->stream>>>(x, count, partial);
    QT_CUDA_CHECK_LAUNCH("sum_squares_kernel");
    sum_partials_kernel<<<1, kReduceThreads, 0, ctx->stream>>>(partial, partial + kReduceBlocks);
    QT_CUDA_CHECK_LAUNCH("sum_partials_kernel");
    double result = 0;
    copy_to_host(ctx, &result, partial + kReduceBlocks, sizeof(double));
    return result;
}

void scale(Context* ctx, float* x, int64_t count, float s) {
    if (count <= 0) return;
    scale_kernel<<<blocks_for(count), 256, 0, ctx->stream>>>(x, count, s);
    QT_CUDA_CHECK_LAUNCH("scale_kernel");
}

void fill_zero(Context* ctx, void* p, size_t bytes) {
    if (bytes == 0) return;
    QT_CUDA_CHECK(cudaMemsetAsync(p, 0, bytes, ctx->stream));
}

}  // namespace qt::cuda
