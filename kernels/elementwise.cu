// SwiGLU and the residual add: one thread per element.
#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

__global__ void swiglu_kernel(const float* __restrict__ gate, const float* __restrict__ up, float* __restrict__ out,
                              int64_t count) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= count) return;
    const float g = gate[i];
    out[i] = __fmul_rn(__fdiv_rn(g, __fadd_rn(1.0f, expf(-g))), up[i]);
}

__global__ void add_kernel(float* __restrict__ x, const float* __restrict__ y, int64_t count) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) x[i] += y[i];
}

unsigned blocks_for(int64_t count) { return static_cast<unsigned>((count + 255) / 256); }

}  // namespace

void swiglu(Context* ctx, const float* gate, const float* up, float* out, int64_t count) {
    if (count <= 0) return;
    swiglu_kernel<<<blocks_for(count), 256, 0, ctx->stream>>>(gate, up, out, count);
    QT_CUDA_CHECK_LAUNCH("swiglu_kernel");
}

void add_inplace(Context* ctx, float* x, const float* y, int64_t count) {
    if (count <= 0) return;
    add_kernel<<<blocks_for(count), 256, 0, ctx->stream>>>(x, y, count);
    QT_CUDA_CHECK_LAUNCH("add_kernel");
}

}  // namespace qt::cuda
