#pragma once
// The decoder's hyperparameters and architecture features, read from GGUF metadata
// ("<arch>.block_count" ...) and from which tensors the file holds. Each supported
// architecture sets its defaults (the graph llama.cpp builds for it); keys and
// tensors then fill in the rest, so the model's graph asks for features, never
// for architecture names.
#include <cstdint>
#include <string>

namespace qt {

class GgufFile;

// Which dims of a head rope pairs (Backend's RopeSpec): normal (2i, 2i + 1), or
// neox (i, i + n_rot / 2).
enum class RopeMode : uint8_t { Normal, Neox };
// The feed-forward's gate activation: SwiGLU (silu) or GeGLU (gelu, tanh approximation).
enum class FfnActivation : uint8_t { Silu, GeluTanh };

struct LlamaConfig {
    std::string architecture;  // "llama", "qwen2", "qwen3", "gemma2", "gemma3" or "phi3"
    int n_layers = 0;
    int dim = 0;           // embedding_length
    int ffn_dim = 0;       // feed_forward_length
    int n_heads = 0;
    int n_kv_heads = 0;
    int head_dim = 0;      // attention.key_length, else dim / n_heads
    int n_rot = 0;         // rope.dimension_count
    int vocab_size = 0;
    int context_length = 0;
    float rope_freq_base = 10000.0f;
    float rope_freq_scale = 1.0f;  // 1 / rope.scaling.factor (linear scaling)
    RopeMode rope_mode = RopeMode::Normal;
    float rms_eps = 1e-5f;
    bool tied_output = false;  // output.weight absent: the embedding doubles as the head

    // ---- Features.
    FfnActivation activation = FfnActivation::Silu;
    bool qkv_bias = false;       // blk.N.attn_q/k/v.bias present (Qwen2)
    bool qk_norm = false;        // blk.N.attn_q_norm / attn_k_norm: RMSNorm of each head of q, k before rope
    bool post_norms = false;     // blk.N.post_attention_norm / post_ffw_norm on each block's output (Gemma)
    bool rope_freqs = false;     // rope_freqs.weight: per-pair frequency factors (Llama 3.1+)
    bool fused_qkv = false;      // blk.N.attn_qkv.weight holds q, k, v's rows one after another (Phi-3)
    bool fused_gate_up = false;  // blk.N.ffn_up.weight holds gate's rows, then up's (Phi-3)
    float embedding_scale = 1.0f;  // the embedding is multiplied by this (Gemma: sqrt(dim))
    float attention_scale = 0.0f;  // score scale; 0: 1/sqrt(head_dim)
    float attn_softcap = 0.0f;     // attention logits capped to c tanh(s / c) where > 0 (Gemma 2)
    float final_softcap = 0.0f;    // the same on the output logits (Gemma 2)
    // Sliding-window attention: a layer l with l % swa_pattern < swa_pattern - 1 sees
    // the last sliding_window positions only (llama.cpp's set_swa_pattern), and its
    // rope uses swa_freq_base / swa_freq_scale where swa_freq_base > 0.
    int sliding_window = 0;
    int swa_pattern = 0;
    float swa_freq_base = 0.0f;
    float swa_freq_scale = 1.0f;

    int q_width() const { return n_heads * head_dim; }
    int kv_width() const { return n_kv_heads * head_dim; }
    bool layer_slides(int layer) const {
        return sliding_window > 0 && swa_pattern > 1 && layer % swa_pattern < swa_pattern - 1;
    }
    // The LLaMA block exactly (no feature above): the backends' fused calls apply.
    bool plain_block() const;

    // Reads and validates; throws ModelFileError naming the key and the problem.
    static LlamaConfig from_gguf(const GgufFile& file);
};

// "llama, qwen2, qwen3, gemma2, gemma3, phi3": what from_gguf accepts.
const char* supported_architectures();

}  // namespace qt
