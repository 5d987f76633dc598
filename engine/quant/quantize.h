#pragma once
// float32 -> block formats, bit-exact with gguf-py's numpy quantization
// (gguf.quants.quantize, the test oracle), which for these types rounds as
// ggml's quantize_row_*_ref does. Used to write merged (W + update) weights
// back into a model file.
//
// Covered: F32, F16 and the 32-weight block formats Q4_0, Q4_1, Q5_0, Q5_1,
// Q8_0; and Q4_K by ggml's reference search (quant/quantize_k.h: gguf-py has
// none, so it is checked against llama.cpp's quantizer). Other K-quants and
// every other type are refused.
#include <cstdint>

#include "quant/ggml_type.h"

namespace qt {

// Whether quantize_row() can produce `type`.
bool quantizable(GgmlType type);

// Quantizes `n` floats (a multiple of the type's block size) into
// ggml_row_size(type, n) bytes at `blocks`. Inputs are expected finite (as in
// gguf-py, a NaN or infinity gives whatever codes the arithmetic yields).
// Throws std::invalid_argument naming the type when it is not quantizable, or
// when n is not a whole number of blocks.
void quantize_row(GgmlType type, const float* x, void* blocks, int64_t n);

}  // namespace qt
