#include "tokenizer/tokenizer.h"

#include <stdexcept>

#include "gguf/gguf_file.h"
#include "tokenizer/byte_level_bpe_tokenizer.h"
#include "tokenizer/sentencepiece_library_tokenizer.h"
#include "tokenizer/spm_tokenizer.h"

namespace qt {

Tokenizer::~Tokenizer() = default;

std::unique_ptr<Tokenizer> Tokenizer::from_gguf(const GgufFile& file, const std::string& sp_model_path) {
    Vocabulary vocab = Vocabulary::from_gguf(file);
    if (vocab.model == "gpt2") {
        const std::string pre = file.get_string("tokenizer.ggml.pre", "default");
        PreTokenizerSpec spec;
        try {
            spec = pre_tokenizer_from_name(pre);
        } catch (const std::invalid_argument& e) {
            file.fail("metadata", "key \"tokenizer.ggml.pre\": " + std::string(e.what()));
        }
        // llama.cpp turns BOS on for the llama3 and tekken families; the key, when present, decides.
        if (file.find("tokenizer.ggml.add_bos_token") == nullptr) vocab.add_bos = spec.adds_bos;
        const GgufValue& merges = file.get_array("tokenizer.ggml.merges");
        if (merges.elem_type != GgufValueType::STRING)
            file.fail("metadata", "key \"tokenizer.ggml.merges\" must be an array of strings");
        return std::make_unique<ByteLevelBpeTokenizer>(std::move(vocab), spec.kind, merges.strings, spec.ignore_merges);
    }
    if (vocab.model == "llama") {
        if (!sp_model_path.empty()) return std::make_unique<SentencePieceLibraryTokenizer>(std::move(vocab), sp_model_path);
        return std::make_unique<SpmTokenizer>(std::move(vocab));
    }
    file.fail("metadata", "key \"tokenizer.ggml.model\" is \"" + vocab.model +
                              "\"; supported vocabularies are \"gpt2\" (byte-level BPE) and \"llama\" (SentencePiece)");
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
    std::string out;
    for (int32_t id : ids) out += token_to_piece(id);
    return out;
}

const std::string& Tokenizer::token_text(int32_t id) const {
    check_id(id);
    return vocab_.tokens[id];
}

void Tokenizer::check_id(int32_t id) const {
    if (!vocab_.valid_id(id))
        throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary of " +
                                std::to_string(vocab_.size()) + " tokens (" + vocab_.source + ")");
}

}  // namespace qt
