// The fp16 KV cache and causal grouped-query attention.
// Attention for a few queries (decoding): one block of 4 warps per (query token, head). Each warp walks its
// share of the keys with an online softmax (running max m, running sum l, and
// an accumulator of p * v, rescaled whenever m grows), its 32 lanes holding
// head_dim / 32 dimensions each; the four partial states are merged at the end.
// No score matrix is written anywhere: memory is O(head_dim) per block.
// As on the CPU, queries are rounded to fp16 before meeting the fp16 keys.
#include <cuda_fp16.h>

#include <cmath>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

__global__ void kv_store_kernel(__half* __restrict__ kc, __half* __restrict__ vc, const float* __restrict__ k,
                                const float* __restrict__ v, int64_t count) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i >= count) return;
    kc[i] = __float2half_rn(k[i]);
    vc[i] = __float2half_rn(v[i]);
}

constexpr int kAttnWarps = 4;
constexpr int kTiledMinQueries = 32;

template <int DPL>  // dimensions per lane: head_dim / 32
__global__ void attention_kernel(const float* __restrict__ q, const __half* __restrict__ kc,
                                 const __half* __restrict__ vc, int kv_width, int pos0, int n_heads, int group,
                                 float scale, float* __restrict__ out) {
    constexpr int D = DPL * 32;
    const int h = blockIdx.x;
    const int t = blockIdx.y;
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int kvh = h / group;
    const int n_keys = pos0 + t + 1;
    const float* qr = q + (static_cast<size_t>(t) * n_heads + h) * D;
    float qv[DPL], acc[DPL];
#pragma unroll
    for (int i = 0; i < DPL; ++i) {
        qv[i] = __half2float(__float2half_rn(qr[lane + 32 * i]));
        acc[i] = 0.0f;
    }
    float m = -INFINITY, l = 0.0f;
    for (int j = warp; j < n_keys; j += kAttnWarps) {
        const __half* kr = kc + static_cast<size_t>(j) * kv_width + kvh * D;
        float dot = 0.0f;
#pragma unroll
        for (int i = 0; i < DPL; ++i) dot += qv[i] * __half2float(kr[lane + 32 * i]);
        for (int o = 16; o > 0; o >>= 1) dot += __shfl_xor_sync(0xffffffffu, dot, o);
        const float s = dot * scale;
        const float m_new = fmaxf(m, s);
        const float corr = expf(m - m_new);  // 0 on the first key (m = -inf)
        const float p = expf(s - m_new);
        l = l * corr + p;
        const __half* vr = vc + static_cast<size_t>(j) * kv_width + kvh * D;
#pragma unroll
        for (int i = 0; i < DPL; ++i) acc[i] = acc[i] * corr + p * __half2float(vr[lane + 32 * i]);
        m = m_new;
    }
    __shared__ float sm[kAttnWarps], sl[kAttnWarps];
    __shared__ float sacc[kAttnWarps][D];
    if (lane == 0) {
        sm[warp] = m;
        sl[warp] = l;
    }
#pragma unroll
    for (int i = 0; i < DPL; ++i) sacc[warp][lane + 32 * i] = acc[i];
    __syncthreads();
    float m_all = -INFINITY;
#pragma unroll
    for (int w = 0; w < kAttnWarps; ++w) m_all = fmaxf(m_all, sm[w]);
    float l_all = 0.0f, wgt[kAttnWarps];
#pragma unroll
    for (int w = 0; w < kAttnWarps; ++w) {
        wgt[w] = sl[w] > 0.0f ? expf(sm[w] - m_all) : 0.0f;  // warps that saw no key weigh nothing
        l_all += sl[w] * wgt[w];
    }
    const float inv = 1.0f / l_all;
    float* o = out + (static_cast<size_t>(t) * n_heads + h) * D;
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        float sum = 0.0f;
#pragma unroll
        for (int w = 0; w < kAttnWarps; ++w) sum += sacc[w][d] * wgt[w];
        o[d] = sum * inv;
    }
}

template <int DPL>
void launch_attention(Context* ctx, const float* q, const uint16_t* kc, const uint16_t* vc, int kv_width, int pos0,
                      int n, int n_heads, int group, float* out) {
    const float scale = 1.0f / std::sqrt(static_cast<float>(DPL * 32));
    const dim3 grid(static_cast<unsigned>(n_heads), static_cast<unsigned>(n));
    attention_kernel<DPL><<<grid, kAttnWarps * 32, 0, ctx->stream>>>(
        q, reinterpret_cast<const __half*>(kc), reinterpret_cast<const __half*>(vc), kv_width, pos0, n_heads, group,
        scale, out);
    QT_CUDA_CHECK_LAUNCH("attention_kernel");
}

}  // namespace

void kv_store(Context* ctx, uint16_t* k_cache, uint16_t* v_cache, size_t offset, const float* k, const float* v,
              int64_t count) {
    if (count <= 0) return;
    kv_store_kernel<<<static_cast<unsigned>((count + 255) / 256), 256, 0, ctx->stream>>>(
        reinterpret_cast<__half*>(k_cache) + offset, reinterpret_cast<__half*>(v_cache) + offset, k, v, count);
    QT_CUDA_CHECK_LAUNCH("kv_store_kernel");
}

void attention(Context* ctx, const float* q, const uint16_t* kc, const uint16_t* vc, int kv_width, int pos0, int n,
               int n_heads, int n_kv_heads, int head_dim, float* out) {
    if (n <= 0) return;
    if (n_kv_heads <= 0 || n_heads % n_kv_heads != 0)
        throw std::invalid_argument("CUDA attention: " + std::to_string(n_heads) + " query heads do not divide into " +
                                    std::to_string(n_kv_heads) + " key/value heads");
    const int group = n_heads / n_kv_heads;
    // From 32 queries on, tiles of queries share every key and value load.
    if (n >= kTiledMinQueries && attention_tiled(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, head_dim, out))
        return;
    switch (head_dim) {
        case 32: return launch_attention<1>(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, out);
        case 64: return launch_attention<2>(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, out);
        case 96: return launch_attention<3>(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, out);
        case 128: return launch_attention<4>(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, out);
        case 160: return launch_attention<5>(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, out);
        case 192: return launch_attention<6>(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, out);
        case 256: return launch_attention<8>(ctx, q, kc, vc, kv_width, pos0, n, n_heads, group, out);
        default:
            throw std::invalid_argument("CUDA attention: head_dim " + std::to_string(head_dim) +
                                        " is not supported (32, 64, 96, 128, 160, 192 or 256)");
    }
}

}  // namespace qt::cuda
