#include "tokenizer/byte_level_bpe_tokenizer.h"

#include <queue>

#include "tokenizer/special_token_splitter.h"
#include "tokenizer/unicode_text.h"

namespace qt {
namespace {

// GPT-2's reversible byte -> printable character map: printable Latin-1 bytes
// stand for themselves, the rest (controls, space, 0x7F-0xA0, 0xAD) take the
// codepoints from U+0100 upward in byte order.
struct ByteCharMap {
    uint32_t byte_to_cp[256];
    std::unordered_map<uint32_t, uint8_t> cp_to_byte;
    ByteCharMap() {
        uint32_t next = 256;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
            byte_to_cp[b] = printable ? b : next++;
            cp_to_byte[byte_to_cp[b]] = static_cast<uint8_t>(b);
        }
    }
};

const ByteCharMap& byte_chars() {
    static const ByteCharMap map;
    return map;
}

std::string decode_byte_chars(const std::string& token) {
    const auto& map = byte_chars();
    std::string out;
    for (uint32_t cp : unicode::decode_utf8_lossy(token)) {
        auto it = map.cp_to_byte.find(cp);
        if (it != map.cp_to_byte.end()) out += static_cast<char>(it->second);
        else unicode::append_utf8(out, cp);  // not a byte character: keep it as text
    }
    return out;
}

}  // namespace

ByteLevelBpeTokenizer::ByteLevelBpeTokenizer(Vocabulary vocab, PreTokenizerKind pre,
                                             const std::vector<std::string>& merges, bool ignore_merges)
    : Tokenizer(std::move(vocab)), pre_(pre), ignore_merges_(ignore_merges) {
    const auto& map = byte_chars();
    for (int b = 0; b < 256; ++b) {
        std::string ch;
        unicode::append_utf8(ch, map.byte_to_cp[b]);
        byte_token_[b] = vocab_.find(ch);
    }
    // A merge is "LEFT RIGHT"; its rank is its index. Merges whose halves or
    // result are not tokens can never yield a token and are left out.
    merges_.reserve(merges.size());
    for (size_t rank = 0; rank < merges.size(); ++rank) {
        const std::string& m = merges[rank];
        const size_t space = m.find(' ', 1);
        if (space == std::string::npos) continue;
        const std::string left = m.substr(0, space), right = m.substr(space + 1);
        const int32_t l = vocab_.find(left), r = vocab_.find(right), res = vocab_.find(left + right);
        if (l < 0 || r < 0 || res < 0) continue;
        merges_.emplace(pair_key(l, r), Merge{static_cast<int32_t>(rank), res});
    }
    decoded_.resize(vocab_.tokens.size());
    for (size_t i = 0; i < vocab_.tokens.size(); ++i)
        if (vocab_.types[i] == TokenType::Normal) decoded_[i] = decode_byte_chars(vocab_.tokens[i]);
}

void ByteLevelBpeTokenizer::encode_word(const std::string& word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    if (ignore_merges_) {
        std::string chars;
        for (unsigned char b : word) unicode::append_utf8(chars, byte_chars().byte_to_cp[b]);
        const int32_t whole = vocab_.find(chars);
        if (whole >= 0) {
            out.push_back(whole);
            return;
        }
    }
    const size_t n = word.size();
    std::vector<int32_t> id(n), prev(n), next(n);
    for (size_t i = 0; i < n; ++i) {
        id[i] = byte_token_[static_cast<unsigned char>(word[i])];
        prev[i] = static_cast<int32_t>(i) - 1;
        next[i] = (i + 1 < n) ? static_cast<int32_t>(i + 1) : -1;
    }
    struct Candidate {
        int32_t rank, left, right, left_id, right_id;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
    auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0 || id[left] < 0 || id[right] < 0) return;
        auto it = merges_.find(pair_key(id[left], id[right]));
        if (it != merges_.end()) queue.push({it->second.rank, left, right, id[left], id[right]});
    };
    for (size_t i = 0; i + 1 < n; ++i) consider(static_cast<int32_t>(i), static_cast<int32_t>(i + 1));

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        // Stale when either symbol has since merged with something else.
        if (id[c.left] != c.left_id || id[c.right] != c.right_id || next[c.left] != c.right) continue;
        id[c.left] = merges_.at(pair_key(c.left_id, c.right_id)).result_id;
        id[c.right] = -2;  // dead
        next[c.left] = next[c.right];
        if (next[c.left] >= 0) prev[next[c.left]] = c.left;
        consider(prev[c.left], c.left);
        consider(c.left, next[c.left]);
    }
    for (int32_t i = 0; i >= 0; i = next[i])
        if (id[i] >= 0) out.push_back(id[i]);
}

std::vector<int32_t> ByteLevelBpeTokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
    std::vector<int32_t> out;
    if (add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id);
    for (const TextFragment& f : split_special_tokens(vocab_, text, parse_special)) {
        if (f.token_id >= 0) {
            out.push_back(f.token_id);
            continue;
        }
        for (const std::string& word : pre_tokenize(pre_, f.text)) encode_word(word, out);
    }
    return out;
}

std::string ByteLevelBpeTokenizer::token_to_piece(int32_t id) const {
    check_id(id);
    switch (vocab_.types[id]) {
        case TokenType::Normal: return decoded_[id];
        case TokenType::Unused: return {};
        default: return vocab_.tokens[id];  // control, user-defined, unknown: their text
    }
}

}  // namespace qt
