#include "methods/sparse_mask_layout.h"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace qt {
namespace {

// The GGUF roles of a block's linears (llama.cpp's LLM_TENSOR_ATTN_Q ... FFN_DOWN), by slot.
// Blocks past this are not placed (a name written by hand must not size the map:
// the deepest LLaMA-architecture models have about a hundred blocks).
constexpr int kMaxLayers = 1 << 16;

constexpr std::pair<std::string_view, LinearSlot> kBlockRoles[] = {
    {"attn_q", LinearSlot::Q},    {"attn_k", LinearSlot::K},   {"attn_v", LinearSlot::V},
    {"attn_output", LinearSlot::O}, {"ffn_gate", LinearSlot::Gate}, {"ffn_up", LinearSlot::Up},
    {"ffn_down", LinearSlot::Down}};

}  // namespace

std::optional<LinearId> linear_of_tensor(const std::string& name) {
    if (name == "output.weight") return LinearId{0, LinearSlot::Head};
    std::string_view rest = name;
    constexpr std::string_view kBlock = "blk.", kWeight = ".weight";
    if (!rest.starts_with(kBlock) || !rest.ends_with(kWeight)) return std::nullopt;
    rest = rest.substr(kBlock.size(), rest.size() - kBlock.size() - kWeight.size());  // "3.ffn_down"
    const size_t dot = rest.find('.');
    if (dot == std::string_view::npos || dot == 0) return std::nullopt;
    const std::string_view digits = rest.substr(0, dot), role = rest.substr(dot + 1);
    // The layer as GGUF writes it: decimal, no sign, no leading zero.
    if (digits.size() > 1 && digits.front() == '0') return std::nullopt;
    int layer = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), layer);
    if (ec != std::errc() || end != digits.data() + digits.size() || layer < 0 || layer >= kMaxLayers)
        return std::nullopt;
    for (const auto& [r, slot] : kBlockRoles)
        if (role == r) return LinearId{layer, slot};
    return std::nullopt;
}

SparseMaskLayout sparse_mask_layout(const SparseMask& mask) {
    SparseMaskLayout out;
    for (const SparseMaskMatrix& m : mask.matrices)
        if (const auto id = linear_of_tensor(m.tensor); id && id->slot != LinearSlot::Head)
            out.layers = std::max(out.layers, id->layer + 1);
    out.cells.assign(static_cast<size_t>(out.layers) * kLinearSlotCount, SparseMaskCell{});
    for (const SparseMaskMatrix& m : mask.matrices) {
        const auto entries = static_cast<int64_t>(m.index.size());
        const int64_t weights = m.rows * m.cols;
        out.entries += entries;
        out.weights += weights;
        const auto id = linear_of_tensor(m.tensor);
        if (!id) {
            out.unplaced.push_back(m.tensor);
            continue;
        }
        const size_t at = static_cast<size_t>(id->layer) * kLinearSlotCount + static_cast<size_t>(id->slot);
        SparseMaskCell& c = id->slot == LinearSlot::Head ? out.head : out.cells[at];
        c.entries += entries;
        c.weights += weights;
    }
    return out;
}

}  // namespace qt
