#pragma once
// A Hugging Face folder's tokenizer.json (tokenizers' byte-level BPE) and
// tokenizer_config.json (special tokens, chat template), mapped to the GGUF
// tokenizer metadata QuantTune's tokenizer reads (Vocabulary::from_gguf,
// pre_tokenizer.cpp): tokenizer.ggml.model = "gpt2", .tokens, .token_type,
// .merges, .pre, .bos/eos_token_id, .add_bos_token, tokenizer.chat_template.
// SentencePiece folders (tokenizer.model) are refused for now. Errors are
// ModelFileErrors naming the file and the key.
#include <cstdint>
#include <string>
#include <vector>

namespace qt {

class GgufFile;
class GgufWriter;

struct HfTokenizer {
    std::vector<std::string> tokens;  // by id, added tokens included
    std::vector<int32_t> types;       // tokenizer.ggml.token_type: 1 normal, 3 control, 4 user-defined
    std::vector<std::string> merges;  // "left right", in rank order
    std::string pre;                  // tokenizer.ggml.pre: the pre-tokenizer's name
    int32_t bos_id = -1;
    int32_t eos_id = -1;
    int32_t pad_id = -1;
    int32_t unk_id = -1;
    bool add_bos = false;
    std::string chat_template;  // empty when the folder has none

    // Reads FOLDER/tokenizer.json, FOLDER/tokenizer_config.json (optional) and
    // FOLDER/chat_template.jinja (optional, transformers 5 writes the template there).
    static HfTokenizer read_folder(const std::string& folder);
    // The parsing itself; `*_path` name the texts in errors; config_text may be empty.
    static HfTokenizer parse(const std::string& tokenizer_path, const std::string& tokenizer_text,
                             const std::string& config_path, const std::string& config_text);

    void write_gguf_metadata(GgufWriter& out) const;

    // The way back (export): a GGUF file's byte-level BPE tokenizer
    // (tokenizer.ggml.model "gpt2" with a pre-tokenizer hf_pre_tokenizer_json
    // knows), refused with a ModelFileError naming the key otherwise; and the
    // tokenizer.json and tokenizer_config.json texts tokenizers / transformers read.
    // Control tokens become special added tokens, user-defined ones plain added
    // tokens; read_folder() reads the texts back to the same tokens, merges, pre,
    // ids and template.
    static HfTokenizer from_gguf(const GgufFile& file);
    std::string tokenizer_json() const;
    std::string tokenizer_config_json(int context_length) const;
};

// The tokenizer.json pre_tokenizer that byte-level BPE with GGUF pre-tokenizer `pre`
// uses ("gpt-2", "smollm", "llama-bpe", "qwen2"), for writing a folder; throws
// std::invalid_argument for any other name.
std::string hf_pre_tokenizer_json(const std::string& pre);

}  // namespace qt
