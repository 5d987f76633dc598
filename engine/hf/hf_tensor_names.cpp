#include "hf/hf_tensor_names.h"

#include <algorithm>
#include <cctype>

namespace qt {
namespace {

constexpr HfBlockTensorName kBlockNames[] = {
    {"input_layernorm.weight", "attn_norm.weight"},
    {"self_attn.q_proj.weight", "attn_q.weight"},
    {"self_attn.k_proj.weight", "attn_k.weight"},
    {"self_attn.v_proj.weight", "attn_v.weight"},
    {"self_attn.o_proj.weight", "attn_output.weight"},
    {"post_attention_layernorm.weight", "ffn_norm.weight"},
    {"mlp.gate_proj.weight", "ffn_gate.weight"},
    {"mlp.up_proj.weight", "ffn_up.weight"},
    {"mlp.down_proj.weight", "ffn_down.weight"},
};

constexpr std::pair<const char*, const char*> kModelNames[] = {
    {"model.embed_tokens.weight", "token_embd.weight"},
    {"model.norm.weight", "output_norm.weight"},
    {"lm_head.weight", "output.weight"},
};

// `name` = prefix + decimal block index (at most 5 digits) + "." + rest: the index
// and rest, or index -1.
std::pair<int, std::string> split_block(const std::string& name, const std::string& prefix) {
    if (name.rfind(prefix, 0) != 0) return {-1, {}};
    const size_t dot = name.find('.', prefix.size());
    if (dot == std::string::npos || dot == prefix.size() || dot - prefix.size() > 5) return {-1, {}};
    const std::string index = name.substr(prefix.size(), dot - prefix.size());
    if (!std::all_of(index.begin(), index.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
        return {-1, {}};
    return {std::stoi(index), name.substr(dot + 1)};
}

std::string translate(const std::string& name, bool to_hf) {
    for (const auto& [hf, gguf] : kModelNames)
        if (name == (to_hf ? gguf : hf)) return to_hf ? hf : gguf;
    const auto [block, rest] = split_block(name, to_hf ? "blk." : "model.layers.");
    if (block < 0) return {};
    for (const HfBlockTensorName& n : kBlockNames)
        if (rest == (to_hf ? n.gguf : n.hf))
            return (to_hf ? "model.layers." : "blk.") + std::to_string(block) + "." + (to_hf ? n.hf : n.gguf);
    return {};
}

}  // namespace

std::span<const HfBlockTensorName> hf_block_tensor_names() { return kBlockNames; }

std::string hf_name_for_gguf(const std::string& gguf) { return translate(gguf, true); }
std::string gguf_name_for_hf(const std::string& hf) { return translate(hf, false); }

bool is_rope_permuted_gguf_tensor(const std::string& gguf) {
    const auto [block, rest] = split_block(gguf, "blk.");
    return block >= 0 && (rest == "attn_q.weight" || rest == "attn_k.weight");
}

}  // namespace qt
