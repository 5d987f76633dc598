// RMSNorm and rotary position embedding, mirroring the CPU backend's arithmetic
// (double accumulation of the squares; theta advanced by repeated multiplication),
// and RMSNorm's backward. Rope's backward is rope at the negated positions: theta
// = -pos advanced by the same multiplications is exactly the forward's -theta,
// and cos(-t) = cos t, sin(-t) = -sin t: the table holds the inverse rotation.
#include <cuda_bf16.h>

#include <stdexcept>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

// Rows of up to kWarpRowMaxDim floats take one warp each, 8 rows per block: a
// row of a small model (576 floats) is too short to keep a block of 256 threads
// busy, and a block-wide sum costs a barrier (H100, QT_CUDA_PROFILE, SmolLM2's
// QZO step of 16 x 256 tokens: norms 2.1 ms with a block per row, 1.2 ms with a
// warp). Longer rows keep a block each: a warp alone walking 4096 floats made
// the 7B step's norms 5.2 -> 8.0 ms.
constexpr int kNormRowsPerBlock = 8;
constexpr int kWarpRowMaxDim = 1024;
constexpr int kNormThreads = 256;

__device__ inline void store4(float* o, float4 v) { *reinterpret_cast<float4*>(o) = v; }
__device__ inline void store4(__nv_bfloat16* o, float4 v) {
    const __nv_bfloat162 pair[2] = {__floats2bfloat162_rn(v.x, v.y), __floats2bfloat162_rn(v.z, v.w)};
    *reinterpret_cast<uint2*>(o) = *reinterpret_cast<const uint2*>(pair);
}
__device__ inline void store_value(float* o, int i, float v) { o[i] = v; }
__device__ inline void store_value(__nv_bfloat16* o, int i, float v) { o[i] = __float2bfloat16_rn(v); }

// Out float, or bf16 (the float result rounded) for a tensor-core product.
// vec: dim % 4 == 0 and x, w, out aligned for 16-byte loads and 16/8-byte stores.
template <typename Out>
__global__ void rmsnorm_kernel(const float* __restrict__ x, const float* __restrict__ w, Out* __restrict__ out,
                               int n, int dim, float eps, bool vec) {
    const int row = blockIdx.x * kNormRowsPerBlock + threadIdx.x / 32, lane = threadIdx.x % 32;
    if (row >= n) return;
    const float* xr = x + static_cast<size_t>(row) * dim;
    Out* o = out + static_cast<size_t>(row) * dim;
    double sum = 0;  // squares of floats are exact in double; the sum as on the CPU up to its order
    if (vec) {
        for (int i = 4 * lane; i < dim; i += 128) {
            const float4 v = *reinterpret_cast<const float4*>(xr + i);
            sum += static_cast<double>(v.x) * v.x + static_cast<double>(v.y) * v.y +
                   static_cast<double>(v.z) * v.z + static_cast<double>(v.w) * v.w;
        }
    } else {
        for (int i = lane; i < dim; i += 32) sum += static_cast<double>(xr[i]) * xr[i];
    }
    for (int off = 16; off > 0; off >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, off);
    const float mean = static_cast<float>(sum / dim);
    const float scale = 1.0f / sqrtf(mean + eps);
    if (vec) {
        for (int i = 4 * lane; i < dim; i += 128) {
            const float4 v = *reinterpret_cast<const float4*>(xr + i), g = *reinterpret_cast<const float4*>(w + i);
            store4(o + i, make_float4(__fmul_rn(__fmul_rn(v.x, scale), g.x), __fmul_rn(__fmul_rn(v.y, scale), g.y),
                                      __fmul_rn(__fmul_rn(v.z, scale), g.z), __fmul_rn(__fmul_rn(v.w, scale), g.w)));
        }
    } else {
        for (int i = lane; i < dim; i += 32) store_value(o, i, __fmul_rn(__fmul_rn(xr[i], scale), w[i]));
    }
}

// A block per row (long rows): strided partial sums, then the warps', then the block's.
template <typename Out>
__global__ void rmsnorm_block_kernel(const float* __restrict__ x, const float* __restrict__ w, Out* __restrict__ out,
                                     int dim, float eps) {
    const float* xr = x + static_cast<size_t>(blockIdx.x) * dim;
    Out* o = out + static_cast<size_t>(blockIdx.x) * dim;
    double sum = 0;
    for (int i = threadIdx.x; i < dim; i += kNormThreads) sum += static_cast<double>(xr[i]) * xr[i];
    for (int off = 16; off > 0; off >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, off);
    __shared__ double partial[kNormThreads / 32];
    if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = sum;
    __syncthreads();
    double total = 0;
    for (int i = 0; i < kNormThreads / 32; ++i) total += partial[i];
    const float mean = static_cast<float>(total / dim);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int i = threadIdx.x; i < dim; i += kNormThreads) store_value(o, i, __fmul_rn(__fmul_rn(xr[i], scale), w[i]));
}

template <typename Out>
void launch_rmsnorm(Context* ctx, const float* x, const float* w, Out* out, int n, int dim, float eps) {
    if (dim > kWarpRowMaxDim) {
        rmsnorm_block_kernel<Out><<<n, kNormThreads, 0, ctx->stream>>>(x, w, out, dim, eps);
        QT_CUDA_CHECK_LAUNCH("rmsnorm_block_kernel");
        return;
    }
    const auto aligned = [](const void* p, uintptr_t to) { return reinterpret_cast<uintptr_t>(p) % to == 0; };
    const bool vec = dim % 4 == 0 && aligned(x, 16) && aligned(w, 16) && aligned(out, 4 * sizeof(Out));
    const int blocks = (n + kNormRowsPerBlock - 1) / kNormRowsPerBlock;
    rmsnorm_kernel<Out><<<blocks, 32 * kNormRowsPerBlock, 0, ctx->stream>>>(x, w, out, n, dim, eps, vec);
    QT_CUDA_CHECK_LAUNCH("rmsnorm_kernel");
}

// Rotary embedding in two kernels. The first tabulates cos and sin of
// theta_i = pos * theta_scale^i (theta advanced by repeated multiplication, as on
// the CPU) for every token and pair: a table every head of q and k of every layer
// reuses. The second rotates each pair with its table entry.
__global__ void rope_table_kernel(const int32_t* __restrict__ positions, int n, int half_rot, float theta_scale,
                                  float2* __restrict__ table) {
    const int64_t idx = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (idx >= static_cast<int64_t>(n) * half_rot) return;
    const int i = static_cast<int>(idx % half_rot);
    float theta = static_cast<float>(positions[idx / half_rot]);
    for (int k = 0; k < i; ++k) theta = __fmul_rn(theta, theta_scale);
    table[idx] = make_float2(cosf(theta), sinf(theta));
}

__global__ void rope_from_table_kernel(float* __restrict__ x, const float2* __restrict__ table, int64_t total,
                                       int n_heads, int head_dim, int half_rot) {
    const int64_t idx = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (idx >= total) return;
    const int i = static_cast<int>(idx % half_rot);
    const int64_t th = idx / half_rot;  // token * n_heads + head
    const float2 cs = table[(th / n_heads) * half_rot + i];
    float2* v = reinterpret_cast<float2*>(x + th * head_dim) + i;
    const float2 ab = *v;
    *v = make_float2(__fsub_rn(__fmul_rn(ab.x, cs.x), __fmul_rn(ab.y, cs.y)),
                     __fadd_rn(__fmul_rn(ab.x, cs.y), __fmul_rn(ab.y, cs.x)));
}

// RMSNorm's backward (train_ops::rmsnorm_backward), a block per row: the two
// sums in double, r = 1 / sqrt(ss / dim + eps) in double, then in float
// dx += (r w) dy - x c with c = dot r^3 / dim, each operation rounded in the
// CPU's order. With row_r, r (as float) is kept for dw's column pass.
__global__ void __launch_bounds__(kNormThreads) rmsnorm_backward_kernel(const float* __restrict__ x,
                                                                        const float* __restrict__ w,
                                                                        const float* __restrict__ dy,
                                                                        float* __restrict__ dx, int dim, float eps,
                                                                        float* __restrict__ row_r) {
    const size_t off = static_cast<size_t>(blockIdx.x) * dim;
    const float *xr = x + off, *dyr = dy + off;
    float* dxr = dx + off;
    double ss = 0, dot = 0;
    for (int i = threadIdx.x; i < dim; i += kNormThreads) {
        ss += static_cast<double>(xr[i]) * xr[i];
        dot += static_cast<double>(dyr[i]) * w[i] * xr[i];
    }
    for (int o = 16; o > 0; o >>= 1) {
        ss += __shfl_xor_sync(0xffffffffu, ss, o);
        dot += __shfl_xor_sync(0xffffffffu, dot, o);
    }
    __shared__ double part_ss[kNormThreads / 32], part_dot[kNormThreads / 32];
    if (threadIdx.x % 32 == 0) {
        part_ss[threadIdx.x / 32] = ss;
        part_dot[threadIdx.x / 32] = dot;
    }
    __syncthreads();
    ss = dot = 0;
    for (int i = 0; i < kNormThreads / 32; ++i) {
        ss += part_ss[i];
        dot += part_dot[i];
    }
    const double r = 1.0 / sqrt(ss / dim + static_cast<double>(eps));
    const float c = static_cast<float>(dot * r * r * r / dim), rt = static_cast<float>(r);
    for (int i = threadIdx.x; i < dim; i += kNormThreads)
        dxr[i] = __fadd_rn(dxr[i], __fsub_rn(__fmul_rn(__fmul_rn(rt, w[i]), dyr[i]), __fmul_rn(xr[i], c)));
    if (row_r && threadIdx.x == 0) row_r[blockIdx.x] = rt;
}

// dw[i] += dy[t][i] x[t][i] r_t over the rows t in order (the CPU's order), a
// thread per column.
__global__ void rmsnorm_backward_dw_kernel(const float* __restrict__ x, const float* __restrict__ dy,
                                           const float* __restrict__ row_r, float* __restrict__ dw, int n, int dim) {
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= dim) return;
    float acc = dw[i];
#pragma unroll 8
    for (int t = 0; t < n; ++t) {
        const size_t at = static_cast<size_t>(t) * dim + i;
        acc = __fadd_rn(acc, __fmul_rn(__fmul_rn(dy[at], x[at]), row_r[t]));
    }
    dw[i] = acc;
}

}  // namespace

void rope_table(Context* ctx, const int32_t* positions, int n, int n_rot, float theta_scale, void* table) {
    const int64_t total = static_cast<int64_t>(n) * (n_rot / 2);
    if (total <= 0) return;
    rope_table_kernel<<<static_cast<unsigned>((total + 255) / 256), 256, 0, ctx->stream>>>(
        positions, n, n_rot / 2, theta_scale, static_cast<float2*>(table));
    QT_CUDA_CHECK_LAUNCH("rope_table_kernel");
}

void rope_from_table(Context* ctx, float* x, const void* table, int n, int n_heads, int head_dim, int n_rot) {
    const int64_t total = static_cast<int64_t>(n) * n_heads * (n_rot / 2);
    if (total <= 0) return;
    rope_from_table_kernel<<<static_cast<unsigned>((total + 255) / 256), 256, 0, ctx->stream>>>(
        x, static_cast<const float2*>(table), total, n_heads, head_dim, n_rot / 2);
    QT_CUDA_CHECK_LAUNCH("rope_from_table_kernel");
}

void rmsnorm(Context* ctx, const float* x, const float* w, float* out, int n, int dim, float eps) {
    if (n <= 0) return;
    launch_rmsnorm(ctx, x, w, out, n, dim, eps);
}

void rmsnorm_bf16(Context* ctx, const float* x, const float* w, void* out_bf16, int n, int dim, float eps) {
    if (n <= 0) return;
    launch_rmsnorm(ctx, x, w, static_cast<__nv_bfloat16*>(out_bf16), n, dim, eps);
}

void rmsnorm_backward(Context* ctx, const float* x, const float* w, const float* dy, float* dx, float* dw, int n,
                      int dim, float eps, float* row_r) {
    if (n <= 0 || dim <= 0) return;
    if (dw && !row_r) throw std::invalid_argument("rmsnorm_backward: dw needs the row scratch");
    rmsnorm_backward_kernel<<<static_cast<unsigned>(n), kNormThreads, 0, ctx->stream>>>(x, w, dy, dx, dim, eps,
                                                                                        dw ? row_r : nullptr);
    QT_CUDA_CHECK_LAUNCH("rmsnorm_backward_kernel");
    if (!dw) return;
    rmsnorm_backward_dw_kernel<<<static_cast<unsigned>((dim + 127) / 128), 128, 0, ctx->stream>>>(x, dy, row_r, dw, n,
                                                                                                  dim);
    QT_CUDA_CHECK_LAUNCH("rmsnorm_backward_dw_kernel");
}

}  // namespace qt::cuda
