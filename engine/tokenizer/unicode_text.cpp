#include "tokenizer/unicode_text.h"

#include <algorithm>

#include "tokenizer/unicode_tables.h"

namespace qt::unicode {
namespace {

bool in_ranges(const unicode_tables::CodepointRange* ranges, size_t count, uint32_t cp) {
    const auto* end = ranges + count;
    const auto* it = std::upper_bound(ranges, end, cp,
                                      [](uint32_t v, const unicode_tables::CodepointRange& r) { return v < r.first; });
    if (it == ranges) return false;
    --it;
    return cp <= it->last;
}

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

}  // namespace

size_t utf8_sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;
}

// Accepts any lead byte followed by the right number of continuation bytes (no
// overlong or surrogate checks, as the reference); anything else costs one byte
// and yields U+FFFD.
std::vector<uint32_t> decode_utf8_lossy(std::string_view text) {
    std::vector<uint32_t> out;
    out.reserve(text.size());
    size_t i = 0;
    const size_t n = text.size();
    while (i < n) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        const size_t len = utf8_sequence_length(b0);
        bool ok = b0 < 0x80 || (len > 1 && i + len <= n);
        for (size_t k = 1; ok && k < len; ++k) ok = is_continuation(static_cast<unsigned char>(text[i + k]));
        if (!ok) {
            out.push_back(kReplacementChar);
            ++i;
            continue;
        }
        uint32_t cp;
        switch (len) {
            case 1: cp = b0; break;
            case 2: cp = b0 & 0x1Fu; break;
            case 3: cp = b0 & 0x0Fu; break;
            default: cp = b0 & 0x07u; break;
        }
        for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        if (cp > 0x10FFFF) {  // not encodable again; treat the lead byte as invalid
            out.push_back(kReplacementChar);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += len;
    }
    return out;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_letter(uint32_t cp) {
    if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    return in_ranges(unicode_tables::kLetterRanges, unicode_tables::kLetterRanges_count, cp);
}

bool is_number(uint32_t cp) {
    if (cp < 0x80) return cp >= '0' && cp <= '9';
    return in_ranges(unicode_tables::kNumberRanges, unicode_tables::kNumberRanges_count, cp);
}

bool is_punctuation(uint32_t cp) {
    return in_ranges(unicode_tables::kPunctuationRanges, unicode_tables::kPunctuationRanges_count, cp);
}

bool is_whitespace(uint32_t cp) {
    switch (cp) {
        case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
        case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
            return true;
        default:
            return cp >= 0x2000 && cp <= 0x200A;
    }
}

bool is_python_space(uint32_t cp) { return is_whitespace(cp) || (cp >= 0x1C && cp <= 0x1F); }

std::string python_strip(std::string_view text) {
    const auto cps = decode_utf8_lossy(text);
    size_t b = 0, e = cps.size();
    while (b < e && is_python_space(cps[b])) ++b;
    while (e > b && is_python_space(cps[e - 1])) --e;
    if (b == 0 && e == cps.size()) return std::string(text);
    std::string out;
    for (size_t i = b; i < e; ++i) append_utf8(out, cps[i]);
    return out;
}

}  // namespace qt::unicode
