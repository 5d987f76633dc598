#include "tokenizer/sentencepiece_library_tokenizer.h"

#include <sentencepiece_processor.h>

#include "gguf/gguf_file.h"
#include "tokenizer/special_token_splitter.h"

namespace qt {

SentencePieceLibraryTokenizer::SentencePieceLibraryTokenizer(Vocabulary vocab, const std::string& model_path)
    : SpmTokenizer(std::move(vocab)), processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
    const auto status = processor_->Load(model_path);
    if (!status.ok()) throw ModelFileError(model_path + ": cannot load SentencePiece model: " + status.ToString());
    const int pieces = processor_->GetPieceSize();
    if (pieces > vocab_.size())
        throw ModelFileError(model_path + ": has " + std::to_string(pieces) + " pieces but " + vocab_.source +
                             " has only " + std::to_string(vocab_.size()) + " tokens; it is not this model's tokenizer");
    for (int i = 0; i < pieces; ++i) {
        if (processor_->IdToPiece(i) != vocab_.tokens[i])
            throw ModelFileError(model_path + ": piece " + std::to_string(i) + " is \"" + processor_->IdToPiece(i) +
                                 "\" but token " + std::to_string(i) + " of " + vocab_.source + " is \"" +
                                 vocab_.tokens[i] + "\"; it is not this model's tokenizer");
    }
}

SentencePieceLibraryTokenizer::~SentencePieceLibraryTokenizer() = default;

std::vector<int32_t> SentencePieceLibraryTokenizer::encode(std::string_view text, bool add_bos,
                                                           bool parse_special) const {
    std::vector<int32_t> out;
    if (add_bos && vocab_.bos_id >= 0) out.push_back(vocab_.bos_id);
    std::vector<int> ids;
    for (const TextFragment& f : split_special_tokens(vocab_, text, parse_special)) {
        if (f.token_id >= 0) {
            out.push_back(f.token_id);
            continue;
        }
        // Each plain fragment starts the input or follows a special token, where
        // SentencePiece's dummy space prefix belongs.
        const auto status = processor_->Encode(std::string(f.text), &ids);
        if (!status.ok()) throw std::runtime_error("SentencePiece cannot encode text: " + status.ToString());
        out.insert(out.end(), ids.begin(), ids.end());
    }
    return out;
}

}  // namespace qt
