#pragma once
// Byte-level BPE (tokenizer.ggml.model = "gpt2"): text is split into words by
// the pre-tokenizer named in tokenizer.ggml.pre, each word's UTF-8 bytes are
// mapped to GPT-2's printable byte characters, and adjacent symbols are merged
// lowest merge rank first (leftmost among equals) using tokenizer.ggml.merges.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer.h"

namespace qt {

class ByteLevelBpeTokenizer : public Tokenizer {
public:
    ByteLevelBpeTokenizer(Vocabulary vocab, PreTokenizerKind pre, const std::vector<std::string>& merges,
                          bool ignore_merges);

    std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const override;
    std::string token_to_piece(int32_t id) const override;

    // Appends the ids of one pre-tokenized word.
    void encode_word(const std::string& word, std::vector<int32_t>& out) const;

private:
    struct Merge {
        int32_t rank;
        int32_t result_id;
    };
    static uint64_t pair_key(int32_t left, int32_t right) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
    }

    PreTokenizerKind pre_;
    bool ignore_merges_;  // llama3, tekken: a whole word found in the vocabulary is one token
    std::unordered_map<uint64_t, Merge> merges_;  // (left id, right id) -> rank, merged id
    int32_t byte_token_[256];                      // token of each byte's GPT-2 character, -1 if absent
    std::vector<std::string> decoded_;             // token_to_piece of normal tokens, precomputed
};

}  // namespace qt
