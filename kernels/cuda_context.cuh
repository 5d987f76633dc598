#pragma once
// The state behind the opaque qt::cuda::Context: a device and the stream all work goes on.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda_ops.h"

namespace qt::cuda {

struct OpProfile;  // op_profile.cu

struct Context {
    int device = 0;
    cudaStream_t stream = nullptr;
    cudaDeviceProp props{};
    cublasHandle_t blas = nullptr;  // made on first use by blas_handle(), bound to `stream`
    OpProfile* profile = nullptr;   // QT_CUDA_PROFILE=1 only
};

void destroy_profile(Context* ctx);

// The context's cuBLAS handle, made on first use (matmul_f32.cu), in pedantic
// math mode: float32 products stay float32 (no TF32).
cublasHandle_t blas_handle(Context* ctx);

// Throws naming the cuBLAS call when it failed.
inline void check_blas(cublasStatus_t s, const char* what) {
    if (s != CUBLAS_STATUS_SUCCESS)
        throw std::runtime_error(std::string("cuBLAS error in ") + what + ": status " +
                                 std::to_string(static_cast<int>(s)));
}

// The tensor-core path of matmul for many tokens (quant_matmul_gemm.cu).
int gemm_min_tokens();
bool uses_gemm(WeightFormat f, int n);
size_t gemm_scratch_bytes(int64_t rows, int64_t cols, int n);
void matmul_gemm(Context* ctx, WeightFormat f, const void* w, size_t row_bytes, int64_t rows, int64_t cols,
                 const float* x, float* y, int n, void* scratch, MatmulOptions options);

// Causal attention of many queries on the tensor cores (attention_tiled.cu); false
// when the head size or the device's shared memory does not allow it.
bool attention_tiled(Context* ctx, const float* q, const uint16_t* kc, const uint16_t* vc, int kv_width, int pos0,
                     int n, int n_heads, int group, int head_dim, float* out);

}  // namespace qt::cuda
