#pragma once
// Checks and quoting for strings read from a GGUF file. Keys and tensor names
// are identifiers that we match, print and show in the GUI, so they must be
// UTF-8 without control characters (docs/gguf.md says GGUF strings are UTF-8).
// String *values* are kept as raw bytes: tokenizer vocabularies may hold byte
// fragments that are not valid UTF-8 on their own.
#include <cstddef>
#include <string>
#include <string_view>

namespace qt {

// Byte index of the first byte that breaks UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF count as broken); npos when `s` is valid.
size_t find_invalid_utf8(std::string_view s);

// Byte index of the first C0 control character or DEL; npos when there is none.
size_t find_control_char(std::string_view s);

// `s` in double quotes, safe to put in a one-line error message: control
// characters, quotes, backslashes and bytes that break UTF-8 are written as
// escapes, and anything past `max_bytes` is cut and marked with "...".
std::string quote_for_message(std::string_view s, size_t max_bytes = 80);

}  // namespace qt
