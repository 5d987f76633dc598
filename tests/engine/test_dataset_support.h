#pragma once
// Helpers shared by the dataset tests: files written into a temp folder, and the
// default model's tokenizer and chat template (opened once).
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace qt::test {

inline std::string write_data_file(const std::string& name, const std::string& content) {
    static const std::string dir = make_temp_dir("dataset");
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

struct ModelTokenizer {
    std::unique_ptr<GgufFile> file;
    std::unique_ptr<Tokenizer> tokenizer;
    std::optional<ChatTemplate> chat_template;
};

// The default model's tokenizer and template, or null when the model is missing.
inline const ModelTokenizer* default_model_tokenizer() {
    static const std::unique_ptr<ModelTokenizer> shared = []() -> std::unique_ptr<ModelTokenizer> {
        const std::string path = default_model_path();
        if (path.empty()) return nullptr;
        auto m = std::make_unique<ModelTokenizer>();
        m->file = GgufFile::open(path);
        m->tokenizer = Tokenizer::from_gguf(*m->file);
        m->chat_template = ChatTemplate::from_gguf(*m->file);
        return m;
    }();
    return shared.get();
}

}  // namespace qt::test

// Skips (or fails under QUANTTUNE_REQUIRE_ORACLES=1) when the default model is
// missing; otherwise binds `var` to its tokenizer bundle.
#define QT_REQUIRE_MODEL_TOKENIZER(var)                                                              \
    const ::qt::test::ModelTokenizer* var = ::qt::test::default_model_tokenizer();                   \
    if (!var) {                                                                                      \
        if (::qt::test::oracles_required()) FAIL() << "default model missing; run scripts/setup.sh"; \
        GTEST_SKIP() << "default model missing (run scripts/setup.sh); skipping";                    \
    }
