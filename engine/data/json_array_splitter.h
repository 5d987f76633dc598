#pragma once
// Finds the elements of a top-level JSON array without parsing them, so that
// each element can be parsed on its own: one bad element then costs one row, and
// every row knows the line it starts on (a whole-document parse gives neither).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qt {

struct JsonElementSpan {
    size_t begin = 0;  // byte offsets into the text: [begin, end)
    size_t end = 0;
    size_t line = 0;  // 1-based line of `begin`
};

struct JsonArraySplit {
    std::vector<JsonElementSpan> elements;
    // Non-empty when the array itself is broken (no '[', unbalanced brackets, an
    // unterminated string, no closing ']'); `elements` then holds what came before.
    std::string error;
    size_t error_line = 0;
};

// `text` must start (after whitespace) with '['. Strings and escapes are
// followed so that brackets and commas inside strings do not count.
JsonArraySplit split_json_array(std::string_view text);

}  // namespace qt
