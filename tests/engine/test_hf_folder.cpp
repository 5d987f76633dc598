// Hugging Face folders: config.json / tokenizer.json parsing and their errors, the
// Q/K row permutation, and (with the transformers oracle) a folder written by
// transformers from the default GGUF, loaded by QuantTune, against transformers'
// own logits, and our quantize-at-load bytes against gguf-py's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backend/cpu_backend.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "hf/hf_config.h"
#include "hf/hf_import.h"
#include "hf/hf_tokenizer.h"
#include "model/llama_model.h"
#include "model/loaded_model.h"
#include "quant/quantize.h"
#include "safetensors/safetensors_folder.h"
#include "test_support.h"
#include "util/model_file_error.h"

namespace {

using nlohmann::json;

json tiny_config() {
    return json{{"model_type", "llama"},         {"hidden_size", 64},        {"intermediate_size", 96},
                {"num_hidden_layers", 2},        {"num_attention_heads", 4}, {"num_key_value_heads", 2},
                {"vocab_size", 300},             {"max_position_embeddings", 128},
                {"rms_norm_eps", 1e-5},          {"rope_parameters", {{"rope_theta", 5e5}, {"rope_type", "default"}}},
                {"tie_word_embeddings", true}};
}

std::string config_error(const json& j) {
    try {
        qt::HfConfig::parse("dir/config.json", j.dump());
    } catch (const qt::ModelFileError& e) {
        return e.what();
    }
    return "";
}

json tiny_tokenizer(const json& merges) {
    json vocab = json::object();
    vocab["a"] = 0;
    vocab["b"] = 1;
    vocab["ab"] = 2;
    return json{{"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}}},
                {"pre_tokenizer", {{"type", "ByteLevel"}, {"use_regex", true}}},
                {"added_tokens", json::array({{{"id", 3}, {"content", "<s>"}, {"special", true}},
                                              {{"id", 4}, {"content", "<tool>"}, {"special", false}}})}};
}

std::string tokenizer_error(const json& j) {
    try {
        qt::HfTokenizer::parse("dir/tokenizer.json", j.dump(), "", "");
    } catch (const qt::ModelFileError& e) {
        return e.what();
    }
    return "";
}

std::vector<float> read_floats(const std::string& path) {
    const auto bytes = qt::test::read_bytes(path);
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
    return v;
}

// Whether the oracle interpreter has transformers and torch; skips or fails as
// QUANTTUNE_REQUIRE_ORACLES says when it has not.
#define QT_REQUIRE_TRANSFORMERS(model_var)                                                                     \
    QT_REQUIRE_MODEL_AND_ORACLE(model_var);                                                                    \
    {                                                                                                          \
        std::string out_;                                                                                      \
        if (::qt::test::run_command("'" + ::qt::test::oracle_python() + "' -c 'import torch, transformers'",   \
                                    out_) != 0) {                                                              \
            if (::qt::test::oracles_required())                                                                \
                FAIL() << "transformers/torch missing from the oracle venv; run scripts/setup.sh: " << out_;  \
            GTEST_SKIP() << "transformers/torch missing from the oracle venv (run scripts/setup.sh); skipping"; \
        }                                                                                                      \
    }

// The folder transformers writes from the default GGUF, made once per test run.
const std::string& transformers_folder(const std::string& model) {
    // A TempDir, so that the 0.5 GB folder goes when the test binary exits.
    static const qt::test::TempDir root("hf-from-gguf");
    static const std::string dir = [&] {
        const std::string d = root.path + "/SmolLM2-135M-Instruct";
        qt::test::run_oracle("hf_from_gguf.py", {model, d});
        return d;
    }();
    return dir;
}

}  // namespace

TEST(HfConfig, MapsTransformers5ConfigToLlamaMetadata) {
    const qt::HfConfig c = qt::HfConfig::parse("config.json", tiny_config().dump());
    EXPECT_EQ(c.n_layers, 2);
    EXPECT_EQ(c.head_dim, 16);
    EXPECT_EQ(c.n_kv_heads, 2);
    EXPECT_DOUBLE_EQ(c.rope_theta, 5e5);
    EXPECT_TRUE(c.tie_word_embeddings);
}

TEST(HfConfig, RefusesUnsupportedModelTypeListingTheSupportedOnes) {
    json j = tiny_config();
    j["model_type"] = "qwen2";
    const std::string e = config_error(j);
    EXPECT_NE(e.find("dir/config.json: key \"model_type\""), std::string::npos) << e;
    EXPECT_NE(e.find("llama, mistral"), std::string::npos) << e;
}

TEST(HfConfig, NamesTheFileAndKeyOfEachProblem) {
    json missing = tiny_config();
    missing.erase("hidden_size");
    EXPECT_NE(config_error(missing).find("key \"hidden_size\": missing"), std::string::npos) << config_error(missing);
    json wrong = tiny_config();
    wrong["num_key_value_heads"] = 3;
    EXPECT_NE(config_error(wrong).find("key \"num_key_value_heads\""), std::string::npos);
    json scaled = tiny_config();
    scaled["rope_parameters"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
    EXPECT_NE(config_error(scaled).find("\"yarn\" is not supported"), std::string::npos) << config_error(scaled);
    json text = tiny_config();
    text["num_hidden_layers"] = "2";
    EXPECT_NE(config_error(text).find("expected an integer"), std::string::npos);
    try {
        qt::HfConfig::parse("dir/config.json", "{\"model_type\": ");
        FAIL() << "truncated JSON accepted";
    } catch (const qt::ModelFileError& e) {
        EXPECT_NE(std::string(e.what()).find("dir/config.json: not valid JSON"), std::string::npos) << e.what();
    }
}

TEST(HfTokenizer, ReadsMergesInStringAndListFormsAlike) {
    const auto a = qt::HfTokenizer::parse("t.json", tiny_tokenizer(json::array({"a b"})).dump(), "", "");
    const auto b = qt::HfTokenizer::parse("t.json", tiny_tokenizer(json::array({json::array({"a", "b"})})).dump(), "", "");
    EXPECT_EQ(a.merges, b.merges);
    ASSERT_EQ(a.merges.size(), 1u);
    EXPECT_EQ(a.merges[0], "a b");
    EXPECT_EQ(a.pre, "gpt-2");
    ASSERT_EQ(a.tokens.size(), 5u);
    EXPECT_EQ(a.types[3], 3);  // special added token: control
    EXPECT_EQ(a.types[4], 4);  // other added token: user-defined
    const std::string cfg = json{{"bos_token", "<s>"}, {"eos_token", {{"content", "<s>"}}}, {"chat_template", "{{x}}"}}.dump();
    const auto c = qt::HfTokenizer::parse("t.json", tiny_tokenizer(json::array({"a b"})).dump(), "c.json", cfg);
    EXPECT_EQ(c.bos_id, 3);
    EXPECT_EQ(c.eos_id, 3);
    EXPECT_EQ(c.chat_template, "{{x}}");
}

TEST(HfTokenizer, RefusesMalformedTokenizerJsonNamingTheKey) {
    EXPECT_NE(tokenizer_error(tiny_tokenizer(json::array({"ab"}))).find("key \"model.merges\""), std::string::npos);
    json holes = tiny_tokenizer(json::array());
    holes["added_tokens"][1]["id"] = 7;
    EXPECT_NE(tokenizer_error(holes).find("added_tokens"), std::string::npos) << tokenizer_error(holes);
    json unigram = tiny_tokenizer(json::array());
    unigram["model"]["type"] = "Unigram";
    EXPECT_NE(tokenizer_error(unigram).find("key \"model.type\""), std::string::npos);
    json pre = tiny_tokenizer(json::array());
    pre["pre_tokenizer"] = {{"type", "Whitespace"}};
    EXPECT_NE(tokenizer_error(pre).find("key \"pre_tokenizer\""), std::string::npos) << tokenizer_error(pre);
    json fallback = tiny_tokenizer(json::array());
    fallback["model"]["byte_fallback"] = true;
    EXPECT_NE(tokenizer_error(fallback).find("byte_fallback"), std::string::npos);
}

TEST(HfTokenizer, KnownPreTokenizersRoundTripThroughTokenizerJson) {
    for (const std::string pre : {"gpt-2", "smollm", "llama-bpe", "qwen2"}) {
        json j = tiny_tokenizer(json::array());
        j["pre_tokenizer"] = json::parse(qt::hf_pre_tokenizer_json(pre));
        EXPECT_EQ(qt::HfTokenizer::parse("t.json", j.dump(), "", "").pre, pre);
    }
}

TEST(HfImport, QkPermutationSendsRotateHalvesPairsToAdjacentRows) {
    // head_dim 8: HF pairs rows (i, i + 4); GGUF wants them at (2i, 2i + 1).
    const std::vector<int64_t> want = {0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15};
    std::set<int64_t> seen;
    for (int64_t r = 0; r < 16; ++r) {
        EXPECT_EQ(qt::hf_row_for_gguf_row(r, 8), want[r]);
        seen.insert(qt::hf_row_for_gguf_row(r, 8));
    }
    EXPECT_EQ(seen.size(), 16u);
}

TEST(HfImport, UnknownQuantizationTypeListsTheSupportedOnes) {
    try {
        qt::parse_hf_import_type("q4_k");
        FAIL() << "q4_k accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("q8_0, q4_0, q4_1"), std::string::npos) << e.what();
    }
    EXPECT_EQ(qt::parse_hf_import_type("Q4_1"), qt::GgmlType::Q4_1);
}

// (1) must-show 3: transformers writes the folder; QuantTune converts it at F32 and
// its logits on 3 prompts' ids agree with transformers' own.
TEST(HfFolderVsTransformers, FolderWrittenByTransformersGivesTransformersLogits) {
    QT_REQUIRE_TRANSFORMERS(model_path);
    const std::string& folder = transformers_folder(model_path);
    qt::test::TempDir work("hf-logits");
    const std::string gguf = work.path + "/model.f32.gguf";
    qt::convert_hf_folder(folder, gguf, {qt::GgmlType::F32});
    auto backend = qt::make_cpu_backend();
    qt::LoadedModel loaded = qt::LoadedModel::open(gguf, *backend);
    qt::LlamaModel* model = loaded.model.get();
    const std::vector<std::string> texts = {
        "The capital of France is",
        "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n",
        "def add(a, b):\n    return a + b  # 12345 caf\u00e9",
    };
    std::vector<std::vector<int32_t>> prompts;
    for (size_t p = 0; p < texts.size(); ++p) {
        prompts.push_back(loaded.encode_prompt(texts[p], /*chat=*/false));
        std::ofstream out(work.path + "/" + std::to_string(p) + ".tokens");
        for (int32_t t : prompts[p]) out << t << "\n";
    }
    std::ofstream(work.path + "/prompts.json") << json(texts).dump();
    qt::test::run_oracle("hf_logits.py", {folder, work.path});
    const int vocab = model->config().vocab_size;
    float worst = 0;
    for (size_t p = 0; p < prompts.size(); ++p) {
        const auto want = read_floats(work.path + "/" + std::to_string(p) + ".logits");
        // The tokenizer converted from tokenizer.json cuts the text as transformers does.
        std::ifstream hf_ids(work.path + "/" + std::to_string(p) + ".hf_tokens");
        std::vector<int32_t> theirs;
        for (int32_t v; hf_ids >> v;) theirs.push_back(v);
        EXPECT_EQ(prompts[p], theirs) << "prompt " << p;
        auto cache = model->make_cache(64);
        std::vector<float> got;
        model->forward(prompts[p], cache, got, /*all_logits=*/true);
        ASSERT_EQ(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
        for (size_t t = 0; t < prompts[p].size(); ++t) {
            const float* g = got.data() + t * vocab;
            const float* w = want.data() + t * vocab;
            EXPECT_EQ(std::max_element(g, g + vocab) - g, std::max_element(w, w + vocab) - w)
                << "prompt " << p << " position " << t;
        }
    }
    std::printf("largest |logit - transformers'|: %.4f\n", worst);
    // Both evaluate float32 weights; the engine's CPU path quantizes activations to Q8
    // blocks before each product, which over 30 layers moves logits by tenths.
    EXPECT_LE(worst, 1.0f);
}

// (2) Q8_0 / Q4_0 / Q4_1 quantize-at-load gives gguf-py's bytes for the same floats
// (rows in GGUF order: Q permuted as the converter permutes them).
TEST(HfFolderVsTransformers, QuantizeAtLoadGivesGgufPyBytes) {
    QT_REQUIRE_TRANSFORMERS(model_path);
    const std::string& folder = transformers_folder(model_path);
    qt::test::TempDir work("hf-quant");
    const auto weights = qt::SafetensorsFolder::open(folder);
    const qt::HfConfig config = qt::HfConfig::read(folder + "/config.json");
    for (const char* type_name : {"Q8_0", "Q4_0", "Q4_1"}) {
        const qt::GgmlType type = qt::parse_hf_import_type(type_name);
        const std::string gguf = work.path + "/" + type_name + ".gguf";
        qt::convert_hf_folder(folder, gguf, {type});
        auto file = qt::GgufFile::open(gguf);
        for (const auto& [hf, name] : std::vector<std::pair<std::string, std::string>>{
                 {"model.layers.0.self_attn.q_proj.weight", "blk.0.attn_q.weight"},
                 {"model.layers.3.mlp.down_proj.weight", "blk.3.ffn_down.weight"}}) {
            const auto e = weights->get(hf);
            std::vector<float> values, rows;
            e.file->to_f32(*e.tensor, values);
            const int64_t r = e.tensor->shape[0], cols = e.tensor->shape[1];
            const bool permute = name.find("attn_q") != std::string::npos;
            for (int64_t i = 0; i < r; ++i) {
                const int64_t src = permute ? qt::hf_row_for_gguf_row(i, config.head_dim) : i;
                rows.insert(rows.end(), values.begin() + src * cols, values.begin() + (src + 1) * cols);
            }
            const std::string dir = work.path + "/" + type_name + "-" + name;
            std::filesystem::create_directories(dir);
            std::ofstream(dir + "/input.f32", std::ios::binary)
                .write(reinterpret_cast<const char*>(rows.data()), static_cast<std::streamsize>(rows.size() * 4));
            qt::test::run_oracle("quantize_blocks.py", {dir, std::to_string(cols), type_name});
            const auto want = qt::test::read_bytes(dir + "/" + type_name + ".blocks");
            const auto& info = file->tensor(name);
            ASSERT_EQ(info.type, type);
            const uint8_t* got = info.data;
            ASSERT_EQ(want.size(), qt::ggml_row_size(type, cols) * r);
            EXPECT_EQ(0, std::memcmp(got, want.data(), want.size())) << type_name << " " << name;
        }
    }
}
