#pragma once
// A small random LLaMA (gguf/random_llama_gguf.h) loaded on a one-thread CPU
// backend; its file lives in a temporary folder removed with it.
#include <memory>
#include <string>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "model/llama_model.h"
#include "test_support.h"

namespace qt::test {

struct TinyCpuModel {
    explicit TinyCpuModel(const std::string& tag, const RandomLlamaSpec& spec = {}) : dir(tag), spec(spec) {
        const std::string path = dir.path + "/tiny.gguf";
        write_random_llama_gguf(path, spec);
        file = std::shared_ptr<const GgufFile>(GgufFile::open(path));
        backend = make_cpu_backend(1);
        model = LlamaModel::load(file, *backend, {});
    }
    TempDir dir;
    RandomLlamaSpec spec;
    std::shared_ptr<const GgufFile> file;
    std::unique_ptr<Backend> backend;
    std::unique_ptr<LlamaModel> model;
};

}  // namespace qt::test
