#pragma once
// UTF-8 decoding and the Unicode classes the pre-tokenizer regexes test
// (\p{L}, \p{N}, \p{P}, \s). Decoding is lossy in the same way as llama.cpp's: a byte
// that does not start a well-formed sequence becomes one U+FFFD, so tokenizing
// arbitrary bytes never fails and gives the reference's ids.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qt::unicode {

constexpr uint32_t kReplacementChar = 0xFFFD;

std::vector<uint32_t> decode_utf8_lossy(std::string_view text);
void append_utf8(std::string& out, uint32_t codepoint);
// Bytes in the UTF-8 sequence that `lead` starts (1 for a stray continuation byte).
size_t utf8_sequence_length(unsigned char lead);

bool is_letter(uint32_t cp);      // general category L*
bool is_number(uint32_t cp);      // general category N*
bool is_punctuation(uint32_t cp); // general category P*
bool is_whitespace(uint32_t cp);  // Unicode White_Space property, as regex \s

// Python's str.strip() set (str.isspace), used by chat templates' trim/strip.
bool is_python_space(uint32_t cp);
std::string python_strip(std::string_view text);

}  // namespace qt::unicode
