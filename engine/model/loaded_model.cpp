#include "model/loaded_model.h"

#include "util/cache_dir.h"

#include <cstdlib>
#include <stdexcept>

namespace qt {

LoadedModel LoadedModel::open(const std::string& path, Backend& backend) {
    LoadedModel m;
    m.file = std::shared_ptr<const GgufFile>(GgufFile::open(path));
    m.model = LlamaModel::load(m.file, backend);
    m.tokenizer = Tokenizer::from_gguf(*m.file);
    if (m.tokenizer->vocab_size() != m.model->config().vocab_size)
        m.file->fail("tokenizer", "vocabulary has " + std::to_string(m.tokenizer->vocab_size()) +
                                      " tokens but the embedding has " +
                                      std::to_string(m.model->config().vocab_size) + " rows");
    try {
        m.chat_template = ChatTemplate::from_gguf(*m.file);
    } catch (const std::exception& e) {
        m.chat_template_error = e.what();
    }
    return m;
}

std::vector<int32_t> LoadedModel::encode_prompt(const std::string& text, bool chat) const {
    if (!chat) return tokenizer->encode(text, tokenizer->add_bos_by_default(), true);
    if (!chat_template) throw std::runtime_error("this model has no usable chat template: " + chat_template_error);
    // The rendered template already holds any BOS text, so none is added here.
    const std::string rendered = chat_template->apply({{"user", text}}, true);
    return tokenizer->encode(rendered, false, true);
}

std::string default_model_path() {
    if (const char* p = std::getenv("QUANTTUNE_MODEL"); p && *p) return p;
    std::string dir;
    if (const char* d = std::getenv("QUANTTUNE_MODEL_DIR"); d && *d) {
        dir = d;
    } else {
        dir = quanttune_cache_dir() + "/models";
    }
    return dir + "/SmolLM2-135M-Instruct.Q4_1.gguf";
}

}  // namespace qt
