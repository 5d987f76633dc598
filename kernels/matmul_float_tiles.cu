// float32 products with a weight kept in its blocks, for first-order training:
//   matmul_float           y = W x     (the training forward: no 8-bit activations, no bf16)
//   matmul_backward_input  dx (+)= dy W (its input gradient)
// W is never dequantized whole: a tile of rows (at most kTileBytes of float32)
// at a time is expanded into a scratch, with dequant_element's floats (those of
// the CPU's dequantize_row, bit for bit), and SGEMM in float32 (no TF32) takes
// the tile: y[:, r0:r1] = x W[r0:r1]^T, dx (+)= dy[:, r0:r1] W[r0:r1]. So the
// result differs from the CPU's only by float summation order (relative ~1e-6),
// where a bf16 tile would cost ~4e-3: the weights' 8 bits of mantissa and the
// activations'. Both directions read the weight the same way, so the gradient is
// that of the loss computed.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"
#include "quant_formats.cuh"

namespace qt::cuda {
namespace {

// 32 MiB of float rows per tile: 2048 rows of a 4096-wide weight, a GEMM large
// enough to fill the device, and 1/4 of the forward's bf16 tile budget.
constexpr size_t kTileBytes = size_t{32} << 20;

int64_t tile_rows(int64_t rows, int64_t cols) {
    const int64_t fit = static_cast<int64_t>(kTileBytes / (static_cast<size_t>(cols) * sizeof(float)));
    return fit < 1 ? 1 : (fit < rows ? fit : rows);
}

// Four consecutive weights of a row per thread (cols is a multiple of 32 for
// every block format), stored as one 16-byte vector.
template <WeightFormat F>
__global__ void dequant_f32_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t rows, int64_t cols,
                                   float* __restrict__ out) {
    const int64_t quads_per_row = cols / 4;
    const int64_t total = rows * quads_per_row;
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < total;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t r = g / quads_per_row;
        const int64_t c = (g % quads_per_row) * 4;
        constexpr int qk = Traits<F>::qk;
        const uint8_t* blk = w + r * row_bytes + static_cast<size_t>(c / qk) * Traits<F>::bytes;
        const int e0 = static_cast<int>(c % qk);
        float4 v;
        v.x = dequant_element<F>(blk, e0);
        v.y = dequant_element<F>(blk, e0 + 1);
        v.z = dequant_element<F>(blk, e0 + 2);
        v.w = dequant_element<F>(blk, e0 + 3);
        reinterpret_cast<float4*>(out + r * cols)[c / 4] = v;
    }
}

void dequant_f32_tile(Context* ctx, WeightFormat f, const uint8_t* wt, size_t row_bytes, int64_t m, int64_t cols,
                      float* out) {
    const int64_t items = m * (cols / 4);
    const int64_t cap = static_cast<int64_t>(ctx->props.multiProcessorCount) * 16;
    const int64_t blocks = (items + 255) / 256;
    const unsigned grid = static_cast<unsigned>(blocks < 1 ? 1 : (blocks < cap ? blocks : cap));
    switch (f) {
#define X(name)                                                                                                  \
    case WeightFormat::name:                                                                                     \
        dequant_f32_kernel<WeightFormat::name><<<grid, 256, 0, ctx->stream>>>(wt, row_bytes, m, cols, out);     \
        break;
        X(F16) X(BF16) X(Q4_0) X(Q4_1) X(Q5_0) X(Q5_1) X(Q8_0) X(Q4_K) X(Q5_K) X(Q6_K)
#undef X
        default:
            throw std::invalid_argument("float tile of format " + std::to_string(static_cast<uint32_t>(f)));
    }
    QT_CUDA_CHECK_LAUNCH("dequant_f32_kernel");
}

// Column-major views (gemm_f32 in matmul_f32.cu explains the swap): a row-major
// [m][cols] tile is the column-major cols x m matrix W_tile^T with ld cols.
void check_shape(const char* what, WeightFormat f, int64_t rows, int64_t cols) {
    if (cols % 4 != 0 && f != WeightFormat::F32)
        throw std::invalid_argument(std::string(what) + ": " + std::to_string(cols) + " columns, not whole blocks");
    if (rows > 0x7fffffff || cols > 0x7fffffff)
        throw std::invalid_argument(std::string(what) + ": weight of " + std::to_string(rows) + " x " +
                                    std::to_string(cols));
}

}  // namespace

size_t float_tile_scratch_bytes(WeightFormat f, int64_t rows, int64_t cols) {
    if (f == WeightFormat::F32 || rows <= 0 || cols <= 0) return 0;
    return static_cast<size_t>(tile_rows(rows, cols)) * static_cast<size_t>(cols) * sizeof(float);
}

void matmul_float(Context* ctx, WeightFormat f, const void* w, size_t row_bytes, int64_t rows, int64_t cols,
                  const float* x, float* y, int n, void* scratch) {
    if (n <= 0 || rows <= 0) return;
    if (cols <= 0) {
        fill_zero(ctx, y, static_cast<size_t>(n) * static_cast<size_t>(rows) * sizeof(float));
        return;
    }
    check_shape("matmul_float", f, rows, cols);
    const float one = 1.0f, zero = 0.0f;
    const int ld_x = static_cast<int>(cols), ld_y = static_cast<int>(rows);
    // Y (rows x n, ld rows) rows r0.. = W_tile (m x cols) X (cols x n, ld cols).
    if (f == WeightFormat::F32) {
        check_blas(cublasSgemm(blas_handle(ctx), CUBLAS_OP_T, CUBLAS_OP_N, ld_y, n, ld_x, &one,
                               static_cast<const float*>(w), ld_x, x, ld_x, &zero, y, ld_y),
                   "cublasSgemm (matmul_float, F32)");
        return;
    }
    auto* tile = static_cast<float*>(scratch);
    const int64_t tile_m = tile_rows(rows, cols);
    for (int64_t r0 = 0; r0 < rows; r0 += tile_m) {
        const int64_t m = rows - r0 < tile_m ? rows - r0 : tile_m;
        dequant_f32_tile(ctx, f, static_cast<const uint8_t*>(w) + static_cast<size_t>(r0) * row_bytes, row_bytes, m,
                         cols, tile);
        check_blas(cublasSgemm(blas_handle(ctx), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(m), n, ld_x, &one, tile,
                               ld_x, x, ld_x, &zero, y + r0, ld_y),
                   "cublasSgemm (matmul_float)");
    }
}

void matmul_backward_input(Context* ctx, WeightFormat f, const void* w, size_t row_bytes, int64_t rows, int64_t cols,
                           const float* dy, float* dx, int n, bool accumulate, void* scratch) {
    if (n <= 0 || cols <= 0) return;
    if (rows <= 0) {
        if (!accumulate) fill_zero(ctx, dx, static_cast<size_t>(n) * static_cast<size_t>(cols) * sizeof(float));
        return;
    }
    check_shape("matmul_backward_input", f, rows, cols);
    const float one = 1.0f, zero = 0.0f;
    const int ld_dy = static_cast<int>(rows), ld_dx = static_cast<int>(cols);
    // dx^T (cols x n) (+)= W_tile^T (cols x m) dy_tile^T (m x n), dy's columns r0.. with ld rows.
    if (f == WeightFormat::F32) {
        check_blas(cublasSgemm(blas_handle(ctx), CUBLAS_OP_N, CUBLAS_OP_N, ld_dx, n, ld_dy, &one,
                               static_cast<const float*>(w), ld_dx, dy, ld_dy, accumulate ? &one : &zero, dx, ld_dx),
                   "cublasSgemm (matmul_backward_input, F32)");
        return;
    }
    auto* tile = static_cast<float*>(scratch);
    const int64_t tile_m = tile_rows(rows, cols);
    for (int64_t r0 = 0; r0 < rows; r0 += tile_m) {
        const int64_t m = rows - r0 < tile_m ? rows - r0 : tile_m;
        dequant_f32_tile(ctx, f, static_cast<const uint8_t*>(w) + static_cast<size_t>(r0) * row_bytes, row_bytes, m,
                         cols, tile);
        const bool add = accumulate || r0 > 0;
        check_blas(cublasSgemm(blas_handle(ctx), CUBLAS_OP_N, CUBLAS_OP_N, ld_dx, n, static_cast<int>(m), &one, tile,
                               ld_dx, dy + r0, ld_dy, add ? &one : &zero, dx, ld_dx),
                   "cublasSgemm (matmul_backward_input)");
    }
}

}  // namespace qt::cuda
