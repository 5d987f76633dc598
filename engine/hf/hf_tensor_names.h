#pragma once
// The one table of names between a Hugging Face LlamaForCausalLM checkpoint and
// GGUF's llama tensors (llama.cpp's convert_hf_to_gguf.py tensor map), read in
// both directions: hf_import.cpp maps HF -> GGUF, hf_export.cpp GGUF -> HF.
#include <span>
#include <string>

namespace qt {

// One tensor of every block: "model.layers.N." + hf <-> "blk.N." + gguf.
struct HfBlockTensorName {
    const char* hf;    // "self_attn.q_proj.weight"
    const char* gguf;  // "attn_q.weight"
};
std::span<const HfBlockTensorName> hf_block_tensor_names();

// The HF name of a GGUF llama tensor ("blk.3.attn_q.weight" ->
// "model.layers.3.self_attn.q_proj.weight"); empty when it has none.
std::string hf_name_for_gguf(const std::string& gguf);
// The GGUF name of an HF tensor; empty when it has none.
std::string gguf_name_for_hf(const std::string& hf);

// Whether the GGUF tensor is a Q or K weight, whose rows the two formats order
// differently (see hf_row_for_gguf_row in hf_import.h).
bool is_rope_permuted_gguf_tensor(const std::string& gguf);

}  // namespace qt
