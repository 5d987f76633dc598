// GgufValue's helpers: type names and how a value reads in the CLI and GUI.
#include <algorithm>
#include <iterator>
#include <sstream>

#include "gguf/gguf_file.h"

namespace qt {

std::string_view gguf_value_type_name(GgufValueType t) {
    static constexpr std::string_view names[] = {"u8",  "i8",   "u16",    "i16",   "u32", "i32", "f32",
                                                 "bool", "string", "array", "u64", "i64", "f64"};
    const auto k = static_cast<uint32_t>(t);
    return k < std::size(names) ? names[k] : "?";
}

size_t GgufValue::array_size() const {
    return ints.size() + reals.size() + strings.size() + nested.size();
}

std::string GgufValue::to_display_string(size_t max_items) const {
    std::ostringstream os;
    switch (type) {
        case GgufValueType::STRING: os << s; break;
        case GgufValueType::F32:
        case GgufValueType::F64: os << f; break;
        case GgufValueType::BOOL: os << (u ? "true" : "false"); break;
        case GgufValueType::ARRAY: {
            os << "[" << gguf_value_type_name(elem_type) << " x " << array_size() << "]";
            if (max_items == 0) break;
            os << " ";
            for (size_t k = 0; k < std::min(max_items, array_size()); ++k) {
                if (k) os << ", ";
                if (!strings.empty()) os << strings[k];
                else if (!ints.empty()) os << ints[k];
                else if (!reals.empty()) os << reals[k];
                else os << "[...]";
            }
            if (array_size() > max_items) os << ", ...";
            break;
        }
        case GgufValueType::U8:
        case GgufValueType::U16:
        case GgufValueType::U32:
        case GgufValueType::U64: os << u; break;
        default: os << i;
    }
    return os.str();
}

}  // namespace qt
