#pragma once
// LoRA adapters as llama.cpp loads them (llama_adapter_lora_init in
// src/llama-adapter.cpp; written the way convert_lora_to_gguf.py writes a
// LLaMA adapter): a GGUF of its own, used with the base model it was trained on.
//
// The adapter of a linear W (out x in) is y = W x + (alpha / rank) * B (A x),
// A: rank x in, B: out x rank. llama.cpp computes exactly that: its scale is
// user_scale * alpha / rank with rank read from lora_b's ne[0] (and, careful,
// alpha = 0 means "scale 1", so an alpha of 0 is refused here).
//
// File layout:
//   general.architecture  copied from the base (llama.cpp refuses a mismatch)
//   general.type          "adapter"
//   adapter.type          "lora"
//   general.name          the base's general.name, when it has one
//   adapter.lora.alpha    f32 alpha
//   general.quantization_version  u32 2
//   per target "<base>.lora_a": F32, ggml dims {in, rank}  (A row-major [rank][in])
//              "<base>.lora_b": F32, ggml dims {rank, out} (B row-major [out][rank])
// llama.cpp checks base ne[0] == lora_a ne[0], base ne[1] == lora_b ne[1] and
// lora_a ne[1] == lora_b ne[0].
#include <cstdint>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"

namespace qt {

struct LoraTensorExport {
    std::string base_name;  // e.g. blk.0.attn_q.weight
    int64_t in = 0, out = 0;
    std::vector<float> a;  // [rank][in], row-major
    std::vector<float> b;  // [out][rank]
    // A part of a fused tensor (Phi-3's q, k, v of blk.N.attn_qkv.weight; gate, up of
    // blk.N.ffn_up.weight): `out` rows from first_row. llama.cpp adapts the whole fused
    // tensor, so the k parts of one tensor are written as one adapter of rank k * rank:
    // A = [A_1; ...; A_k] and B block-diagonal, B_j at its part's rows and columns
    // j*rank .. (j+1)*rank, times k, since llama.cpp scales by alpha / (k * rank).
    // Rows no part covers get zeros in B.
    bool fused_part = false;
    int64_t first_row = 0;
};

// Writes the adapter atomically (GgufWriter). Throws std::invalid_argument naming
// the tensor and the problem: rank < 1, alpha 0 or not finite, a base tensor the
// file does not have (or that is not a 2-D matrix, or is the token embedding,
// whose adapter llama.cpp lays out differently), in/out that differ from the base
// tensor's shape, A or B of the wrong size or holding a NaN/infinity, a tensor
// named twice, or no tensors at all.
void export_lora_gguf(const std::string& path, const GgufFile& base, int rank, float alpha,
                      const std::vector<LoraTensorExport>& tensors);

// The checks export_lora_gguf and export_merged_gguf share: `rank` at least 1,
// `alpha` finite and not 0, and `base_name` a 2-D tensor of `base` whose ggml
// dims are {in, out}. `what` starts the error message (the caller's name).
void check_lora_settings(const char* what, int rank, float alpha);
const GgufTensorInfo& check_lora_target(const char* what, const GgufFile& base, const std::string& base_name,
                                        int64_t in, int64_t out);
// The same for an adapter of `rows` rows from first_row of a fused tensor (Phi-3's
// attn_qkv, ffn_up): the rows must lie in the tensor.
const GgufTensorInfo& check_lora_part(const char* what, const GgufFile& base, const std::string& base_name,
                                      int64_t in, int64_t first_row, int64_t rows);

}  // namespace qt
