// SwiGLU and the residual add: one thread per element.
#include <cuda_bf16.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

__device__ inline float silu_times(float g, float u) { return __fmul_rn(__fdiv_rn(g, __fadd_rn(1.0f, expf(-g))), u); }

__global__ void swiglu_kernel(const float* __restrict__ gate, const float* __restrict__ up, float* __restrict__ out,
                              int64_t count) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= count) return;
    out[i] = silu_times(gate[i], up[i]);
}

// The same values rounded to bf16, two per thread (count is even: rows of a multiple of 32).
__global__ void swiglu_bf16_kernel(const float2* __restrict__ gate, const float2* __restrict__ up,
                                   __nv_bfloat162* __restrict__ out, int64_t pairs) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= pairs) return;
    const float2 g = gate[i], u = up[i];
    out[i] = __floats2bfloat162_rn(silu_times(g.x, u.x), silu_times(g.y, u.y));
}

// From bf16 gate and up (the form in which the tensor-core products wrote them),
// eight values per thread in 16-byte vectors; count is a multiple of 8.
__global__ void swiglu_bf16_in_kernel(const uint4* __restrict__ gate, const uint4* __restrict__ up,
                                      uint4* __restrict__ out, int64_t vectors) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= vectors) return;
    const uint4 g4 = gate[i], u4 = up[i];
    const auto* g = reinterpret_cast<const __nv_bfloat162*>(&g4);
    const auto* u = reinterpret_cast<const __nv_bfloat162*>(&u4);
    uint4 o4;
    auto* o = reinterpret_cast<__nv_bfloat162*>(&o4);
#pragma unroll
    for (int j = 0; j < 4; ++j) {
        const float2 gf = __bfloat1622float2(g[j]), uf = __bfloat1622float2(u[j]);
        o[j] = __floats2bfloat162_rn(silu_times(gf.x, uf.x), silu_times(gf.y, uf.y));
    }
    out[i] = o4;
}

__global__ void add_kernel(float* __restrict__ x, const float* __restrict__ y, int64_t count) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) x[i] += y[i];
}

unsigned blocks_for(int64_t count) { return static_cast<unsigned>((count + 255) / 256); }

__global__ void gather_rows_kernel(const float* __restrict__ x, const int32_t* __restrict__ rows, int width,
                                   float* __restrict__ out) {
    const float* src = x + static_cast<size_t>(rows[blockIdx.x]) * width;
    float* dst = out + static_cast<size_t>(blockIdx.x) * width;
    for (int c = threadIdx.x; c < width; c += blockDim.x) dst[c] = src[c];
}

}  // namespace

void gather_rows(Context* ctx, const float* x, const int32_t* rows, int n_rows, int width, float* out) {
    if (n_rows <= 0) return;
    gather_rows_kernel<<<static_cast<unsigned>(n_rows), 256, 0, ctx->stream>>>(x, rows, width, out);
    QT_CUDA_CHECK_LAUNCH("gather_rows_kernel");
}

void swiglu(Context* ctx, const float* gate, const float* up, float* out, int64_t count) {
    if (count <= 0) return;
    swiglu_kernel<<<blocks_for(count), 256, 0, ctx->stream>>>(gate, up, out, count);
    QT_CUDA_CHECK_LAUNCH("swiglu_kernel");
}

void swiglu_bf16(Context* ctx, const float* gate, const float* up, void* out_bf16, int64_t count) {
    if (count <= 0) return;
    if (count % 2 != 0) throw std::invalid_argument("swiglu_bf16: odd count " + std::to_string(count));
    const int64_t pairs = count / 2;
    swiglu_bf16_kernel<<<blocks_for(pairs), 256, 0, ctx->stream>>>(reinterpret_cast<const float2*>(gate),
                                                                  reinterpret_cast<const float2*>(up),
                                                                  static_cast<__nv_bfloat162*>(out_bf16), pairs);
    QT_CUDA_CHECK_LAUNCH("swiglu_bf16_kernel");
}

void swiglu_bf16_from_bf16(Context* ctx, const void* gate_bf16, const void* up_bf16, void* out_bf16, int64_t count) {
    if (count <= 0) return;
    const bool aligned = reinterpret_cast<uintptr_t>(gate_bf16) % 16 == 0 &&
                         reinterpret_cast<uintptr_t>(up_bf16) % 16 == 0 && reinterpret_cast<uintptr_t>(out_bf16) % 16 == 0;
    if (count % 8 != 0 || !aligned)
        throw std::invalid_argument("swiglu_bf16_from_bf16: " + std::to_string(count) +
                                    " values (a multiple of 8 on 16-byte boundaries is needed)");
    const int64_t vectors = count / 8;
    swiglu_bf16_in_kernel<<<blocks_for(vectors), 256, 0, ctx->stream>>>(static_cast<const uint4*>(gate_bf16),
                                                                     static_cast<const uint4*>(up_bf16),
                                                                     static_cast<uint4*>(out_bf16), vectors);
    QT_CUDA_CHECK_LAUNCH("swiglu_bf16_in_kernel");
}

void add_inplace(Context* ctx, float* x, const float* y, int64_t count) {
    if (count <= 0) return;
    add_kernel<<<blocks_for(count), 256, 0, ctx->stream>>>(x, y, count);
    QT_CUDA_CHECK_LAUNCH("add_kernel");
}

}  // namespace qt::cuda
