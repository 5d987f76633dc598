#pragma once
// The per-type kernels behind vec_dot (engine-internal). Each takes a whole row:
// n weights (whole blocks) and the activation row in the matching dot type.
// Scalar kernels are portable and always built: they are the fallback and the
// reference the SIMD kernels are tested against. SIMD kernels exist where the
// compiler targets AVX2 with FMA and F16C.
#include <cstdint>

#include "quant/ggml_type.h"

namespace qt::dot_kernels {

using DotKernel = float (*)(int64_t n, const void* w_row, const void* x_row);

// nullptr when the weight type has no integer-dot kernel.
DotKernel scalar_kernel(GgmlType weight_type);
// nullptr when this build has no SIMD kernel for the type.
DotKernel simd_kernel(GgmlType weight_type);
// Which SIMD kernels this build has: "avx512vnni", "avx2" or "none".
const char* simd_isa();

// Activation quantizers; the SIMD ones return false when not built.
void quantize_q8_0_scalar(const float* x, void* dst, int64_t n);
void quantize_q8_1_scalar(const float* x, void* dst, int64_t n);
void quantize_q8_K_scalar(const float* x, void* dst, int64_t n);
bool quantize_q8_0_simd(const float* x, void* dst, int64_t n);
bool quantize_q8_1_simd(const float* x, void* dst, int64_t n);

}  // namespace qt::dot_kernels
