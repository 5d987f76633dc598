#pragma once
// Writes a LLaMA-architecture GGUF of given shapes with random weights: test
// models of real shapes (GPU tests, the training tests) without downloading any.
// Linear layers and the embedding are quantized to `weight_type` (legacy types
// from normal floats with ggml's reference rounding; K-quants as random codes
// with scales set for the same spread); norms are F32 near 1.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "quant/ggml_type.h"

namespace qt {

struct RandomLlamaSpec {
    int n_layers = 2;
    int dim = 64;
    int ffn_dim = 128;
    int n_heads = 4;
    int n_kv_heads = 2;
    int vocab_size = 320;  // >= 257: 256 byte tokens, merges, and <|endoftext|> last
    int context_length = 256;
    bool tied_output = true;
    GgmlType weight_type = GgmlType::Q4_1;
    // Types by linear role ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate",
    // "ffn_up", "ffn_down") that differ from weight_type: a mixed file such as
    // llama.cpp's Q4_K_M (Q6_K ffn_down among Q4_K). K-quants need dim and ffn_dim
    // multiples of 256.
    std::map<std::string, GgmlType> linear_types;
    GgmlType embedding_type = GgmlType::Q8_0;
    uint64_t seed = 1;
    // When set, the tokenizer.* metadata is copied from this file and vocab_size follows it.
    const GgufFile* tokenizer_source = nullptr;
};

void write_random_llama_gguf(const std::string& path, const RandomLlamaSpec& spec);

// Reference quantization of n floats (a multiple of the block size) into blocks,
// rounding as ggml's quantize_row_*_ref: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0.
void quantize_row_reference(GgmlType type, const float* x, void* dst, int64_t n);

}  // namespace qt
