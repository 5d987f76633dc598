#pragma once
// Block formats -> float32, bit-exact with gguf-py's numpy dequantization
// (the test oracle), which follows ggml's reference C code.
#include <cstdint>

#include "quant/ggml_type.h"

namespace qt {

// Converts `n` weights (a multiple of the type's block size) starting at `src`.
// Throws std::invalid_argument for a type that has no dequantization.
void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);

}  // namespace qt
