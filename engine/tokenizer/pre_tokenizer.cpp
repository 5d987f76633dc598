#include "tokenizer/pre_tokenizer.h"

#include <stdexcept>
#include <utility>

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

// The alternatives that set the Llama-3 family apart from one another.
struct WordRules {
    bool contractions_first;  // C as the first alternative (llama3, qwen2)
    bool case_split;          // letter runs split at case changes (tekken, gpt-4o)
    bool contraction_suffix;  // C? after the letters (gpt-4o)
    size_t max_digits;        // \p{N}{1,3} or \p{N}
    bool slash_after_other;   // [\r\n/]* rather than [\r\n]* after a run of other characters
};

bool is_ascii_upper(uint32_t cp) { return cp >= 'A' && cp <= 'Z'; }
bool is_ascii_lower(uint32_t cp) { return cp >= 'a' && cp <= 'z'; }

// End of U*L+ | U+L* from a letter at s, where U is a letter but not a-z and L a
// letter but not A-Z (llama.cpp's lookahead form). U* is greedy and gives back
// letters one at a time until L+ can start, and L+ can start only on a-z or on a
// non-ASCII letter; so "iPhone" gives "i" "Phone", and "ÉCOLE" gives "É" "COLE".
size_t case_split_letters_end(const Piece& p, size_t s) {
    size_t k = s, last_non_ascii = kNone;
    while (p.at(k) != kNone && is_letter(p.at(k)) && !is_ascii_lower(p.at(k))) {
        if (p.at(k) >= 0x80) last_non_ascii = k;
        ++k;
    }
    if (is_ascii_lower(p.at(k))) {
        while (p.at(k) != kNone && is_letter(p.at(k)) && !is_ascii_upper(p.at(k))) ++k;
        return k;
    }
    return last_non_ascii != kNone ? last_non_ascii + 1 : k;  // U+L* when no L can start
}

// The Llama-3-shaped regexes, alternatives in order:
//   [C |] [^\r\n\p{L}\p{N}]?<letters>[C?] | \p{N}{1,max} | ' ?[^\s\p{L}\p{N}]+[\r\n(/)]*' | \s*[\r\n]+ | \s+(?!\S) | \s+
template <class Emit>
void split_words(const Piece& p, const WordRules& rules, Emit&& emit) {
    size_t i = p.begin;
    while (i < p.end) {
        size_t len = rules.contractions_first ? contraction_length(p, i, /*ignore_case=*/true) : 0;
        const uint32_t c = p.at(i);
        if (len == 0) {
            // [^\r\n\p{L}\p{N}]? before the letters: taken whenever a letter follows it
            const bool prefixed = c != kNone && !is_newline(c) && !is_letter(c) && !is_number(c) && is_letter(p.at(i + 1));
            const size_t s = i + (prefixed ? 1 : 0);
            if (is_letter(p.at(s))) {
                size_t e = s;
                if (rules.case_split) e = case_split_letters_end(p, s);
                else while (p.at(e) != kNone && is_letter(p.at(e))) ++e;
                if (rules.contraction_suffix) e += contraction_length(p, e, /*ignore_case=*/true);
                len = e - i;
            }
        }
        if (len == 0 && is_number(c)) {
            while (len < rules.max_digits && p.at(i + len) != kNone && is_number(p.at(i + len))) ++len;
        }
        if (len == 0) {  // ' ?[^\s\p{L}\p{N}]+[\r\n]*' (or [\r\n/]*)
            const size_t skip = (c == ' ') ? 1 : 0;
            if (is_other(p.at(i + skip))) {
                len = skip;
                while (is_other(p.at(i + len))) ++len;
                while (is_newline(p.at(i + len)) || (rules.slash_after_other && p.at(i + len) == '/')) ++len;
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

// Which alternatives each Llama-3-shaped kind has.
WordRules word_rules(PreTokenizerKind kind) {
    switch (kind) {
        case PreTokenizerKind::Qwen2: return {true, false, false, 1, false};
        case PreTokenizerKind::Tekken: return {false, true, false, 1, true};
        case PreTokenizerKind::Gpt4o: return {false, true, true, 3, true};
        default: return {true, false, false, 3, false};  // Llama3
    }
}

void append_range(std::vector<std::string>& out, const std::vector<uint32_t>& cps, size_t b, size_t e) {
    std::string word;
    for (size_t k = b; k < e; ++k) unicode::append_utf8(word, cps[k]);
    out.push_back(std::move(word));
}

using Range = std::pair<size_t, size_t>;  // [begin, end) in codepoints

// One regex of a llama.cpp list that has no alternatives worth a scanner: each
// piece is cut at the matches (match(i, end) gives the length at i, 0 for none),
// and the stretches between matches stay pieces of their own.
template <class Match>
std::vector<Range> split_at_matches(const std::vector<Range>& pieces, Match&& match) {
    std::vector<Range> out;
    out.reserve(pieces.size());
    for (const auto& [b, e] : pieces) {
        size_t unmatched = b;
        for (size_t i = b; i < e;) {
            const size_t n = match(i, e);
            if (n == 0) {
                ++i;
                continue;
            }
            if (i > unmatched) out.emplace_back(unmatched, i);
            out.emplace_back(i, i + n);
            i += n;
            unmatched = i;
        }
        if (e > unmatched) out.emplace_back(unmatched, e);
    }
    return out;
}

// [\p{P}\$\+<=>\^~\|] of llama.cpp's default list: punctuation and these ASCII symbols (not `).
bool is_default_punctuation(uint32_t cp) {
    switch (cp) {
        case '$': case '+': case '<': case '=': case '>': case '^': case '~': case '|':
            return true;
        default:
            return unicode::is_punctuation(cp);
    }
}

// tokenizer.ggml.pre values whose llama.cpp regexes are the ones above (src/llama-vocab.cpp).
struct NamedPreTokenizer {
    const char* name;
    PreTokenizerSpec spec;
};
constexpr PreTokenizerSpec kDefault{PreTokenizerKind::Default, false, false};
constexpr PreTokenizerSpec kGpt2{PreTokenizerKind::Gpt2, false, false};
constexpr PreTokenizerSpec kDigits{PreTokenizerKind::Gpt2Digits, false, false};
constexpr PreTokenizerSpec kLlama3{PreTokenizerKind::Llama3, true, true};
constexpr PreTokenizerSpec kLlama3Regex{PreTokenizerKind::Llama3, false, false};  // dbrx, smaug: no flags
constexpr PreTokenizerSpec kQwen2{PreTokenizerKind::Qwen2, false, false};
constexpr PreTokenizerSpec kTekken{PreTokenizerKind::Tekken, true, true};
constexpr PreTokenizerSpec kGpt4o{PreTokenizerKind::Gpt4o, false, false};
const NamedPreTokenizer kPreTokenizers[] = {
    {"default", kDefault}, {"gpt-2", kGpt2}, {"phi-2", kGpt2}, {"mpt", kGpt2}, {"olmo", kGpt2}, {"jais", kGpt2},
    {"gigachat", kGpt2}, {"jina-es", kGpt2}, {"jina-de", kGpt2}, {"jina-v2-es", kGpt2}, {"jina-v2-de", kGpt2},
    {"exaone4", kGpt2}, {"trillion", kGpt2},
    {"smollm", kDigits}, {"starcoder", kDigits}, {"refact", kDigits}, {"command-r", kDigits}, {"codeshell", kDigits},
    {"exaone", kDigits}, {"minerva-7b", kDigits},
    {"llama3", kLlama3}, {"llama-v3", kLlama3}, {"llama-bpe", kLlama3}, {"falcon3", kLlama3}, {"falcon-h1", kLlama3},
    {"pixtral", kLlama3}, {"midm-2.0", kLlama3}, {"lfm2", kLlama3},
    {"dbrx", kLlama3Regex}, {"smaug-bpe", kLlama3Regex},
    {"qwen2", kQwen2}, {"deepseek-r1-qwen", kQwen2}, {"megrez", kQwen2}, {"stablelm2", kQwen2},
    {"tekken", kTekken},
    {"gpt-4o", kGpt4o}, {"llama4", kGpt4o},
};

}  // namespace

std::vector<std::string> supported_pre_tokenizer_names() {
    std::vector<std::string> names;
    for (const auto& p : kPreTokenizers) names.emplace_back(p.name);
    return names;
}

PreTokenizerSpec pre_tokenizer_from_name(const std::string& pre) {
    for (const auto& p : kPreTokenizers)
        if (pre == p.name) return p.spec;
    std::string list;
    for (const auto& p : kPreTokenizers) list += (list.empty() ? "" : ", ") + std::string(p.name);
    throw std::invalid_argument("unsupported pre-tokenizer \"" + pre + "\" (supported: " + list + ")");
}

std::vector<std::string> pre_tokenize(PreTokenizerKind kind, std::string_view text) {
    const std::vector<uint32_t> cps = unicode::decode_utf8_lossy(text);
    std::vector<Range> ranges;
    auto emit = [&](size_t b, size_t e) { ranges.emplace_back(b, e); };
    auto each_piece = [&](const std::vector<Range>& pieces, auto&& split) {
        ranges.clear();
        for (const auto& [b, e] : pieces) split(Piece{cps, b, e}, emit);
    };
    const Piece all{cps, 0, cps.size()};
    switch (kind) {
        case PreTokenizerKind::Default: {
            // [\p{P}\$\+<=>\^~\|]+, then the GPT-2 regex, then \p{N}+, then [0-9][0-9][0-9],
            // each splitting the pieces the one before left (llama.cpp's default list).
            auto pieces = split_at_matches({{0, cps.size()}}, [&](size_t i, size_t e) {
                size_t n = 0;
                while (i + n < e && is_default_punctuation(cps[i + n])) ++n;
                return n;
            });
            each_piece(pieces, [](const Piece& p, auto&& out) { split_gpt2(p, out); });
            pieces = split_at_matches(ranges, [&](size_t i, size_t e) {
                size_t n = 0;
                while (i + n < e && is_number(cps[i + n])) ++n;
                return n;
            });
            ranges = split_at_matches(pieces, [&](size_t i, size_t e) {
                auto digit = [&](size_t k) { return k < e && cps[k] >= '0' && cps[k] <= '9'; };
                return (digit(i) && digit(i + 1) && digit(i + 2)) ? size_t{3} : size_t{0};
            });
            break;
        }
        case PreTokenizerKind::Gpt2:
            split_gpt2(all, emit);
            break;
        case PreTokenizerKind::Gpt2Digits: {
            // \p{N} splits first: each number codepoint is a word, and the GPT-2
            // scanner runs inside the stretches between them (it never sees across).
            const auto pieces = split_at_matches({{0, cps.size()}},
                                                 [&](size_t i, size_t) { return is_number(cps[i]) ? 1 : 0; });
            each_piece(pieces, [](const Piece& p, auto&& out) { split_gpt2(p, out); });
            break;
        }
        case PreTokenizerKind::Llama3:
        case PreTokenizerKind::Qwen2:
        case PreTokenizerKind::Tekken:
        case PreTokenizerKind::Gpt4o:
            split_words(all, word_rules(kind), emit);
            break;
    }
    std::vector<std::string> words;
    words.reserve(ranges.size());
    for (const auto& [b, e] : ranges) append_range(words, cps, b, e);
    return words;
}

}  // namespace qt
