#pragma once
// SentencePiece-style vocabulary (tokenizer.ggml.model = "llama") driven by GGUF
// metadata alone: spaces become U+2581, a space is prefixed to text that starts
// the input or follows a special token (tokenizer.ggml.add_space_prefix), then
// adjacent pieces merge highest score first (leftmost among equals) as long as
// the merged text is a token; characters with no token fall back to <0xAB>
// byte tokens. This is SentencePiece's BPE encoding.
#include <unordered_map>

#include "tokenizer/tokenizer.h"

namespace qt {

class SpmTokenizer : public Tokenizer {
public:
    explicit SpmTokenizer(Vocabulary vocab);

    std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const override;
    std::string token_to_piece(int32_t id) const override;

private:
    void encode_text(const std::string& text, std::vector<int32_t>& out) const;
    using SplitMap = std::unordered_map<uint64_t, size_t>;
    static uint64_t split_key(size_t begin, size_t len) { return (static_cast<uint64_t>(begin) << 32) | len; }
    void emit_piece(const std::string& text, size_t begin, size_t len, const SplitMap& unused_splits,
                    std::vector<int32_t>& out) const;
    void append_bytes(std::string_view text, std::vector<int32_t>& out) const;

    int32_t byte_token_[256];  // <0xAB> token of each byte, -1 if absent
};

}  // namespace qt
