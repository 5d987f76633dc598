// Cross-entropy straight from the logits on the device: one block per row finds
// the row's max, sums exp(x - max) (float terms, double partial sums), and
// writes -log softmax(row)[target] in double. Only one number per row leaves
// the device; no probability row is ever stored.
#include <cfloat>
#include <cmath>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

constexpr int kThreads = 256;

__global__ void cross_entropy_kernel(const float* __restrict__ logits, int vocab, const int32_t* __restrict__ targets,
                                     double* __restrict__ nll) {
    const int row = blockIdx.x;
    const int target = targets[row];
    if (target < 0) {
        if (threadIdx.x == 0) nll[row] = 0.0;
        return;
    }
    const float* x = logits + static_cast<size_t>(row) * vocab;
    __shared__ float smax[kThreads / 32];
    __shared__ double ssum[kThreads / 32];
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;

    float m = -FLT_MAX;
    for (int i = threadIdx.x; i < vocab; i += kThreads) m = fmaxf(m, x[i]);
    for (int o = 16; o > 0; o >>= 1) m = fmaxf(m, __shfl_xor_sync(0xffffffffu, m, o));
    if (lane == 0) smax[warp] = m;
    __syncthreads();
    m = smax[0];
#pragma unroll
    for (int w = 1; w < kThreads / 32; ++w) m = fmaxf(m, smax[w]);

    double s = 0.0;
    for (int i = threadIdx.x; i < vocab; i += kThreads) s += static_cast<double>(expf(x[i] - m));
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    if (lane == 0) ssum[warp] = s;
    __syncthreads();
    if (threadIdx.x == 0) {
        double total = 0.0;
#pragma unroll
        for (int w = 0; w < kThreads / 32; ++w) total += ssum[w];
        nll[row] = static_cast<double>(m) + log(total) - static_cast<double>(x[target]);
    }
}

}  // namespace

void cross_entropy_rows(Context* ctx, const float* logits_dev, int vocab, const int32_t* targets_dev, int n,
                        double* nll_dev) {
    if (n <= 0) return;
    cross_entropy_kernel<<<static_cast<unsigned>(n), kThreads, 0, ctx->stream>>>(logits_dev, vocab, targets_dev,
                                                                                 nll_dev);
    QT_CUDA_CHECK_LAUNCH("cross_entropy_kernel");
}

}  // namespace qt::cuda
