#include "quant/ggml_type.h"

#include <array>
#include <stdexcept>
#include <string>

namespace qt {
namespace {

// Sizes follow ggml's block structs: e.g. Q4_1 = fp16 d + fp16 m + 16 bytes of nibbles.
constexpr std::array<GgmlTypeTraits, 20> kTraits{{
    {GgmlType::F32, "F32", 1, 4, false, true},
    {GgmlType::F16, "F16", 1, 2, false, true},
    {GgmlType::Q4_0, "Q4_0", 32, 2 + 16, true, true},
    {GgmlType::Q4_1, "Q4_1", 32, 2 + 2 + 16, true, true},
    {GgmlType::Q5_0, "Q5_0", 32, 2 + 4 + 16, true, true},
    {GgmlType::Q5_1, "Q5_1", 32, 2 + 2 + 4 + 16, true, true},
    {GgmlType::Q8_0, "Q8_0", 32, 2 + 32, true, true},
    {GgmlType::Q8_1, "Q8_1", 32, 4 + 32, true, false},
    {GgmlType::Q2_K, "Q2_K", 256, 256 / 16 + 256 / 4 + 2 + 2, true, true},
    {GgmlType::Q3_K, "Q3_K", 256, 256 / 8 + 256 / 4 + 12 + 2, true, true},
    {GgmlType::Q4_K, "Q4_K", 256, 2 + 2 + 12 + 256 / 2, true, true},
    {GgmlType::Q5_K, "Q5_K", 256, 2 + 2 + 12 + 256 / 8 + 256 / 2, true, true},
    {GgmlType::Q6_K, "Q6_K", 256, 256 / 2 + 256 / 4 + 256 / 16 + 2, true, true},
    {GgmlType::Q8_K, "Q8_K", 256, 4 + 256 + 16 * 2, true, false},
    {GgmlType::I8, "I8", 1, 1, false, false},
    {GgmlType::I16, "I16", 1, 2, false, false},
    {GgmlType::I32, "I32", 1, 4, false, false},
    {GgmlType::I64, "I64", 1, 8, false, false},
    {GgmlType::F64, "F64", 1, 8, false, false},
    {GgmlType::BF16, "BF16", 1, 2, false, true},
}};

}  // namespace

std::optional<GgmlTypeTraits> ggml_type_traits(uint32_t raw_type) {
    for (const auto& t : kTraits)
        if (static_cast<uint32_t>(t.type) == raw_type) return t;
    return std::nullopt;
}

const GgmlTypeTraits& ggml_traits(GgmlType type) {
    for (const auto& t : kTraits)
        if (t.type == type) return t;
    throw std::invalid_argument("unknown ggml type " + std::to_string(static_cast<uint32_t>(type)));
}

std::string_view ggml_type_name(GgmlType type) { return ggml_traits(type).name; }

size_t ggml_row_size(GgmlType type, int64_t n) {
    const auto& t = ggml_traits(type);
    return static_cast<size_t>(n / t.block_size) * t.type_size;
}

}  // namespace qt
