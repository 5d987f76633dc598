// Matrix products for many tokens on the tensor cores: the weight is dequantized
// into a bf16 scratch matrix (one pass over its blocks), the activations are
// rounded to bf16, and cuBLAS multiplies them with float32 accumulation.
// Rounding differs from the warp kernels (quant_matmul.cu), which quantize x to
// 8-bit blocks as the CPU does: here x keeps 8 bits of mantissa instead, and the
// dequantized weights are rounded to bf16 (tests/cuda/test_cuda_zo.cpp bounds it
// against float64). Used from gemm_min_tokens() tokens up, where the weight
// pass is paid back by the tensor cores; QT_CUDA_GEMM_MIN_TOKENS overrides it.
// A sparse addend S (MatmulOptions::sparse, sparse ZO's W + S) is added to each
// bf16 tile right after its dequantization (sparse_ops.cu), before the GEMM: S
// enters at the tile's bf16 precision, like the weight itself, and costs O(nnz)
// a product where a separate sparse product would gather nnz x n activations.
#include <cuda_bf16.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"
#include "quant_formats.cuh"
#include "util/philox_normal.h"
#include "zo_scale.cuh"

namespace qt::cuda {
namespace {

constexpr int kPerThread = 8;  // consecutive weights of one block: a 16-byte store

template <WeightFormat F>
__global__ void dequant_bf16_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t rows, int64_t cols,
                                    __nv_bfloat16* __restrict__ out) {
    const int64_t groups_per_row = cols / kPerThread;
    const int64_t total = rows * groups_per_row;
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < total;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t r = g / groups_per_row;
        const int64_t c = (g % groups_per_row) * kPerThread;
        constexpr int qk = Traits<F>::qk;
        const uint8_t* blk = w + r * row_bytes + static_cast<size_t>(c / qk) * Traits<F>::bytes;
        const int e0 = static_cast<int>(c % qk);
        alignas(16) __nv_bfloat16 v[kPerThread];
#pragma unroll
        for (int i = 0; i < kPerThread; ++i) v[i] = __float2bfloat16_rn(dequant_element<F>(blk, e0 + i));
        *reinterpret_cast<uint4*>(out + r * cols + c) = *reinterpret_cast<const uint4*>(v);
    }
}

// The same for a 32-weight format whose block scales d may come from a ScaleSlot
// (QZO's deferred perturbation), read from device memory as the kernel starts:
// d_b = fp16(master[b] + alpha * z_b), rounded as zo_write_scales rounds it, so
// the result equals dequantizing the written blocks; no slot, or a slot without
// a master, means d as stored. Blocks first .. first + n_blocks - 1 of the
// weight; out[b - first][32].
// The pass is bound by memory (18 bytes in, 64 out per Q4_0 block), so a block
// of threads takes a chunk of kChunk weight blocks in three steps that keep
// every global access coalesced: (1) the chunk's bytes into shared memory in
// 4-byte words (blocks are only 2-byte aligned, so the copy starts at the word
// below the first); (2) thread t finds block t's d; (3) each thread expands 8
// weights at a time and a warp stores 512 consecutive bytes. z costs more than
// the rest (Box-Muller in double), so during step 1 two threads per Philox
// group of the chunk draw its four normals once, a pair each, into shared
// memory: one log and one sincos per two blocks (drawing a group's quad per
// block, as before, took 25 ms of a 7B step).
constexpr int kChunk = 256;  // weight blocks per thread block (one per thread)
constexpr int kChunkGroups = kChunk / 4 + 1;  // Philox groups a chunk's z can touch

// An integer 0 <= v < 2^23 as a float, exactly, by the exponent trick (no I2F,
// which issues at an eighth of the rate of a multiply on sm_90).
__device__ __forceinline__ float small_int_float(uint32_t v) { return __uint_as_float(0x4B000000u | v) - 8388608.0f; }

// Weights 8 part .. 8 part + 7 of a 32-weight block at bp (2-byte aligned, in
// shared memory) with scale d, as bf16 pairs. The same floats as
// dequant_element_d: d times the code (minus its offset), plus the minimum.
template <WeightFormat F>
__device__ __forceinline__ void expand8(const uint8_t* bp, int part, float d, __nv_bfloat162 (&v)[4]) {
    if constexpr (F == WeightFormat::Q4_0 || F == WeightFormat::Q4_1) {
        // Codes: low nibbles of qs[0..15] are weights 0..15, high nibbles 16..31.
        constexpr int qs = F == WeightFormat::Q4_0 ? 2 : 4;
        const auto* h = reinterpret_cast<const uint16_t*>(bp + qs + 8 * (part % 2));
        const uint32_t lo = h[0] | (static_cast<uint32_t>(h[1]) << 16), hi = h[2] | (static_cast<uint32_t>(h[3]) << 16);
        const int shift = part < 2 ? 0 : 4;
        const float m = F == WeightFormat::Q4_1 ? h2f(bp + 2) : 0.0f;
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const uint32_t word = i < 2 ? lo : hi;
            const uint32_t c0 = (word >> (16 * (i % 2) + shift)) & 0x0f, c1 = (word >> (16 * (i % 2) + 8 + shift)) & 0x0f;
            float x0, x1;
            if constexpr (F == WeightFormat::Q4_0) {
                x0 = __fmul_rn(d, small_int_float(c0) - 8.0f);  // c - 8, exact
                x1 = __fmul_rn(d, small_int_float(c1) - 8.0f);
            } else {
                x0 = __fadd_rn(__fmul_rn(d, small_int_float(c0)), m);
                x1 = __fadd_rn(__fmul_rn(d, small_int_float(c1)), m);
            }
            v[i] = __floats2bfloat162_rn(x0, x1);
        }
    } else if constexpr (F == WeightFormat::Q8_0) {
        const auto* h = reinterpret_cast<const uint16_t*>(bp + 2 + 8 * part);
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const uint32_t pair = h[i];  // weights 2i and 2i + 1 of the part, as int8
            const float x0 = __fmul_rn(small_int_float((pair & 0xffu) ^ 0x80u) - 128.0f, d);
            const float x1 = __fmul_rn(small_int_float((pair >> 8) ^ 0x80u) - 128.0f, d);
            v[i] = __floats2bfloat162_rn(x0, x1);
        }
    } else {
#pragma unroll
        for (int i = 0; i < 4; ++i)
            v[i] = __floats2bfloat162_rn(dequant_element_d<F>(bp, part * 8 + 2 * i, d),
                                         dequant_element_d<F>(bp, part * 8 + 2 * i + 1, d));
    }
}

// Up to 8 weights of the same shape in one launch (blockIdx.y picks one): the
// weights of a grouped product (k and v, gate and up) cost one launch, not one each.
struct DequantJobs {
    const uint8_t* w[8];
    const ScaleSlot* slot[8];  // null: d as stored
    __nv_bfloat16* out[8];
};

template <WeightFormat F>
__global__ void __launch_bounds__(kChunk) dequant_bf16_sourced_kernel(const DequantJobs jobs, int64_t first,
                                                                      int64_t n_blocks) {
    const uint8_t* __restrict__ w = jobs.w[blockIdx.y];
    const ScaleSlot* __restrict__ slot = jobs.slot[blockIdx.y];
    __nv_bfloat16* __restrict__ out = jobs.out[blockIdx.y];
    constexpr int bytes = Traits<F>::bytes;
    static_assert(Traits<F>::qk == 32 && bytes % 2 == 0, "32-weight blocks of whole 16-bit words");
    static_assert(2 * kChunkGroups <= kChunk, "a thread per Philox pair");
    constexpr int words = (kChunk * bytes) / 4 + 2;  // the chunk plus the partial words at either end
    constexpr int loads = (words + kChunk - 1) / kChunk;
    __shared__ uint32_t raw[words];
    __shared__ float d_of[kChunk];
    __shared__ float z_of[4 * kChunkGroups];
    const ScaleSlot src = slot ? *slot : ScaleSlot{};
    const bool from_master = src.master_dev != nullptr;
    const bool noisy = from_master && src.alpha != 0.0f;
    // One chunk per thread block: the blocks resident on an SM overlap each
    // other's steps, where one block looping over chunks would wait at each.
    const int64_t c0 = static_cast<int64_t>(blockIdx.x) * kChunk;
    const int count = n_blocks - c0 < kChunk ? static_cast<int>(n_blocks - c0) : kChunk;
    // (1) Bytes [b0, b1) of the weight, from the 4-byte word that holds b0; all
    // of a thread's loads are issued before the first store.
    const uint64_t b0 = static_cast<uint64_t>(first + c0) * bytes, b1 = b0 + static_cast<uint64_t>(count) * bytes;
    const uint64_t w0 = b0 / 4, w1 = (b1 + 3) / 4;
    const auto* gw = reinterpret_cast<const uint32_t*>(w) + w0;
    const int n_words = static_cast<int>(w1 - w0);
    uint32_t got[loads];
#pragma unroll
    for (int u = 0; u < loads; ++u) {
        const int i = threadIdx.x + u * kChunk;
        if (i < n_words) got[u] = gw[i];
    }
    const uint64_t z0 = src.index0 + static_cast<uint64_t>(first + c0);  // z index of the chunk's block 0
    const uint64_t g0 = z0 >> 2;
    if (noisy && threadIdx.x < 2 * kChunkGroups) {
        const int g = threadIdx.x / 2, pair = threadIdx.x % 2;
        if ((g0 + g) * 4 < z0 + count)
            philox_normal_pair(philox_words(src.seed, src.step, g0 + g), pair, &z_of[4 * g + 2 * pair],
                               &z_of[4 * g + 2 * pair + 1]);
    }
#pragma unroll
    for (int u = 0; u < loads; ++u) {
        const int i = threadIdx.x + u * kChunk;
        if (i < n_words) raw[i] = got[u];
    }
    __syncthreads();
    const uint8_t* chunk = reinterpret_cast<const uint8_t*>(raw) + (b0 - w0 * 4);
    // (2) d of block threadIdx.x.
    if (threadIdx.x < count) {
        float d;
        if (from_master) {
            const float z = noisy ? z_of[z0 + threadIdx.x - 4 * g0] : 0.0f;
            d = __half2float(zo_scale_half(src.master_dev[first + c0 + threadIdx.x], src.alpha, z));
        } else {
            d = h2f(chunk + threadIdx.x * bytes);
        }
        d_of[threadIdx.x] = d;
    }
    __syncthreads();
    // (3) Piece p = 8 weights: block p / 4, weights 8 (p % 4) ...
    __nv_bfloat16* dst = out + c0 * 32;
#pragma unroll
    for (int u = 0; u < 4; ++u) {
        const int p = threadIdx.x + u * kChunk, blk = p / 4, part = p % 4;
        if (blk >= count) break;
        alignas(16) __nv_bfloat162 v[4];
        expand8<F>(chunk + blk * bytes, part, d_of[blk], v);
        reinterpret_cast<uint4*>(dst)[p] = *reinterpret_cast<const uint4*>(v);
    }
}

// Four floats in, four bf16 out per step (16-byte loads, 8-byte stores); the
// count % 4 tail one by one (everything one by one when x is not 16-byte aligned).
__global__ void to_bf16_kernel(const float* __restrict__ x, __nv_bfloat16* __restrict__ out, int64_t count,
                               bool aligned) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    const int64_t quads = aligned ? count / 4 : 0;
    for (int64_t i = first; i < quads; i += stride) {
        const float4 v = reinterpret_cast<const float4*>(x)[i];
        __nv_bfloat162 pair[2] = {__floats2bfloat162_rn(v.x, v.y), __floats2bfloat162_rn(v.z, v.w)};
        reinterpret_cast<uint2*>(out)[i] = *reinterpret_cast<const uint2*>(pair);
    }
    for (int64_t i = quads * 4 + first; i < count; i += stride) out[i] = __float2bfloat16_rn(x[i]);
}

unsigned grid_for(const Context* ctx, int64_t items) {
    const int64_t blocks = (items + 255) / 256;
    const int64_t cap = static_cast<int64_t>(ctx->props.multiProcessorCount) * 32;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks < cap ? blocks : cap));
}

size_t align256(size_t b) { return (b + 255) / 256 * 256; }

// The bf16 copy of a weight is made in tiles of rows of at most ~96 MiB, so that
// a large output head (32000 x 4096) does not need a scratch of its full size.
constexpr size_t kTileBytes = size_t{96} << 20;
int64_t tile_rows(int64_t rows, int64_t cols) {
    const int64_t fit = static_cast<int64_t>(kTileBytes / (static_cast<size_t>(cols) * 2));
    return fit < 1 ? 1 : (fit < rows ? fit : rows);
}

void dequant_tile_sourced(Context* ctx, WeightFormat f, const void* w, size_t row_bytes, int64_t r0, int64_t m,
                          int64_t cols, const ScaleSlot* slot, __nv_bfloat16* wb);

// Whether the chunked kernel takes this weight: a 32-weight format whose rows are
// whole blocks back to back.
bool chunked_dequant(WeightFormat f, size_t row_bytes, int64_t cols) {
    return d_field_fusable(f) && row_bytes == static_cast<size_t>(cols / 32) * format_block_bytes(f);
}

// Rows r0 .. r0 + m - 1 of the weight as bf16 into wb, d as stored in the blocks.
void dequant_tile(Context* ctx, WeightFormat f, const uint8_t* wt, size_t row_bytes, int64_t m, int64_t cols,
                  __nv_bfloat16* wb) {
    if (chunked_dequant(f, row_bytes, cols))  // coalesced
        return dequant_tile_sourced(ctx, f, wt, row_bytes, 0, m, cols, nullptr, wb);
    const unsigned grid = grid_for(ctx, m * (cols / kPerThread));
    switch (f) {
#define X(name)                                                                                                 \
    case WeightFormat::name:                                                                                    \
        dequant_bf16_kernel<WeightFormat::name><<<grid, 256, 0, ctx->stream>>>(wt, row_bytes, m, cols, wb);    \
        break;
        X(F16) X(BF16) X(Q4_0) X(Q4_1) X(Q5_0) X(Q5_1) X(Q8_0) X(Q4_K) X(Q5_K) X(Q6_K)
#undef X
        default: throw std::invalid_argument("matmul_gemm: format " + std::to_string(static_cast<uint32_t>(f)));
    }
    QT_CUDA_CHECK_LAUNCH("dequant_bf16_kernel");
}

// The same with each block's d taken from the slot (d_field_fusable formats;
// a null slot: d as stored), for `count` weights of the same shape at once.
void dequant_tiles_sourced(Context* ctx, WeightFormat f, const void* const* w, const ScaleSlot* const* slots,
                           int count, size_t row_bytes, int64_t r0, int64_t m, int64_t cols,
                           __nv_bfloat16* const* wb) {
    if (!chunked_dequant(f, row_bytes, cols))
        throw std::invalid_argument("matmul_gemm: sourced scales need a 32-weight format with rows of whole blocks "
                                    "back to back (format " + std::to_string(static_cast<uint32_t>(f)) + ")");
    if (count < 1 || count > 8) throw std::invalid_argument("matmul_gemm: 1 to 8 weights per dequantization");
    const int64_t blocks = m * (cols / 32), first = r0 * (cols / 32);
    const int64_t chunks = (blocks + kChunk - 1) / kChunk;
    if (chunks == 0) return;
    if (chunks > 0x7fffffff) throw std::invalid_argument("matmul_gemm: weight of " + std::to_string(blocks) + " blocks");
    const dim3 grid(static_cast<unsigned>(chunks), static_cast<unsigned>(count));
    DequantJobs jobs{};
    for (int i = 0; i < count; ++i) {
        jobs.w[i] = static_cast<const uint8_t*>(w[i]);
        jobs.slot[i] = slots[i];
        jobs.out[i] = wb[i];
    }
    switch (f) {
#define X(name)                                                                                              \
    case WeightFormat::name:                                                                                 \
        dequant_bf16_sourced_kernel<WeightFormat::name><<<grid, kChunk, 0, ctx->stream>>>(jobs, first, blocks); \
        break;
        X(Q4_0) X(Q4_1) X(Q5_0) X(Q5_1) X(Q8_0)
#undef X
        default:
            throw std::invalid_argument("matmul_gemm: no sourced scales for format " +
                                        std::to_string(static_cast<uint32_t>(f)));
    }
    QT_CUDA_CHECK_LAUNCH("dequant_bf16_sourced_kernel");
}

void dequant_tile_sourced(Context* ctx, WeightFormat f, const void* w, size_t row_bytes, int64_t r0, int64_t m,
                          int64_t cols, const ScaleSlot* slot, __nv_bfloat16* wb) {
    dequant_tiles_sourced(ctx, f, &w, &slot, 1, row_bytes, r0, m, cols, &wb);
}

}  // namespace

int gemm_min_tokens() {
    static const int v = [] {
        const char* s = std::getenv("QT_CUDA_GEMM_MIN_TOKENS");
        return s && *s ? std::atoi(s) : 128;
    }();
    return v;
}

bool d_field_fusable(WeightFormat f) {
    return f == WeightFormat::Q4_0 || f == WeightFormat::Q4_1 || f == WeightFormat::Q5_0 || f == WeightFormat::Q5_1 ||
           f == WeightFormat::Q8_0;
}

bool uses_gemm(WeightFormat f, int n) { return f != WeightFormat::F32 && n >= gemm_min_tokens(); }

// Scratch: the bf16 copy of x first (so that the next weight on the same input
// finds it at the same place), then one tile of the bf16 weight.
bool gemm_single_tile(int64_t rows, int64_t cols) { return tile_rows(rows, cols) == rows; }

size_t gemm_scratch_bytes(int64_t rows, int64_t cols, int n) {
    return align256(static_cast<size_t>(n) * cols * 2) + align256(static_cast<size_t>(tile_rows(rows, cols)) * cols * 2);
}

void matmul_gemm(Context* ctx, WeightFormat f, const void* w, size_t row_bytes, int64_t rows, int64_t cols,
                 const float* x, float* y, int n, void* scratch, MatmulOptions options) {
    const int64_t tile = tile_rows(rows, cols);
    auto* xb = static_cast<__nv_bfloat16*>(scratch);
    auto* wb = reinterpret_cast<__nv_bfloat16*>(static_cast<uint8_t*>(scratch) +
                                                align256(static_cast<size_t>(n) * cols * 2));
    const int64_t nx = static_cast<int64_t>(n) * cols;
    if (options.out_bf16 && options.accumulate)
        throw std::invalid_argument("matmul_gemm: a bf16 output cannot be accumulated into");
    const bool sparse = options.sparse.values_dev != nullptr;
    // A kept tile would have to carry the same S: simpler to make it afresh.
    if (sparse && options.reuse_w)
        throw std::invalid_argument("matmul_gemm: reuse_w with a sparse addend");
    if (!options.reuse_x) {
        profile_begin(ctx, "  matmul: activations to bf16");
        const bool aligned = reinterpret_cast<uintptr_t>(x) % 16 == 0;
        to_bf16_kernel<<<grid_for(ctx, aligned ? (nx + 3) / 4 : nx), 256, 0, ctx->stream>>>(x, xb, nx, aligned);
        QT_CUDA_CHECK_LAUNCH("to_bf16_kernel");
        profile_end(ctx);
    }
    for (int64_t r0 = 0; r0 < rows; r0 += tile) {
        const int64_t m = rows - r0 < tile ? rows - r0 : tile;
        const uint8_t* wt = static_cast<const uint8_t*>(w) + static_cast<size_t>(r0) * row_bytes;
        if (!(options.reuse_w && tile == rows)) {
            profile_begin(ctx, "  matmul: dequant to bf16");
            if (options.d_slot_dev) dequant_tile_sourced(ctx, f, w, row_bytes, r0, m, cols, options.d_slot_dev, wb);
            else dequant_tile(ctx, f, wt, row_bytes, m, cols, wb);
            profile_end(ctx);
            if (sparse) {
                profile_begin(ctx, "  matmul: sparse addend into bf16");
                sparse_add_to_bf16_rows(ctx, options.sparse, r0, m, cols, wb);
                profile_end(ctx);
            }
        }
        // Row-major y[n][rows] = x W^T: column-major Y (rows x n) = W^T' X with W seen as
        // cols x rows; a tile of rows r0.. is the sub-matrix at y + r0 with the same ldc.
        const float one = 1.0f, beta = options.accumulate ? 1.0f : 0.0f;
        profile_begin(ctx, "  matmul: cuBLAS bf16 GEMM");
        void* c = options.out_bf16 ? static_cast<void*>(reinterpret_cast<__nv_bfloat16*>(y) + r0)
                                   : static_cast<void*>(y + r0);
        const cublasStatus_t s = cublasGemmEx(
            blas_handle(ctx), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(m), n, static_cast<int>(cols), &one, wb,
            CUDA_R_16BF, static_cast<int>(cols), xb, CUDA_R_16BF, static_cast<int>(cols), &beta, c,
            options.out_bf16 ? CUDA_R_16BF : CUDA_R_32F, static_cast<int>(rows), CUBLAS_COMPUTE_32F,
            CUBLAS_GEMM_DEFAULT);
        profile_end(ctx);
        if (s != CUBLAS_STATUS_SUCCESS)
            throw std::runtime_error("cuBLAS error in cublasGemmEx (quantized matmul, " + std::to_string(rows) + " x " +
                                     std::to_string(cols) + ", " + std::to_string(n) + " tokens): status " +
                                     std::to_string(static_cast<int>(s)));
    }
}

bool gemm_group_fits(int count, int64_t rows, int64_t cols) {
    return count >= 2 && static_cast<size_t>(count) * static_cast<size_t>(rows) * static_cast<size_t>(cols) * 2 <=
                             kTileBytes;
}

size_t gemm_group_scratch_bytes(int count, int64_t rows, int64_t cols, int n) {
    return align256(static_cast<size_t>(n) * cols * 2) +
           align256(static_cast<size_t>(count) * static_cast<size_t>(rows) * static_cast<size_t>(cols) * 2);
}

void matmul_group(Context* ctx, WeightFormat f, const void* const* w, const ScaleSlot* const* slots, int count,
                  size_t row_bytes, int64_t rows, int64_t cols, float* const* y, int n, void* scratch,
                  bool out_bf16) {
    if (!gemm_group_fits(count, rows, cols))
        throw std::invalid_argument("matmul_group: " + std::to_string(count) + " weights of " + std::to_string(rows) +
                                    " x " + std::to_string(cols) + " do not fit one tile");
    // Weights in the order of their outputs, so that the output stride is positive.
    int order[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    if (count > 8) throw std::invalid_argument("matmul_group: at most 8 weights");
    for (int i = 0; i < count; ++i) order[i] = i;
    for (int i = 1; i < count; ++i)
        for (int j = i; j > 0 && y[order[j]] < y[order[j - 1]]; --j) std::swap(order[j], order[j - 1]);
    const long long stride_y = y[order[1]] - y[order[0]];
    for (int i = 2; i < count; ++i)
        if (y[order[i]] - y[order[i - 1]] != stride_y)
            throw std::invalid_argument("matmul_group: outputs not at equal distances");
    if (stride_y < static_cast<long long>(rows) * n)
        throw std::invalid_argument("matmul_group: outputs overlap");
    auto* xb = static_cast<__nv_bfloat16*>(scratch);
    auto* wb = reinterpret_cast<__nv_bfloat16*>(static_cast<uint8_t*>(scratch) +
                                                align256(static_cast<size_t>(n) * cols * 2));
    const size_t w_elems = static_cast<size_t>(rows) * static_cast<size_t>(cols);
    profile_begin(ctx, "  matmul: dequant to bf16");
    if (chunked_dequant(f, row_bytes, cols)) {
        const void* w_in[8];
        const ScaleSlot* s_in[8];
        __nv_bfloat16* out[8];
        for (int i = 0; i < count; ++i) {
            w_in[i] = w[order[i]];
            s_in[i] = slots[order[i]];
            out[i] = wb + i * w_elems;
        }
        dequant_tiles_sourced(ctx, f, w_in, s_in, count, row_bytes, 0, rows, cols, out);
    } else {
        for (int i = 0; i < count; ++i) {
            const int k = order[i];
            if (slots[k]) dequant_tile_sourced(ctx, f, w[k], row_bytes, 0, rows, cols, slots[k], wb + i * w_elems);
            else dequant_tile(ctx, f, static_cast<const uint8_t*>(w[k]), row_bytes, rows, cols, wb + i * w_elems);
        }
    }
    profile_end(ctx);
    // As matmul_gemm's product, batched: A_i = weight i, B shared (stride 0), C_i = y_i
    // (bf16 outputs at the same addresses: twice as many of them between outputs).
    const float one = 1.0f, zero = 0.0f;
    void* c = y[order[0]];
    profile_begin(ctx, "  matmul: cuBLAS bf16 GEMM");
    const cublasStatus_t s = cublasGemmStridedBatchedEx(
        blas_handle(ctx), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(rows), n, static_cast<int>(cols), &one, wb,
        CUDA_R_16BF, static_cast<int>(cols), static_cast<long long>(w_elems), xb, CUDA_R_16BF, static_cast<int>(cols),
        0, &zero, c, out_bf16 ? CUDA_R_16BF : CUDA_R_32F, static_cast<int>(rows), out_bf16 ? 2 * stride_y : stride_y,
        count, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
    profile_end(ctx);
    if (s != CUBLAS_STATUS_SUCCESS)
        throw std::runtime_error("cuBLAS error in cublasGemmStridedBatchedEx (" + std::to_string(count) + " x " +
                                 std::to_string(rows) + " x " + std::to_string(cols) + ", " + std::to_string(n) +
                                 " tokens): status " + std::to_string(static_cast<int>(s)));
}

}  // namespace qt::cuda
