// Matrix products straight from quantized weight blocks, and the embedding lookup.
// Activations are quantized per row exactly as the CPU backend quantizes them
// (engine/cpu/quantize_for_dot.cpp), so the integer dots are the same and the
// two backends differ only in float summation order.
// Matmul layout: one warp per weight row, its lanes striding over the row's
// blocks, up to 8 tokens per warp so each weight block is read once per 8 tokens.
#include <cstdint>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"
#include "quant_formats.cuh"

namespace qt::cuda {

#define QT_FOR_EACH_FORMAT(X) \
    X(F32) X(F16) X(BF16) X(Q4_0) X(Q4_1) X(Q5_0) X(Q5_1) X(Q8_0) X(Q4_K) X(Q5_K) X(Q6_K)

bool format_supported(uint32_t t) {
    switch (static_cast<WeightFormat>(t)) {
#define X(name) case WeightFormat::name:
        QT_FOR_EACH_FORMAT(X)
#undef X
        return true;
        default: return false;
    }
}

int format_block_size(WeightFormat f) {
    switch (f) {
#define X(name) case WeightFormat::name: return Traits<WeightFormat::name>::qk;
        QT_FOR_EACH_FORMAT(X)
#undef X
    }
    throw std::invalid_argument("unsupported weight format " + std::to_string(static_cast<uint32_t>(f)));
}

size_t format_block_bytes(WeightFormat f) {
    switch (f) {
#define X(name) case WeightFormat::name: return Traits<WeightFormat::name>::bytes;
        QT_FOR_EACH_FORMAT(X)
#undef X
    }
    throw std::invalid_argument("unsupported weight format " + std::to_string(static_cast<uint32_t>(f)));
}

namespace {

ActFormat act_format(WeightFormat f) {
    switch (f) {
#define X(name) case WeightFormat::name: return Traits<WeightFormat::name>::act;
        QT_FOR_EACH_FORMAT(X)
#undef X
    }
    throw std::invalid_argument("unsupported weight format " + std::to_string(static_cast<uint32_t>(f)));
}

// Bytes of one row of `cols` activations in format a.
size_t act_row_bytes(ActFormat a, int64_t cols) {
    const int qk = a == ActFormat::Q8_K ? 256 : 32;
    return static_cast<size_t>(cols / qk) * act_block_bytes(a);
}

__device__ __forceinline__ float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}
__device__ __forceinline__ int warp_sum_int(int v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Q8_0 / Q8_1, one warp per block of 32: d = amax / 127, q = rint(x * (127 / amax)),
// Q8_1's s = fp16(d * sum q).  x: [n][cols] -> out: n rows of cols/32 blocks.
template <bool kWithSum>
__global__ void quantize_q8_kernel(const float* __restrict__ x, uint8_t* __restrict__ out, int64_t total_blocks) {
    const int64_t blk = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
    const int lane = threadIdx.x % 32;
    if (blk >= total_blocks) return;
    const float v = x[blk * 32 + lane];
    const float amax = warp_max(fabsf(v));
    const float d = amax / 127.0f;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    const int q = __float2int_rn(v * id);
    constexpr int kBytes = kWithSum ? kQ8_1Bytes : kQ8_0Bytes;
    constexpr int kQsOffset = kWithSum ? 4 : 2;
    uint8_t* b = out + blk * kBytes;  // blocks are 2-byte aligned: whole halves are stored
    // Codes go out in pairs, one 16-bit store per even lane.
    const int q_next = __shfl_down_sync(0xffffffffu, q, 1);
    if (lane % 2 == 0)
        *reinterpret_cast<uint16_t*>(b + kQsOffset + lane) =
            static_cast<uint16_t>((q & 0xff) | ((q_next & 0xff) << 8));
    const int sum = kWithSum ? warp_sum_int(q) : 0;
    if (lane == 0) {
        reinterpret_cast<__half*>(b)[0] = __float2half_rn(d);
        if (kWithSum) reinterpret_cast<__half*>(b)[1] = __float2half_rn(d * static_cast<float>(sum));
    }
}

// Q8_K, one warp per block of 256, lane l holding elements 8l..8l+7: the first
// element of largest magnitude `max` gives iscale = -127 / max;
// q = min(127, rint(iscale * x)); d = 1 / iscale; bsums over groups of 16.
__global__ void quantize_q8_k_kernel(const float* __restrict__ x, Q8K* __restrict__ out, int64_t total_blocks) {
    const int64_t blk = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
    const int lane = threadIdx.x % 32;
    if (blk >= total_blocks) return;
    const float* xb = x + blk * 256 + lane * 8;
    float v[8];
    float amax = 0;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        v[i] = xb[i];
        amax = fmaxf(amax, fabsf(v[i]));
    }
    amax = warp_max(amax);
    Q8K& y = out[blk];
    if (amax == 0.0f) {
#pragma unroll
        for (int i = 0; i < 8; ++i) y.qs[lane * 8 + i] = 0;
        if (lane < 16) y.bsums[lane] = 0;
        if (lane == 0) y.d = 0.0f;
        return;
    }
    int first = 256;  // lowest index holding amax
#pragma unroll
    for (int i = 7; i >= 0; --i)
        if (fabsf(v[i]) == amax) first = lane * 8 + i;
    for (int o = 16; o > 0; o >>= 1) first = min(first, __shfl_xor_sync(0xffffffffu, first, o));
    const float max = x[blk * 256 + first];
    const float iscale = -127.0f / max;
    int sum = 0;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
        const int q = min(127, __float2int_rn(iscale * v[i]));
        y.qs[lane * 8 + i] = static_cast<int8_t>(q);
        sum += q;
    }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);  // lanes 2g and 2g+1 hold group g
    if (lane % 2 == 0) y.bsums[lane / 2] = static_cast<int16_t>(sum);
    if (lane == 0) y.d = 1.0f / iscale;
}

constexpr int kWarpsPerBlock = 4;

template <WeightFormat F, int NT>
__global__ void matmul_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t rows, int n_blocks,
                              const uint8_t* __restrict__ xq, size_t xq_row_bytes, float* __restrict__ y, int n) {
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (row >= rows) return;
    const int t0 = blockIdx.y * NT;
    constexpr int kW = Traits<F>::bytes;
    constexpr int kX = act_block_bytes(Traits<F>::act);
    const uint8_t* wr = w + row * row_bytes;
    float acc[NT];
#pragma unroll
    for (int t = 0; t < NT; ++t) acc[t] = 0.0f;
    for (int b = lane; b < n_blocks; b += 32) {
        const uint8_t* wb = wr + static_cast<size_t>(b) * kW;
#pragma unroll
        for (int t = 0; t < NT; ++t)
            if (t0 + t < n) acc[t] += block_dot<F>(wb, xq + static_cast<size_t>(t0 + t) * xq_row_bytes + static_cast<size_t>(b) * kX);
    }
#pragma unroll
    for (int t = 0; t < NT; ++t) {
        const float s = warp_sum(acc[t]);
        if (lane == 0 && t0 + t < n) y[static_cast<size_t>(t0 + t) * rows + row] = s;
    }
}

template <WeightFormat F, int NT>
void launch_matmul(Context* ctx, const void* w, size_t row_bytes, int64_t rows, int64_t cols, const void* xq,
                   size_t xq_row_bytes, float* y, int n) {
    const dim3 grid(static_cast<unsigned>((rows + kWarpsPerBlock - 1) / kWarpsPerBlock),
                    static_cast<unsigned>((n + NT - 1) / NT));
    matmul_kernel<F, NT><<<grid, kWarpsPerBlock * 32, 0, ctx->stream>>>(
        static_cast<const uint8_t*>(w), row_bytes, rows, static_cast<int>(cols / Traits<F>::qk),
        static_cast<const uint8_t*>(xq), xq_row_bytes, y, n);
    QT_CUDA_CHECK_LAUNCH("matmul_kernel");
}

template <WeightFormat F>
void launch_matmul_any_n(Context* ctx, const void* w, size_t row_bytes, int64_t rows, int64_t cols, const void* xq,
                         size_t xq_row_bytes, float* y, int n) {
    if (n == 1) return launch_matmul<F, 1>(ctx, w, row_bytes, rows, cols, xq, xq_row_bytes, y, n);
    if (n <= 2) return launch_matmul<F, 2>(ctx, w, row_bytes, rows, cols, xq, xq_row_bytes, y, n);
    if (n <= 4) return launch_matmul<F, 4>(ctx, w, row_bytes, rows, cols, xq, xq_row_bytes, y, n);
    launch_matmul<F, 8>(ctx, w, row_bytes, rows, cols, xq, xq_row_bytes, y, n);
}

template <WeightFormat F>
__global__ void embed_kernel(const uint8_t* __restrict__ table, size_t row_bytes, int64_t cols,
                             const int32_t* __restrict__ tokens, float* __restrict__ out) {
    const int64_t e = static_cast<int64_t>(blockIdx.y) * blockDim.x + threadIdx.x;
    if (e >= cols) return;
    const int t = blockIdx.x;
    const uint8_t* row = table + static_cast<size_t>(tokens[t]) * row_bytes;
    constexpr int qk = Traits<F>::qk;
    out[static_cast<size_t>(t) * cols + e] =
        dequant_element<F>(row + static_cast<size_t>(e / qk) * Traits<F>::bytes, static_cast<int>(e % qk));
}

void check_cols(WeightFormat f, int64_t cols) {
    const int qk = format_block_size(f);
    if (cols <= 0 || cols % qk != 0)
        throw std::invalid_argument("CUDA matmul: " + std::to_string(cols) + " columns is not a multiple of the " +
                                    std::to_string(qk) + "-weight blocks of format " +
                                    std::to_string(static_cast<uint32_t>(f)));
}

}  // namespace

size_t matmul_scratch_bytes(WeightFormat f, int64_t cols, int n) {
    const ActFormat a = act_format(f);
    return a == ActFormat::F32 ? 0 : act_row_bytes(a, cols) * static_cast<size_t>(n);
}

size_t matmul_scratch_bytes(WeightFormat f, int64_t rows, int64_t cols, int n) {
    return uses_gemm(f, n) ? gemm_scratch_bytes(rows, cols, n) : matmul_scratch_bytes(f, cols, n);
}

void quantize_activations(Context* ctx, WeightFormat f, const float* x, int64_t cols, int n, void* scratch) {
    check_cols(f, cols);
    const ActFormat a = act_format(f);
    if (a == ActFormat::F32 || n <= 0) return;
    const int64_t qk = a == ActFormat::Q8_K ? 256 : 32;
    const int64_t total = cols / qk * n;
    const unsigned grid = static_cast<unsigned>((total * 32 + 255) / 256);
    if (a == ActFormat::Q8_0)
        quantize_q8_kernel<false><<<grid, 256, 0, ctx->stream>>>(x, static_cast<uint8_t*>(scratch), total);
    else if (a == ActFormat::Q8_1)
        quantize_q8_kernel<true><<<grid, 256, 0, ctx->stream>>>(x, static_cast<uint8_t*>(scratch), total);
    else
        quantize_q8_k_kernel<<<grid, 256, 0, ctx->stream>>>(x, static_cast<Q8K*>(scratch), total);
    QT_CUDA_CHECK_LAUNCH("quantize activations");
}

bool uses_gemm_path(WeightFormat f, int n) { return uses_gemm(f, n); }

void matmul(Context* ctx, WeightFormat f, const void* w, size_t row_bytes, int64_t rows, int64_t cols, const float* x,
            float* y, int n, void* scratch, MatmulOptions options) {
    if (n <= 0 || rows <= 0) return;
    check_cols(f, cols);
    if (uses_gemm(f, n)) return matmul_gemm(ctx, f, w, row_bytes, rows, cols, x, y, n, scratch, options);
    if (options.accumulate || options.reuse_x || options.out_bf16 || options.sparse.values_dev)
        throw std::invalid_argument("matmul: reuse_x / accumulate / out_bf16 / sparse are options of the tensor-core path only");
    const ActFormat a = act_format(f);
    const void* xq = x;
    size_t xq_row = static_cast<size_t>(cols) * sizeof(float);
    if (a != ActFormat::F32) {
        quantize_activations(ctx, f, x, cols, n, scratch);
        xq = scratch;
        xq_row = act_row_bytes(a, cols);
    }
    switch (f) {
#define X(name)                                                                                   \
    case WeightFormat::name:                                                                      \
        return launch_matmul_any_n<WeightFormat::name>(ctx, w, row_bytes, rows, cols, xq, xq_row, y, n);
        QT_FOR_EACH_FORMAT(X)
#undef X
    }
}

void embed(Context* ctx, WeightFormat f, const void* table, size_t row_bytes, int64_t cols, const int32_t* tokens,
           int n, float* out) {
    if (n <= 0) return;
    check_cols(f, cols);
    const dim3 grid(static_cast<unsigned>(n), static_cast<unsigned>((cols + 255) / 256));
    switch (f) {
#define X(name)                                                                                              \
    case WeightFormat::name:                                                                                 \
        embed_kernel<WeightFormat::name><<<grid, 256, 0, ctx->stream>>>(static_cast<const uint8_t*>(table), \
                                                                         row_bytes, cols, tokens, out);      \
        break;
        QT_FOR_EACH_FORMAT(X)
#undef X
    }
    QT_CUDA_CHECK_LAUNCH("embed_kernel");
}

}  // namespace qt::cuda
