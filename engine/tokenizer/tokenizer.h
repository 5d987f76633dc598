#pragma once
// Text <-> token ids for a GGUF model. One interface over the vocabulary kinds a
// LLaMA-family GGUF can carry (tokenizer.ggml.model): "gpt2" byte-level BPE and
// "llama" SentencePiece, the latter either from GGUF metadata alone or through
// libsentencepiece when the model's tokenizer.model file is at hand.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/vocabulary.h"

namespace qt {

class GgufFile;

class Tokenizer {
public:
    // Builds the tokenizer from tokenizer.ggml.* metadata; with a non-empty
    // sp_model_path and vocabulary type "llama", encodes through libsentencepiece
    // with that model file. Throws ModelFileError naming the key (or file) on bad data.
    static std::unique_ptr<Tokenizer> from_gguf(const GgufFile& file, const std::string& sp_model_path = "");
    virtual ~Tokenizer();

    // parse_special: special-token text such as "<|im_start|>" becomes that token
    // (llama.cpp's special=true); otherwise only user-defined tokens are matched.
    // add_bos prepends bos_id() when the vocabulary has one.
    virtual std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const = 0;
    // The bytes a token stands for: byte-level BPE characters mapped back to
    // bytes, SentencePiece's U+2581 turned into a space and <0xAB> into the byte.
    // Control tokens give their text ("<|im_end|>"), so decode(encode(s)) == s.
    virtual std::string token_to_piece(int32_t id) const = 0;
    std::string decode(const std::vector<int32_t>& ids) const;

    int32_t bos_id() const { return vocab_.bos_id; }
    int32_t eos_id() const { return vocab_.eos_id; }
    int32_t vocab_size() const { return vocab_.size(); }
    // EOS and the end-of-turn tokens (<|im_end|>, <|eot_id|>, <|endoftext|>, ...), as llama.cpp's is_eog.
    bool is_end_of_generation(int32_t id) const { return vocab_.end_of_generation_ids.count(id) != 0; }
    bool add_bos_by_default() const { return vocab_.add_bos; }
    // tokenizer.ggml.add_eos_token: llama.cpp appends EOS to prompts it tokenizes with add_special.
    bool add_eos_by_default() const { return vocab_.add_eos; }

    const Vocabulary& vocabulary() const { return vocab_; }
    // The token's string as stored in the vocabulary (not decoded).
    const std::string& token_text(int32_t id) const;

protected:
    explicit Tokenizer(Vocabulary vocab) : vocab_(std::move(vocab)) {}
    void check_id(int32_t id) const;  // throws std::out_of_range naming the id and the vocabulary size

    Vocabulary vocab_;
};

}  // namespace qt
