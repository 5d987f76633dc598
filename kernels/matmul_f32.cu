// y = W x for a float32 weight (MeZO's expanded linears) through cuBLAS SGEMM in
// plain float32 (no TF32: MeZO's perturbations of 1e-3 relative must survive the
// product). Row-major y[n][rows] = x[n][cols] W^T is, in cuBLAS's column-major
// terms, Y (rows x n) = W^T' (rows x cols) X (cols x n) with W stored as a
// cols x rows column-major matrix.
#include <string>

#include "cuda_check.cuh"
#include "cuda_context.cuh"
#include "cuda_ops.h"

namespace qt::cuda {
namespace {

void check_blas(cublasStatus_t s, const char* what) {
    if (s != CUBLAS_STATUS_SUCCESS)
        throw std::runtime_error(std::string("cuBLAS error in ") + what + ": status " + std::to_string(static_cast<int>(s)));
}

}  // namespace

cublasHandle_t blas_handle(Context* ctx) {
    if (!ctx->blas) {
        QT_CUDA_CHECK(cudaSetDevice(ctx->device));
        check_blas(cublasCreate(&ctx->blas), "cublasCreate");
        check_blas(cublasSetStream(ctx->blas, ctx->stream), "cublasSetStream");
        check_blas(cublasSetMathMode(ctx->blas, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");
    }
    return ctx->blas;
}

void matmul_f32(Context* ctx, const float* w_dev, int64_t rows, int64_t cols, const float* x_dev, float* y_dev, int n) {
    if (n <= 0 || rows <= 0) return;
    const float one = 1.0f, zero = 0.0f;
    check_blas(cublasSgemm(blas_handle(ctx), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(rows), n, static_cast<int>(cols),
                           &one, w_dev, static_cast<int>(cols), x_dev, static_cast<int>(cols), &zero, y_dev,
                           static_cast<int>(rows)),
               "cublasSgemm (matmul_f32)");
}

}  // namespace qt::cuda
