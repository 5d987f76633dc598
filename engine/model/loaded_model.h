#pragma once
// Everything that comes with opening a model file: the mapping, the network on a
// backend, its tokenizer and chat template. What the CLI and the GUI hold.
#include <memory>
#include <optional>
#include <string>

#include "backend/backend.h"
#include "gguf/gguf_file.h"
#include "model/llama_model.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace qt {

struct LoadedModel {
    std::shared_ptr<const GgufFile> file;
    std::unique_ptr<LlamaModel> model;
    std::unique_ptr<Tokenizer> tokenizer;
    std::optional<ChatTemplate> chat_template;  // absent when the file has none we recognise
    std::string chat_template_error;            // why it is absent

    // Opens a GGUF model on `backend` (which must outlive the result). Throws
    // ModelFileError with the file, place and problem.
    static LoadedModel open(const std::string& path, Backend& backend);

    // The prompt as token ids: through the chat template as one user turn when
    // `chat`, else the raw text (special tokens parsed, BOS as the model wants).
    std::vector<int32_t> encode_prompt(const std::string& text, bool chat) const;
};

// Where the default model lives: $QUANTTUNE_MODEL, else
// ${QUANTTUNE_MODEL_DIR:-${XDG_CACHE_HOME:-~/.cache}/quanttune/models}/SmolLM2-135M-Instruct.Q4_1.gguf
std::string default_model_path();

}  // namespace qt
