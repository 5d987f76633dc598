#include "model/llama_config.h"

#include <cmath>
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

float positive_float(const GgufFile& f, const std::string& key, double fallback) {
    const double v = f.get_float(key, fallback);
    if (!(v > 0) || !std::isfinite(v))
        f.fail("metadata \"" + key + "\"", "value " + std::to_string(v) + " must be positive");
    return static_cast<float>(v);
}

// The graph llama.cpp builds for each architecture, as defaults that keys and
// tensors then complete (llama-model.cpp's load_hparams and the models' graphs).
void set_architecture_defaults(const GgufFile& f, LlamaConfig& c) {
    const std::string& arch = c.architecture;
    const std::string a = arch + ".";
    if (arch == "llama") return;  // normal rope, SwiGLU; Mistral's files are "llama" too
    c.rope_mode = RopeMode::Neox;
    if (arch == "qwen2" || arch == "qwen3" || arch == "phi3") return;
    // gemma2, gemma3: GeGLU, post-norms, the embedding scaled by sqrt(dim), q scaled by
    // 1/sqrt(head_dim), or 1/sqrt(dim / n_heads) on the 27B shapes (46 or 62 layers).
    c.activation = FfnActivation::GeluTanh;
    c.embedding_scale = std::sqrt(static_cast<float>(c.dim));
    const bool is_27b = c.n_layers == (arch == "gemma2" ? 46 : 62);
    c.attention_scale = 1.0f / std::sqrt(static_cast<float>(is_27b ? c.dim / c.n_heads : c.head_dim));
    if (arch == "gemma2") {
        c.sliding_window = static_cast<int>(f.get_int(a + "attention.sliding_window", 4096));
        c.swa_pattern = 2;
        c.attn_softcap = positive_float(f, a + "attn_logit_softcapping", 50.0);
        c.final_softcap = positive_float(f, a + "final_logit_softcapping", 30.0);
    } else {
        c.sliding_window = positive_int(f, a + "attention.sliding_window", 1 << 22);
        c.swa_pattern = 6;
        c.swa_freq_base = 10000.0f;
        c.swa_freq_scale = 1.0f;
    }
    if (c.sliding_window < 0) f.fail("metadata \"" + a + "attention.sliding_window\"", "negative window");
}

}  // namespace

const char* supported_architectures() { return "llama, qwen2, qwen3, gemma2, gemma3, phi3"; }

bool LlamaConfig::plain_block() const {
    return rope_mode == RopeMode::Normal && activation == FfnActivation::Silu && !qkv_bias && !qk_norm &&
           !post_norms && !rope_freqs && !fused_qkv && !fused_gate_up && embedding_scale == 1.0f &&
           attention_scale == 0.0f && attn_softcap == 0.0f && final_softcap == 0.0f && sliding_window == 0 &&
           rope_freq_scale == 1.0f && head_dim * n_heads == dim;
}

LlamaConfig LlamaConfig::from_gguf(const GgufFile& f) {
    LlamaConfig c;
    c.architecture = f.get_string("general.architecture");
    const std::string arch = c.architecture;
    if (arch != "llama" && arch != "qwen2" && arch != "qwen3" && arch != "gemma2" && arch != "gemma3" &&
        arch != "phi3")
        f.fail("metadata \"general.architecture\"", "architecture \"" + arch +
                                                        "\" is not supported (QuantTune runs " +
                                                        supported_architectures() + ")");
    const std::string a = arch + ".";
    c.n_layers = positive_int(f, a + "block_count", 1024);
    c.dim = positive_int(f, a + "embedding_length", 1 << 16);
    c.ffn_dim = positive_int(f, a + "feed_forward_length", 1 << 18);
    c.n_heads = positive_int(f, a + "attention.head_count", 1024);
    c.n_kv_heads = f.find(a + "attention.head_count_kv") ? positive_int(f, a + "attention.head_count_kv", 1024)
                                                          : c.n_heads;
    c.context_length = positive_int(f, a + "context_length", 1 << 22);
    if (c.n_heads % c.n_kv_heads != 0)
        f.fail("metadata", "head_count " + std::to_string(c.n_heads) + " is not a multiple of head_count_kv " +
                               std::to_string(c.n_kv_heads));
    // The head width: attention.key_length where given (Qwen3, Gemma, Mistral), else dim / heads.
    if (f.find(a + "attention.key_length")) {
        c.head_dim = positive_int(f, a + "attention.key_length", 1 << 12);
        if (f.find(a + "attention.value_length") && f.get_int(a + "attention.value_length") != c.head_dim)
            f.fail("metadata \"" + a + "attention.value_length\"",
                   "value heads of " + std::to_string(f.get_int(a + "attention.value_length")) +
                       " differ from key heads of " + std::to_string(c.head_dim) + " (not supported)");
    } else {
        if (c.dim % c.n_heads != 0)
            f.fail("metadata", "embedding_length " + std::to_string(c.dim) + " is not a multiple of head_count " +
                                   std::to_string(c.n_heads));
        c.head_dim = c.dim / c.n_heads;
    }
    c.n_rot = f.find(a + "rope.dimension_count") ? positive_int(f, a + "rope.dimension_count", c.head_dim)
                                                  : c.head_dim;
    if (c.n_rot % 2 != 0) f.fail("metadata", "rope.dimension_count " + std::to_string(c.n_rot) + " is odd");
    c.rope_freq_base = static_cast<float>(f.get_float(a + "rope.freq_base", 10000.0));
    c.rms_eps = static_cast<float>(f.get_float(a + "attention.layer_norm_rms_epsilon", 1e-5));
    if (!(c.rope_freq_base > 0)) f.fail("metadata", "rope.freq_base must be positive");
    if (!(c.rms_eps > 0 && c.rms_eps < 1)) f.fail("metadata", "layer_norm_rms_epsilon must be in (0, 1)");
    // Rope scaling: linear (a factor) or none; YaRN and LongRoPE are not implemented.
    const std::string scaling = f.get_string(a + "rope.scaling.type", "none");
    if (scaling != "none" && scaling != "linear")
        f.fail("metadata \"" + a + "rope.scaling.type\"",
               "rope scaling \"" + scaling + "\" is not supported (only none and linear)");
    const double factor = f.get_float(a + "rope.scaling.factor", 0.0);
    if (factor < 0 || !std::isfinite(factor)) f.fail("metadata \"" + a + "rope.scaling.factor\"", "must be positive");
    c.rope_freq_scale = factor == 0.0 ? 1.0f : static_cast<float>(1.0 / factor);

    const auto& emb = f.tensor("token_embd.weight");
    if (emb.dims.size() != 2 || emb.dims[0] != c.dim)
        f.fail("tensor \"token_embd.weight\"", "shape does not match embedding_length " + std::to_string(c.dim));
    c.vocab_size = static_cast<int>(emb.dims[1]);
    if (f.find(a + "vocab_size") && f.get_int(a + "vocab_size") != c.vocab_size)
        f.fail("metadata", "vocab_size " + std::to_string(f.get_int(a + "vocab_size")) +
                               " disagrees with token_embd.weight's " + std::to_string(c.vocab_size) + " rows");
    c.tied_output = f.find_tensor("output.weight") == nullptr;

    set_architecture_defaults(f, c);
    // Features the file's tensors show (each layer's are checked when loaded).
    c.qkv_bias = f.find_tensor("blk.0.attn_q.bias") != nullptr;
    c.qk_norm = f.find_tensor("blk.0.attn_q_norm.weight") != nullptr;
    c.post_norms = f.find_tensor("blk.0.post_attention_norm.weight") != nullptr;
    c.rope_freqs = f.find_tensor("rope_freqs.weight") != nullptr;
    c.fused_qkv = f.find_tensor("blk.0.attn_qkv.weight") != nullptr;
    // Only phi3 fuses gate and up; elsewhere a missing ffn_gate is the model loader's
    // to report (the config alone, as `info` reads it, needs no layer tensor).
    c.fused_gate_up = arch == "phi3" && f.find_tensor("blk.0.ffn_gate.weight") == nullptr;
    for (const char* longrope : {"rope_factors_long.weight", "rope_factors_short.weight"})
        if (f.find_tensor(longrope))
            f.fail(std::string("tensor \"") + longrope + "\"",
                   "LongRoPE frequency factors (Phi-3 128k) are not supported");
    return c;
}

}  // namespace qt
