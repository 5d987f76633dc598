#include "model/llama_config.h"

#include <string>

#include "gguf/gguf_file.h"

namespace qt {
namespace {

int positive_int(const GgufFile& f, const std::string& key, int64_t limit) {
    const int64_t v = f.get_int(key);
    if (v <= 0 || v > limit)
        f.fail("metadata \"" + key + "\"", "value " + std::to_string(v) + " outside [1, " + std::to_string(limit) + "]");
    return static_cast<int>(v);
}

}  // namespace

LlamaConfig LlamaConfig::from_gguf(const GgufFile& f) {
    LlamaConfig c;
    c.architecture = f.get_string("general.architecture");
    if (c.architecture != "llama")
        f.fail("metadata \"general.architecture\"",
               "architecture \"" + c.architecture + "\" is not supported (QuantTune runs \"llama\" models)");
    const std::string a = c.architecture + ".";
    c.n_layers = positive_int(f, a + "block_count", 1024);
    c.dim = positive_int(f, a + "embedding_length", 1 << 16);
    c.ffn_dim = positive_int(f, a + "feed_forward_length", 1 << 18);
    c.n_heads = positive_int(f, a + "attention.head_count", 1024);
    c.n_kv_heads = f.find(a + "attention.head_count_kv") ? positive_int(f, a + "attention.head_count_kv", 1024)
                                                          : c.n_heads;
    c.context_length = positive_int(f, a + "context_length", 1 << 22);
    if (c.dim % c.n_heads != 0)
        f.fail("metadata", "embedding_length " + std::to_string(c.dim) + " is not a multiple of head_count " +
                               std::to_string(c.n_heads));
    if (c.n_heads % c.n_kv_heads != 0)
        f.fail("metadata", "head_count " + std::to_string(c.n_heads) + " is not a multiple of head_count_kv " +
                               std::to_string(c.n_kv_heads));
    c.head_dim = c.dim / c.n_heads;
    c.n_rot = f.find(a + "rope.dimension_count") ? positive_int(f, a + "rope.dimension_count", c.head_dim)
                                                  : c.head_dim;
    if (c.n_rot % 2 != 0) f.fail("metadata", "rope.dimension_count " + std::to_string(c.n_rot) + " is odd");
    c.rope_freq_base = static_cast<float>(f.get_float(a + "rope.freq_base", 10000.0));
    c.rms_eps = static_cast<float>(f.get_float(a + "attention.layer_norm_rms_epsilon", 1e-5));
    if (!(c.rope_freq_base > 0)) f.fail("metadata", "rope.freq_base must be positive");
    if (!(c.rms_eps > 0 && c.rms_eps < 1)) f.fail("metadata", "layer_norm_rms_epsilon must be in (0, 1)");
    const auto& emb = f.tensor("token_embd.weight");
    if (emb.dims.size() != 2 || emb.dims[0] != c.dim)
        f.fail("tensor \"token_embd.weight\"", "shape does not match embedding_length " + std::to_string(c.dim));
    c.vocab_size = static_cast<int>(emb.dims[1]);
    if (f.find(a + "vocab_size") && f.get_int(a + "vocab_size") != c.vocab_size)
        f.fail("metadata", "vocab_size " + std::to_string(f.get_int(a + "vocab_size")) +
                               " disagrees with token_embd.weight's " + std::to_string(c.vocab_size) + " rows");
    c.tied_output = f.find_tensor("output.weight") == nullptr;
    return c;
}

}  // namespace qt
