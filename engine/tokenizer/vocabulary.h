#pragma once
// The token table every tokenizer kind shares, read from GGUF metadata
// (tokenizer.ggml.tokens / token_type / scores / *_token_id / add_*), with the
// derived sets llama.cpp derives: the special tokens matched as whole strings
// and the end-of-generation tokens.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace qt {

class GgufFile;

// tokenizer.ggml.token_type values (llama.cpp's llama_token_type).
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

struct Vocabulary {
    std::string source;  // file path, for error messages
    std::string model;   // tokenizer.ggml.model
    std::vector<std::string> tokens;
    std::vector<TokenType> types;
    std::vector<float> scores;  // empty when the file has none
    std::unordered_map<std::string, int32_t> token_to_id;

    int32_t bos_id = -1;
    int32_t eos_id = -1;
    int32_t unk_id = -1;
    bool add_bos = false;
    bool add_eos = false;
    bool add_space_prefix = false;

    // Control, user-defined and unknown tokens, longest text first: the order in
    // which they are cut out of input text.
    std::vector<int32_t> special_ids_longest_first;
    std::unordered_set<int32_t> end_of_generation_ids;

    static Vocabulary from_gguf(const GgufFile& file);

    int32_t size() const { return static_cast<int32_t>(tokens.size()); }
    bool valid_id(int32_t id) const { return id >= 0 && id < size(); }
    int32_t find(const std::string& text) const {
        auto it = token_to_id.find(text);
        return it == token_to_id.end() ? -1 : it->second;
    }
};

}  // namespace qt
