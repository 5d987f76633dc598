#pragma once
// The ggml tensor types QuantTune reads and writes, and one table that says
// how each is laid out (block size, bytes per block). Values are the ggml
// enum numbers stored in GGUF tensor infos.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace qt {

enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    I8 = 24,
    I16 = 25,
    I32 = 26,
    I64 = 27,
    F64 = 28,
    BF16 = 30,
};

// Layout facts about one type. `block_size` weights are stored in `type_size` bytes.
struct GgmlTypeTraits {
    GgmlType type;
    std::string_view name;
    int64_t block_size;
    size_t type_size;
    bool quantized;
    // Whether dequantize_row() can turn it into floats.
    bool dequantizable;
};

// Traits of a known type; nullopt for a number ggml does not define (or we do not know).
std::optional<GgmlTypeTraits> ggml_type_traits(uint32_t raw_type);
const GgmlTypeTraits& ggml_traits(GgmlType type);
std::string_view ggml_type_name(GgmlType type);

// Bytes of a row of `n` weights; `n` must be a multiple of the block size.
size_t ggml_row_size(GgmlType type, int64_t n);

}  // namespace qt
