#pragma once
// Causal grouped-query attention of n queries over an fp16 key/value cache, on
// memory the CPU addresses: the CPU backend's attention, and the base Backend's
// host path for any backend (through download/upload).
#include <cstdint>

namespace qt {

struct CachedAttentionArgs {
    const float* q = nullptr;           // [n][n_heads * head_dim]
    const uint16_t* k_cache = nullptr;  // one layer: [pos0 + n][kv_width] fp16
    const uint16_t* v_cache = nullptr;
    int kv_width = 0;
    int pos0 = 0;  // position of the first query; keys 0 .. pos0 + n - 1
    int n = 0;
    int n_heads = 0, n_kv_heads = 0, head_dim = 0;
    float scale = 0;    // the score scale (AttentionShape::score_scale())
    float softcap = 0;  // > 0: scores become softcap * tanh(score / softcap)
    int window = 0;     // > 0: query at position p sees keys p - window + 1 .. p
    float* out = nullptr;  // [n][n_heads * head_dim]
};

// Queries and probabilities meet the fp16 cache rounded to fp16, as in llama.cpp's
// fp16 products (ggml's vec_dot type for F16). n_threads 0: OpenMP's default.
void cached_attention(const CachedAttentionArgs& a, int n_threads);

}  // namespace qt
