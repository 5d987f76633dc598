#pragma once
// LLaMA-family hyperparameters, read from GGUF metadata ("<arch>.block_count" ...).
#include <cstdint>
#include <string>

namespace qt {

class GgufFile;

struct LlamaConfig {
    std::string architecture;  // "llama" (also accepts families with the same graph)
    int n_layers = 0;
    int dim = 0;           // embedding_length
    int ffn_dim = 0;       // feed_forward_length
    int n_heads = 0;
    int n_kv_heads = 0;
    int head_dim = 0;
    int n_rot = 0;         // rope.dimension_count
    int vocab_size = 0;
    int context_length = 0;
    float rope_freq_base = 10000.0f;
    float rms_eps = 1e-5f;
    bool tied_output = false;  // output.weight absent: the embedding doubles as the head

    // Reads and validates; throws ModelFileError naming the key and the problem.
    static LlamaConfig from_gguf(const GgufFile& file);
};

}  // namespace qt
