#pragma once
// A Hugging Face model's config.json (transformers' LlamaConfig / MistralConfig
// fields), validated and mapped to the GGUF metadata keys QuantTune's model reads
// (LlamaConfig::from_gguf): "llama.block_count" ... Errors are ModelFileErrors
// "PATH/config.json: key \"KEY\": PROBLEM".
#include <string>

namespace qt {

class GgufWriter;
struct LlamaConfig;

struct HfConfig {
    std::string path;        // the config.json read, for messages
    std::string model_type;  // "llama" or "mistral"
    int n_layers = 0;        // num_hidden_layers
    int dim = 0;             // hidden_size
    int ffn_dim = 0;         // intermediate_size
    int n_heads = 0;         // num_attention_heads
    int n_kv_heads = 0;      // num_key_value_heads (default: num_attention_heads)
    int head_dim = 0;        // head_dim (default: hidden_size / num_attention_heads)
    int vocab_size = 0;
    int context_length = 0;  // max_position_embeddings
    double rope_theta = 10000.0;     // rope_theta, or rope_parameters.rope_theta (transformers 5)
    double rms_eps = 1e-6;           // rms_norm_eps
    bool tie_word_embeddings = false;  // no lm_head.weight: the embedding is the head
    int bos_token_id = -1;           // -1: not given
    int eos_token_id = -1;           // the first one when a list

    // Reads and validates `path` (a config.json).
    static HfConfig read(const std::string& path);
    static HfConfig parse(const std::string& path, const std::string& text);

    // Writes general.architecture = "llama" and the llama.* keys.
    void write_gguf_metadata(GgufWriter& out) const;

    // The way back (export): a llama GGUF model's hyperparameters (model_type
    // "llama"; tie_word_embeddings from its tied_output; token ids left at -1), and
    // the config.json text transformers' LlamaForCausalLM reads, the weights'
    // dtype named as torch names it ("bfloat16", "float32"). Both rope_theta (4.x)
    // and rope_parameters (5.x) are written; read() reads its own output back.
    static HfConfig from_llama(const LlamaConfig& c);
    std::string to_json(const std::string& torch_dtype) const;
};

// "llama, mistral": the model_type values read() accepts.
const char* hf_supported_model_types();

}  // namespace qt
