#include "gguf/gguf_strings.h"

#include <cstdint>
#include <cstdio>

namespace qt {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is broken
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence_length(std::string_view s, size_t i) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
    const uint8_t b0 = byte(i);
    if (b0 < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        return 0;  // a continuation byte or 0xF8..0xFF cannot start a sequence
    }
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    static constexpr uint32_t kSmallestForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kSmallestForLength[len]) return 0;            // overlong
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;             // UTF-16 surrogate
    if (cp > 0x10FFFF) return 0;
    return len;
}

}  // namespace

size_t find_invalid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const size_t len = utf8_sequence_length(s, i);
        if (len == 0) return i;
        i += len;
    }
    return std::string_view::npos;
}

size_t find_control_char(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<uint8_t>(s[i]);
        if (b < 0x20 || b == 0x7F) return i;
    }
    return std::string_view::npos;
}

std::string quote_for_message(std::string_view s, size_t max_bytes) {
    std::string out = "\"";
    char hex[8];
    for (size_t i = 0; i < s.size() && i < max_bytes;) {
        const auto b = static_cast<uint8_t>(s[i]);
        if (b == '"' || b == '\\') {
            out += '\\';
            out += static_cast<char>(b);
            ++i;
        } else if (b < 0x20 || b == 0x7F) {
            std::snprintf(hex, sizeof hex, "\\x%02X", b);
            out += hex;
            ++i;
        } else {
            const size_t len = utf8_sequence_length(s, i);
            if (len == 0) {
                std::snprintf(hex, sizeof hex, "\\x%02X", b);
                out += hex;
                ++i;
            } else {
                out.append(s.substr(i, len));
                i += len;
            }
        }
    }
    out += '"';
    if (s.size() > max_bytes) out += "... (" + std::to_string(s.size()) + " bytes)";
    return out;
}

}  // namespace qt
