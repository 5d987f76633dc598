#pragma once
// Dot products straight from quantized weight blocks, as the CPU backend's
// matrix products use them. Like ggml, activations are first quantized per row
// into the "dot type" that pairs with the weight type (Q8_0 for Q4_0/Q5_0/Q8_0,
// Q8_1 for Q4_1/Q5_1, Q8_K for the K-quants), so that the inner loop is an
// integer dot product; weights are never expanded to float.
#include <cstddef>
#include <cstdint>

#include "quant/ggml_type.h"

namespace qt {

// Activation block layouts (ggml's block_q8_0 / block_q8_1 / block_q8_K).
struct BlockQ8_0 {
    uint16_t d;  // fp16 scale
    int8_t qs[32];
};
struct BlockQ8_1 {
    uint16_t d;  // fp16 scale
    uint16_t s;  // fp16 of d * sum(qs)
    int8_t qs[32];
};
struct BlockQ8_K {
    float d;
    int8_t qs[256];
    int16_t bsums[16];  // sums of groups of 16 qs
};

// The type activations are quantized to before a dot with weights of `weight_type`
// (F32 where weights are float: F32, F16, BF16).
GgmlType vec_dot_type(GgmlType weight_type);

// Quantizes `n` floats (a multiple of the dot type's block size) into `dst`,
// which holds ggml_row_size(dot_type, n) bytes.
void quantize_row_for_dot(GgmlType dot_type, const float* x, void* dst, int64_t n);

// Sum over n of w[i] * x[i], w a row of `weight_type` blocks and x a row already
// quantized with quantize_row_for_dot(vec_dot_type(weight_type), ...).
// Uses the SIMD kernel where this build has one (see vec_dot_isa()).
float vec_dot(GgmlType weight_type, int64_t n, const void* w_row, const void* x_row);

// y[r] = vec_dot(weight_type, n, w + r * row_bytes, x_row) for r in [0, rows):
// the kernel is looked up once, not per row.
void vec_dot_rows(GgmlType weight_type, int64_t n, const void* w, size_t row_bytes, int64_t rows,
                  const void* x_row, float* y);

// The same two operations done by the portable scalar code whatever the build
// targets: the reference the SIMD kernels are tested against. Quantization is
// bit-identical to quantize_row_for_dot; dots differ only in float summation order.
void quantize_row_for_dot_reference(GgmlType dot_type, const float* x, void* dst, int64_t n);
float vec_dot_reference(GgmlType weight_type, int64_t n, const void* w_row, const void* x_row);

// The instruction set of the kernels vec_dot uses: "avx512vnni", "avx2" or "scalar".
const char* vec_dot_isa();

}  // namespace qt
