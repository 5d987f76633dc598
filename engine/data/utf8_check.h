#pragma once
// Strict UTF-8 validation for data text. The tokenizer decodes lossily (a bad
// byte becomes U+FFFD) and so never fails; a dataset row with bytes that are not
// UTF-8 (a Latin-1 CSV, a binary file) is reported instead of silently trained on.
#include <cstddef>
#include <optional>
#include <string_view>

namespace qt {

// The byte offset of the first byte that does not belong to a well-formed UTF-8
// sequence (overlong forms, surrogates and code points past U+10FFFF included),
// or nullopt when the whole text is valid.
std::optional<size_t> first_invalid_utf8(std::string_view text);

}  // namespace qt
