#pragma once
// A "llama" vocabulary encoded by libsentencepiece from the model's own
// tokenizer.model, for exact agreement with the tokenizer the model was trained
// with (normalization rules included). Special tokens are still cut out first
// from the GGUF vocabulary; pieces decode as in SpmTokenizer.
#include <memory>
#include <string>

#include "tokenizer/spm_tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace qt {

class SentencePieceLibraryTokenizer : public SpmTokenizer {
public:
    // Throws ModelFileError naming model_path when it does not load or does not
    // match the GGUF vocabulary piece for piece.
    SentencePieceLibraryTokenizer(Vocabulary vocab, const std::string& model_path);
    ~SentencePieceLibraryTokenizer() override;

    std::vector<int32_t> encode(std::string_view text, bool add_bos, bool parse_special) const override;

private:
    std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

}  // namespace qt
