#include "tokenizer/pre_tokenizer.h"

#include <stdexcept>

#include "tokenizer/unicode_text.h"

namespace qt {
namespace {

using unicode::is_letter;
using unicode::is_number;
using unicode::is_whitespace;

constexpr uint32_t kNone = 0xFFFFFFFF;  // "past the end of the piece"

struct Piece {
    const std::vector<uint32_t>& cps;
    size_t begin, end;
    uint32_t at(size_t i) const { return i < end ? cps[i] : kNone; }
};

bool is_other(uint32_t cp) { return cp != kNone && !is_whitespace(cp) && !is_letter(cp) && !is_number(cp); }
bool is_ws(uint32_t cp) { return cp != kNone && is_whitespace(cp); }
bool is_newline(uint32_t cp) { return cp == '\r' || cp == '\n'; }
uint32_t lower_ascii(uint32_t cp) { return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp; }

// Length of an English contraction at i ('s 't 're 've 'm 'll 'd), 0 if none.
size_t contraction_length(const Piece& p, size_t i, bool ignore_case) {
    if (p.at(i) != '\'') return 0;
    auto c = [&](size_t k) { return ignore_case ? lower_ascii(p.at(k)) : p.at(k); };
    const uint32_t a = c(i + 1);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    const uint32_t b = c(i + 2);
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    return 0;
}

// Whitespace handling shared by both regexes: \s+(?!\S) then \s+.
size_t whitespace_match(const Piece& p, size_t i) {
    size_t n = 0;
    while (is_ws(p.at(i + n))) ++n;
    if (n == 0) return 0;
    if (i + n == p.end) return n;  // followed by nothing: \s+(?!\S) takes all
    return n > 1 ? n - 1 : 1;      // leave the last space to prefix the next word
}

template <class Emit>
void split_gpt2(const Piece& p, Emit&& emit) {
    size_t i = p.begin;
    while (i < p.end) {
        size_t len = contraction_length(p, i, /*ignore_case=*/false);
        if (len == 0) {
            const uint32_t c = p.at(i);
            const size_t skip = (c == ' ') ? 1 : 0;  // the optional leading space
            const uint32_t c2 = p.at(i + skip);
            if (c2 != kNone && is_letter(c2)) {
                len = skip;
                while (p.at(i + len) != kNone && is_letter(p.at(i + len))) ++len;
            } else if (c2 != kNone && is_number(c2)) {
                len = skip;
                while (p.at(i + len) != kNone && is_number(p.at(i + len))) ++len;
            } else if (is_other(c2)) {
                len = skip;
                while (is_other(p.at(i + len))) ++len;
            } else {
                len = whitespace_match(p, i);
                if (len == 0) len = 1;
            }
        }
        emit(i, i + len);
        i += len;
    }
}

template <class Emit>
void split_llama3(const Piece& p, Emit&& emit) {
    size_t i = p.begin;
    while (i < p.end) {
        size_t len = contraction_length(p, i, /*ignore_case=*/true);
        const uint32_t c = p.at(i);
        if (len == 0) {
            // [^\r\n\p{L}\p{N}]?\p{L}+
            const bool prefixed = c != kNone && !is_newline(c) && !is_letter(c) && !is_number(c) && is_letter(p.at(i + 1));
            const size_t skip = prefixed ? 1 : 0;
            if (is_letter(c) || skip == 1) {
                len = skip;
                while (p.at(i + len) != kNone && is_letter(p.at(i + len))) ++len;
            }
        }
        if (len == 0 && is_number(c)) {  // \p{N}{1,3}
            while (len < 3 && p.at(i + len) != kNone && is_number(p.at(i + len))) ++len;
        }
        if (len == 0) {  // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            const size_t skip = (c == ' ') ? 1 : 0;
            if (is_other(p.at(i + skip))) {
                len = skip;
                while (is_other(p.at(i + len))) ++len;
                while (is_newline(p.at(i + len))) ++len;
            }
        }
        if (len == 0 && is_ws(c)) {
            // \s*[\r\n]+ : the whitespace run up to and including its last newline
            size_t run = 0, last_newline_end = 0;
            while (is_ws(p.at(i + run))) {
                if (is_newline(p.at(i + run))) last_newline_end = run + 1;
                ++run;
            }
            len = last_newline_end > 0 ? last_newline_end : whitespace_match(p, i);
        }
        if (len == 0) len = 1;
        emit(i, i + len);
        i += len;
    }
}

void append_range(std::vector<std::string>& out, const std::vector<uint32_t>& cps, size_t b, size_t e) {
    std::string word;
    for (size_t k = b; k < e; ++k) unicode::append_utf8(word, cps[k]);
    out.push_back(std::move(word));
}

}  // namespace

PreTokenizerKind pre_tokenizer_from_name(const std::string& pre) {
    if (pre == "default" || pre == "gpt2" || pre == "gpt-2" || pre == "mpt" || pre == "olmo" || pre == "jais")
        return PreTokenizerKind::Gpt2;
    if (pre == "smollm" || pre == "starcoder" || pre == "refact" || pre == "command-r" || pre == "codeshell" ||
        pre == "exaone" || pre == "minerva-7b")
        return PreTokenizerKind::Gpt2Digits;
    if (pre == "llama3" || pre == "llama-v3" || pre == "llama-bpe" || pre == "falcon3" || pre == "pixtral")
        return PreTokenizerKind::Llama3;
    throw std::invalid_argument("unsupported pre-tokenizer \"" + pre +
                                "\" (supported: default, gpt2, smollm, starcoder, refact, llama3, llama-bpe ...)");
}

std::vector<std::string> pre_tokenize(PreTokenizerKind kind, std::string_view text) {
    const std::vector<uint32_t> cps = unicode::decode_utf8_lossy(text);
    std::vector<std::string> words;
    auto emit = [&](size_t b, size_t e) { append_range(words, cps, b, e); };
    switch (kind) {
        case PreTokenizerKind::Gpt2:
            split_gpt2(Piece{cps, 0, cps.size()}, emit);
            break;
        case PreTokenizerKind::Llama3:
            split_llama3(Piece{cps, 0, cps.size()}, emit);
            break;
        case PreTokenizerKind::Gpt2Digits: {
            // \p{N} splits first: each number codepoint is a word, and the GPT-2
            // scanner runs inside the stretches between them (it never sees across).
            size_t start = 0;
            for (size_t i = 0; i <= cps.size(); ++i) {
                if (i < cps.size() && !is_number(cps[i])) continue;
                if (i > start) split_gpt2(Piece{cps, start, i}, emit);
                if (i < cps.size()) emit(i, i + 1);
                start = i + 1;
            }
            break;
        }
    }
    return words;
}

}  // namespace qt
