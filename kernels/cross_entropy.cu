// Cross-entropy straight from the logits on the device: one block per row reads
// the row once (16-byte loads where the rows allow), keeping an online softmax
// per thread (running max m, raised once per 16 values; their exp(x - m) summed
// in float, and those sums in a double that is rescaled when m grows), merges
// the threads' pairs, and writes
// -log softmax(row)[target] in double. Only one number per row leaves the
// device; no probability row is ever stored. The backward (training) reads the
// row a second time and overwrites it with its gradient.
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

// A row of 32000-49152 floats per block of 256 threads, each with kLoads 16-byte
// loads in flight; the H100 measured 1.47 -> 0.91 ms per SmolLM2 step against
// 1024 threads with one load each (several rows per SM, no half-empty last wave).
constexpr int kThreads = 256;
constexpr int kLoads = 4;

// A running log-sum-exp: sum of exp(x - m) over the values seen.
struct Lse {
    float m = -FLT_MAX;
    double s = 0.0;
    __device__ void add(float v) {
        if (v > m) {
            s *= exp(static_cast<double>(m) - static_cast<double>(v));
            m = v;
        }
        s += static_cast<double>(expf(v - m));
    }
    __device__ void merge(float m2, double s2) {
        if (m2 > m) {
            s = s * exp(static_cast<double>(m) - static_cast<double>(m2)) + s2;
            m = m2;
        } else {
            s += s2 * exp(static_cast<double>(m2) - static_cast<double>(m));
        }
    }
};

// The row's log-sum-exp as (m, s), s = sum exp(x - m), merged over the block:
// valid in thread 0 only. Every thread of the block must call it.
__device__ Lse block_row_lse(const float* __restrict__ x, int vocab) {
    Lse l;
    int i0 = 0;
    if (reinterpret_cast<uintptr_t>(x) % 16 == 0) {
        const int quads = vocab / 4;
        const float4* x4 = reinterpret_cast<const float4*>(x);
        for (int q0 = threadIdx.x; q0 < quads; q0 += kLoads * kThreads) {
            float4 v[kLoads];
#pragma unroll
            for (int u = 0; u < kLoads; ++u) {
                const int q = q0 + u * kThreads;
                // Past the row: -inf, whose exp is 0 whatever the max (-FLT_MAX would give exp(0) = 1 while m is unset).
                v[u] = q < quads ? x4[q] : make_float4(-INFINITY, -INFINITY, -INFINITY, -INFINITY);
            }
            float m = l.m;
#pragma unroll
            for (int u = 0; u < kLoads; ++u) m = fmaxf(m, fmaxf(fmaxf(v[u].x, v[u].y), fmaxf(v[u].z, v[u].w)));
            if (m > l.m) {
                l.s *= exp(static_cast<double>(l.m) - static_cast<double>(m));
                l.m = m;
            }
            float part = 0.0f;  // at most 4 kLoads terms of at most 1 each
#pragma unroll
            for (int u = 0; u < kLoads; ++u)
                part += (expf(v[u].x - m) + expf(v[u].y - m)) + (expf(v[u].z - m) + expf(v[u].w - m));
            l.s += static_cast<double>(part);
        }
        i0 = quads * 4;
    }
    for (int i = i0 + threadIdx.x; i < vocab; i += kThreads) l.add(x[i]);

    __shared__ float sm[kThreads / 32];
    __shared__ double ss[kThreads / 32];
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    for (int o = 16; o > 0; o >>= 1) {
        const float m2 = __shfl_xor_sync(0xffffffffu, l.m, o);
        const double s2 = __shfl_xor_sync(0xffffffffu, l.s, o);
        l.merge(m2, s2);
    }
    if (lane == 0) {
        sm[warp] = l.m;
        ss[warp] = l.s;
    }
    __syncthreads();
    Lse total;
    if (threadIdx.x == 0) {
        total.m = sm[0];
        total.s = ss[0];
#pragma unroll
        for (int w = 1; w < kThreads / 32; ++w) total.merge(sm[w], ss[w]);
    }
    return total;
}

__global__ void __launch_bounds__(kThreads) cross_entropy_kernel(const float* __restrict__ logits, int vocab,
                                                                 const int32_t* __restrict__ targets,
                                                                 double* __restrict__ nll) {
    const int row = blockIdx.x;
    const int target = targets[row];
    if (target < 0) {
        if (threadIdx.x == 0) nll[row] = 0.0;
        return;
    }
    const float* x = logits + static_cast<size_t>(row) * vocab;
    const Lse total = block_row_lse(x, vocab);
    if (threadIdx.x == 0) nll[row] = static_cast<double>(total.m) + log(total.s) - static_cast<double>(x[target]);
}

// The loss and its gradient (train_ops::cross_entropy_backward): a second pass
// overwrites the row with scale * exp(x - lse) (exp in double, as the CPU), then
// thread 0 subtracts scale at the target, after every thread has written.
__global__ void __launch_bounds__(kThreads) cross_entropy_backward_kernel(float* __restrict__ logits, int vocab,
                                                                          const int32_t* __restrict__ targets,
                                                                          double scale, double* __restrict__ nll) {
    const int row = blockIdx.x;
    const int target = targets[row];
    float* x = logits + static_cast<size_t>(row) * vocab;
    if (target < 0 || target >= vocab) {
        for (int i = threadIdx.x; i < vocab; i += kThreads) x[i] = 0.0f;
        if (threadIdx.x == 0) nll[row] = target < 0 ? 0.0 : NAN;
        return;
    }
    const Lse total = block_row_lse(x, vocab);
    __shared__ double lse_of_row;
    if (threadIdx.x == 0) {
        const double lse = static_cast<double>(total.m) + log(total.s);
        nll[row] = lse - static_cast<double>(x[target]);
        lse_of_row = lse;
    }
    __syncthreads();  // x[target] is read before anyone overwrites it
    const double lse = lse_of_row;
    int i0 = 0;
    if (reinterpret_cast<uintptr_t>(x) % 16 == 0) {
        const int quads = vocab / 4;
        float4* x4 = reinterpret_cast<float4*>(x);
        for (int q = threadIdx.x; q < quads; q += kThreads) {
            float4 v = x4[q];
            v.x = static_cast<float>(scale * exp(static_cast<double>(v.x) - lse));
            v.y = static_cast<float>(scale * exp(static_cast<double>(v.y) - lse));
            v.z = static_cast<float>(scale * exp(static_cast<double>(v.z) - lse));
            v.w = static_cast<float>(scale * exp(static_cast<double>(v.w) - lse));
            x4[q] = v;
        }
        i0 = quads * 4;
    }
    for (int i = i0 + threadIdx.x; i < vocab; i += kThreads)
        x[i] = static_cast<float>(scale * exp(static_cast<double>(x[i]) - lse));
    __syncthreads();
    if (threadIdx.x == 0) x[target] -= static_cast<float>(scale);
}

}  // namespace

void cross_entropy_rows(Context* ctx, const float* logits_dev, int vocab, const int32_t* targets_dev, int n,
                        double* nll_dev) {
    if (n <= 0) return;
    cross_entropy_kernel<<<static_cast<unsigned>(n), kThreads, 0, ctx->stream>>>(logits_dev, vocab, targets_dev,
                                                                                 nll_dev);
    QT_CUDA_CHECK_LAUNCH("cross_entropy_kernel");
}

void cross_entropy_backward(Context* ctx, float* logits_dev, int vocab, const int32_t* targets_dev, int n,
                            double scale, double* nll_dev) {
    if (n <= 0) return;
    cross_entropy_backward_kernel<<<static_cast<unsigned>(n), kThreads, 0, ctx->stream>>>(logits_dev, vocab,
                                                                                          targets_dev, scale, nll_dev);
    QT_CUDA_CHECK_LAUNCH("cross_entropy_backward_kernel");
}

}  // namespace qt::cuda
