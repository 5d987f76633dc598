// RMSNorm and rotary position embedding, mirroring the CPU backend's arithmetic
// (double accumulation of the squares; theta advanced by repeated multiplication).
#include <cuda_bf16.h>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

constexpr int kNormThreads = 256;

__device__ inline void store_value(float* o, int i, float v) { o[i] = v; }
__device__ inline void store_value(__nv_bfloat16* o, int i, float v) { o[i] = __float2bfloat16_rn(v); }

// One block per row; Out float, or bf16 (the float result rounded) for a tensor-core product.
template <typename Out>
__global__ void rmsnorm_kernel(const float* __restrict__ x, const float* __restrict__ w, Out* __restrict__ out,
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
    rmsnorm_kernel<float><<<n, kNormThreads, 0, ctx->stream>>>(x, w, out, dim, eps);
    QT_CUDA_CHECK_LAUNCH("rmsnorm_kernel");
}

void rmsnorm_bf16(Context* ctx, const float* x, const float* w, void* out_bf16, int n, int dim, float eps) {
    if (n <= 0) return;
    rmsnorm_kernel<__nv_bfloat16>
        <<<n, kNormThreads, 0, ctx->stream>>>(x, w, static_cast<__nv_bfloat16*>(out_bf16), dim, eps);
    QT_CUDA_CHECK_LAUNCH("rmsnorm_kernel<bf16>");
}

}  // namespace qt::cuda
