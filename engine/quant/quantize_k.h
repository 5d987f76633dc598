#pragma once
// float32 -> K-quant blocks by ggml's reference rule (no importance matrix), which
// quantize_row() (quant/quantize.h) dispatches to. gguf-py has no K-quant
// quantizer; the oracle is llama.cpp's own (llama_model_quantize).
#include <cstdint>

namespace qt {

// n_super_blocks super-blocks of 256 floats at x -> 144 bytes each at out.
void quantize_q4_k(const float* x, uint8_t* out, int64_t n_super_blocks);

}  // namespace qt
