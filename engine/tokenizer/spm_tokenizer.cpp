#include "tokenizer/spm_tokenizer.h"

#include <algorithm>
#include <queue>

#include "gguf/gguf_file.h"
#include "tokenizer/special_token_splitter.h"
#include "tokenizer/unicode_text.h"

namespace qt {
namespace {

const std::string kSpaceMark = "\xE2\x96\x81";  // U+2581, SentencePiece's visible space

std::string escape_spaces(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (c == ' ') out += kSpaceMark;
        else out += c;
    }
    return out;
}

std::string unescape_spaces(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, kSpaceMark.size(), kSpaceMark) == 0) {
            out += ' ';
            i += kSpaceMark.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

// "<0xAB>" -> 0xAB, or -1.
int parse_byte_token(const std::string& t) {
    if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
    unsigned v = 0;
    for (int k = 3; k < 5; ++k) {
        const char c = t[k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else return -1;
    }
    return static_cast<int>(v);
}

// SentencePiece merges only into pieces of these types (control, unknown and
// byte pieces are never produced by merging text).
bool mergeable(TokenType t) { return t == TokenType::Normal || t == TokenType::UserDefined || t == TokenType::Unused; }

}  // namespace

SpmTokenizer::SpmTokenizer(Vocabulary vocab) : Tokenizer(std::move(vocab)) {
    if (vocab_.scores.empty())
        throw ModelFileError(vocab_.source + ": metadata: key \"tokenizer.ggml.scores\" is required by the \"llama\" "
                             "(SentencePiece) vocabulary: merges are ordered by piece score");
    for (int& t : byte_token_) t = -1;
    for (int32_t i = 0; i < vocab_.size(); ++i) {
        if (vocab_.types[i] != TokenType::Byte) continue;
        const int b = parse_byte_token(vocab_.tokens[i]);
        if (b < 0)
            throw ModelFileError(vocab_.source + ": metadata: key \"tokenizer.ggml.tokens\"[" + std::to_string(i) +
                                 "] has type BYTE but text \"" + vocab_.tokens[i] + "\", expected <0xAB>");
        if (byte_token_[b] < 0) byte_token_[b] = i;
    }
}

void SpmTokenizer::append_bytes(std::string_view text, std::vector<int32_t>& out) const {
    for (unsigned char b : text) {
        if (byte_token_[b] >= 0) out.push_back(byte_token_[b]);
        else if (vocab_.unk_id >= 0) out.push_back(vocab_.unk_id);
    }
}

void SpmTokenizer::encode_text(const std::string& text, std::vector<int32_t>& out) const {
    // Symbols start as single UTF-8 characters (a truncated sequence is cut at the end).
    struct Symbol {
        size_t begin, len;
        int32_t prev, next;
    };
    std::vector<Symbol> sym;
    for (size_t i = 0; i < text.size();) {
        const size_t len = std::min(unicode::utf8_sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
        sym.push_back({i, len, static_cast<int32_t>(sym.size()) - 1, static_cast<int32_t>(sym.size()) + 1});
        i += len;
    }
    if (sym.empty()) return;
    sym.back().next = -1;

    struct Candidate {
        float score;
        int32_t left, right;
        size_t len;  // merged byte length, to detect stale entries
        bool operator<(const Candidate& o) const { return score != o.score ? score < o.score : left > o.left; }
    };
    std::priority_queue<Candidate> queue;
    SplitMap unused_splits;  // merged unused piece (begin, len) -> length of its left part
    auto piece_id = [&](size_t begin, size_t len) { return vocab_.find(text.substr(begin, len)); };
    auto consider = [&](int32_t l, int32_t r) {
        if (l < 0 || r < 0) return;
        const size_t len = sym[l].len + sym[r].len;
        const int32_t id = piece_id(sym[l].begin, len);
        if (id < 0 || !mergeable(vocab_.types[id])) return;
        queue.push({vocab_.scores[id], l, r, len});
    };
    for (size_t i = 0; i + 1 < sym.size(); ++i) consider(static_cast<int32_t>(i), static_cast<int32_t>(i + 1));
    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& l = sym[c.left];
        Symbol& r = sym[c.right];
        if (l.len == 0 || r.len == 0 || l.len + r.len != c.len || l.next != c.right) continue;
        if (vocab_.types[vocab_.find(text.substr(l.begin, c.len))] == TokenType::Unused)
            unused_splits[split_key(l.begin, c.len)] = l.len;
        l.len += r.len;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) sym[r.next].prev = c.left;
        consider(l.prev, c.left);
        consider(c.left, l.next);
    }
    for (int32_t i = 0; i >= 0; i = sym[i].next) emit_piece(text, sym[i].begin, sym[i].len, unused_splits, out);
}

// An unused piece reached by merging is split back into the two symbols it was
// merged from (SentencePiece's resegmentation); a character with no piece becomes bytes.
void SpmTokenizer::emit_piece(const std::string& text, size_t begin, size_t len, const SplitMap& unused_splits,
                              std::vector<int32_t>& out) const {
    const int32_t id = vocab_.find(text.substr(begin, len));
    if (id >= 0 && (vocab_.types[id] == TokenType::Normal || vocab_.types[id] == TokenType::UserDefined)) {
        out.push_back(id);
        return;
    }
    if (auto it = unused_splits.find(split_key(begin, len)); it != unused_splits.end()) {
        emit_piece(text, begin, it->second, unused_splits, out);
        emit_piece(text, begin + it->second, len - it->second, unused_splits, out);
        return;
    }
    append_bytes(std::string_view(text).substr(begin, len), out);
}

std::vector<int32_t> SpmTokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
    std::vector<int32_t> out;
    if (add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id);
    bool after_special = true;  // the input's start counts as following a special token
    for (const TextFragment& f : split_special_tokens(vocab_, text, parse_special)) {
        if (f.token_id >= 0) {
            out.push_back(f.token_id);
            after_special = true;
            continue;
        }
        std::string raw = (vocab_.add_space_prefix && after_special) ? " " : "";
        raw.append(f.text);
        encode_text(escape_spaces(raw), out);
        after_special = false;
    }
    return out;
}

std::string SpmTokenizer::token_to_piece(int32_t id) const {
    check_id(id);
    switch (vocab_.types[id]) {
        case TokenType::Normal: return unescape_spaces(vocab_.tokens[id]);
        case TokenType::Byte: return std::string(1, static_cast<char>(parse_byte_token(vocab_.tokens[id])));
        case TokenType::Unused: return {};
        default: return vocab_.tokens[id];  // control, user-defined, unknown: their text
    }
}

}  // namespace qt
