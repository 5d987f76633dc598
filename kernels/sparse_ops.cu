// Sparse ZO's operations on the GPU (engine/backend/backend.h states them; the host
// reference is engine/backend/backend_sparse_ops.cpp): the sparse part S of
// W = dequant(Q) + S applied to activations straight from its rows (CSR, no dense
// copy), and the squared-gradient sums of the sensitivity. No atomics: each output
// value is written by one thread, its terms added in the host's order, so the
// result is the same on every run.
//
// S also reaches the tensor-core matmul another way: sparse_add_to_bf16_rows adds
// its entries to each bf16 tile of the weight as it is dequantized (quant_matmul_gemm.cu),
// O(nnz) a product instead of the O(nnz n) gathers of sparse_matmul_add.
//
// Rounding: the host's loops are compiled with FMA contraction (g++, -march=native,
// -ffp-contract=fast, the default for C++): add_squares is one vfmadd per value
// (checked in the assembly), so the kernel writes the same fused operation,
// __fmaf_rn, and matches it bit for bit. The host's sparse row sum is fused in its
// scalar part and separately rounded where g++ vectorizes the products (the first
// 8 or 16 terms of a longer row, on AVX-512): the kernel fuses every term, so the two
// differ only by those products' roundings (bounded in tests/cuda/test_cuda_sparse.cpp).
#include <cuda_bf16.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

constexpr int kThreads = 256;
// A block covers 32 rows (a warp, so y's writes are contiguous) by 8 tokens (the
// same row's entries are then read by 8 warps, from L1 after the first).
constexpr int kRowsPerBlock = 32;
constexpr int kTokensPerBlock = kThreads / kRowsPerBlock;
constexpr int64_t kMaxGridY = 65535;

// y[t][r] += sum over j in [row_start[r], row_start[r+1]) of values[j] x[t][col[j]],
// one thread per (row, token); a row without entries returns at once, which at
// 0.1% density is what most threads of a wide, short matrix do.
//   x: [n][cols]; y: [n][rows]
__global__ void __launch_bounds__(kThreads)
    sparse_matmul_add_kernel(const int32_t* __restrict__ row_start, const int32_t* __restrict__ col,
                             const float* __restrict__ values, int64_t rows, int64_t cols, const float* __restrict__ x,
                             float* __restrict__ y, int n) {
    const int64_t r = static_cast<int64_t>(blockIdx.x) * kRowsPerBlock + threadIdx.x;
    if (r >= rows) return;
    const int32_t begin = row_start[r], end = row_start[r + 1];
    if (begin >= end) return;
    const int64_t token_stride = static_cast<int64_t>(gridDim.y) * kTokensPerBlock;
    for (int64_t t = static_cast<int64_t>(blockIdx.y) * kTokensPerBlock + threadIdx.y; t < n; t += token_stride) {
        const float* xt = x + t * cols;
        float acc = 0.0f;
        for (int32_t j = begin; j < end; ++j) acc = __fmaf_rn(values[j], xt[col[j]], acc);
        float* yt = y + t * rows + r;
        *yt = __fadd_rn(*yt, acc);  // the row's sum first, then y: as the host
    }
}

// One warp a row of the tile, its lanes striding over the row's entries: rows hold
// a few entries at 0.1% density and a hundred at 1% of a wide matrix, and a lane
// each keeps either case short. A column given twice is added by the lane of its
// first entry (so no two lanes write one weight); a column outside the weight is
// skipped, as nothing may be written there.
constexpr int kAddRowsPerBlock = kThreads / 32;

__global__ void __launch_bounds__(kThreads)
    sparse_add_bf16_kernel(const int32_t* __restrict__ row_start, const int32_t* __restrict__ col,
                           const float* __restrict__ values, int64_t r0, int64_t m, int64_t cols,
                           __nv_bfloat16* __restrict__ wb) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * kAddRowsPerBlock + threadIdx.x / 32;
    if (i >= m) return;
    const int32_t begin = row_start[r0 + i], end = row_start[r0 + i + 1];
    __nv_bfloat16* row = wb + i * cols;
    for (int32_t j = begin + static_cast<int32_t>(threadIdx.x % 32); j < end; j += 32) {
        const int32_t c = col[j];
        if (c < 0 || c >= cols || (j > begin && col[j - 1] == c)) continue;
        float v = values[j];
        for (int32_t k = j + 1; k < end && col[k] == c; ++k) v += values[k];
        row[c] = __float2bfloat16_rn(__bfloat162float(row[c]) + v);
    }
}

// acc[i] += g[i] g[i], fused as the host's loop is (see the top of the file).
__global__ void add_squares_kernel(float* __restrict__ acc, const float* __restrict__ g, int64_t count) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count; i += stride)
        acc[i] = __fmaf_rn(g[i], g[i], acc[i]);
}

}  // namespace

void sparse_matmul_add(Context* ctx, const int32_t* row_start, const int32_t* col, const float* values, int64_t rows,
                       int64_t cols, int64_t nnz, const float* x, float* y, int n) {
    if (nnz == 0 || n <= 0) return;
    if (rows <= 0 || cols <= 0) throw std::invalid_argument("sparse_matmul_add: empty shape with entries");
    const int64_t row_blocks = (rows + kRowsPerBlock - 1) / kRowsPerBlock;
    if (row_blocks > 0x7fffffff)
        throw std::invalid_argument("sparse_matmul_add: " + std::to_string(rows) +
                                    " rows are more than one grid holds");
    const int64_t token_blocks = std::min<int64_t>((n + kTokensPerBlock - 1) / kTokensPerBlock, kMaxGridY);
    const dim3 grid(static_cast<unsigned>(row_blocks), static_cast<unsigned>(token_blocks));
    sparse_matmul_add_kernel<<<grid, dim3(kRowsPerBlock, kTokensPerBlock), 0, ctx->stream>>>(row_start, col, values,
                                                                                             rows, cols, x, y, n);
    QT_CUDA_CHECK_LAUNCH("sparse_matmul_add_kernel");
}

void sparse_add_to_bf16_rows(Context* ctx, const SparseTileAddend& s, int64_t r0, int64_t m, int64_t cols,
                             void* wb) {
    if (!s.values_dev || m <= 0) return;
    const int64_t blocks = (m + kAddRowsPerBlock - 1) / kAddRowsPerBlock;
    if (blocks > 0x7fffffff)
        throw std::invalid_argument("sparse_add_to_bf16_rows: " + std::to_string(m) +
                                    " rows are more than one grid holds");
    sparse_add_bf16_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, ctx->stream>>>(
        s.row_start_dev, s.col_dev, s.values_dev, r0, m, cols, static_cast<__nv_bfloat16*>(wb));
    QT_CUDA_CHECK_LAUNCH("sparse_add_bf16_kernel");
}

void add_squares(Context* ctx, float* acc, const float* g, int64_t count) {
    if (count <= 0) return;
    const int64_t blocks = std::min<int64_t>((count + kThreads - 1) / kThreads, int64_t{1} << 20);
    add_squares_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, ctx->stream>>>(acc, g, count);
    QT_CUDA_CHECK_LAUNCH("add_squares_kernel");
}

}  // namespace qt::cuda
