// y = W x for a float32 weight (MeZO's expanded linears), and first-order
// training's dense products (gemm_f32), through cuBLAS SGEMM in plain float32
// (no TF32: MeZO's perturbations of 1e-3 relative must survive the product, and
// gradients are compared with the CPU's float32). Row-major y[n][rows] = x[n][cols] W^T is, in cuBLAS's column-major
// terms, Y (rows x n) = W^T' (rows x cols) X (cols x n) with W stored as a
// cols x rows column-major matrix.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {

cublasHandle_t blas_handle(Context* ctx) {
    if (!ctx->blas) {
        QT_CUDA_CHECK(cudaSetDevice(ctx->device));
        check_blas(cublasCreate(&ctx->blas), "cublasCreate");
        check_blas(cublasSetStream(ctx->blas, ctx->stream), "cublasSetStream");
        check_blas(cublasSetMathMode(ctx->blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
    }
    return ctx->blas;
}

void set_tf32_products(Context* ctx, bool on) {
    check_blas(cublasSetMathMode(blas_handle(ctx), on ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_PEDANTIC_MATH),
               "cublasSetMathMode");
}

void matmul_f32(Context* ctx, const float* w_dev, int64_t rows, int64_t cols, const float* x_dev, float* y_dev, int n) {
    if (n <= 0 || rows <= 0) return;
    const float one = 1.0f, zero = 0.0f;
    check_blas(cublasSgemm(blas_handle(ctx), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(rows), n, static_cast<int>(cols),
                           &one, w_dev, static_cast<int>(cols), x_dev, static_cast<int>(cols), &zero, y_dev,
                           static_cast<int>(rows)),
               "cublasSgemm (matmul_f32)");
}

// Row-major C[m][n] = op(A) op(B) is column-major C^T (n x m) = op(B)^T op(A)^T:
// B's row-major storage read column-major is B^T (ld n, or k when trans_b) and
// likewise A's, so the operands swap places and keep their transposition flags.
void gemm_f32(Context* ctx, bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a,
              const float* b, float beta, float* c) {
    if (m <= 0 || n <= 0) return;
    if (k < 0) throw std::invalid_argument("gemm_f32: negative inner dimension " + std::to_string(k));
    if (k == 0) {  // C = beta C (cuBLAS takes no leading dimension of 0)
        const int64_t count = static_cast<int64_t>(m) * n;
        if (beta == 0.0f) fill_zero(ctx, c, static_cast<size_t>(count) * sizeof(float));
        else if (beta != 1.0f) scale(ctx, c, count, beta);
        return;
    }
    check_blas(cublasSgemm(blas_handle(ctx), trans_b ? CUBLAS_OP_T : CUBLAS_OP_N, trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                           n, m, k, &alpha, b, trans_b ? k : n, a, trans_a ? m : k, &beta, c, n),
               "cublasSgemm (gemm_f32)");
}

}  // namespace qt::cuda
