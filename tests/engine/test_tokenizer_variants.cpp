// Variants of real vocabularies (other tokenizer.ggml.* values written by
// tests/oracle/tokenize_pre_variants.py) tokenized by llama.cpp through
// llama-cpp-python and by us: the byte-level BPE pre-tokenizers of the popular
// families on the default model's vocabulary, and the SentencePiece keys
// (add_space_prefix, add_bos/eos_token, remove_extra_whitespaces) on a tiny trained model.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace {

using nlohmann::json;

// Strings aimed at the differences between the Llama-3-shaped pre-tokenizers:
// digit runs, contractions in both cases, case changes inside words (ASCII and
// accented capitals), scripts without case, emoji, whitespace and newline runs, code.
const char* const kPreTokenizerStrings[] = {
    "12345", "1234567890 42 7", "v3.14159, 2024-06-11", "\u0663\u0664\u0665\u0666 \u00b9\u00b2\u00b3 \u2167",
    "I'M", "I'm HERE", "DON'T", "don't", "We'LL see", "they'Re", "it'S", "'s 'S 'Ll 'lL", "a'b", "x 's", "\u4e2d's",
    "\u00c9COLE", "\u00c9cole Normale", "\u00c0\u00c9\u00ce\u00d5\u00dc", "\u00c9COLEs", "CAF\u00c9s", "McDonald's",
    "iPhone", "HTTPServer", "XMLHttpRequest", "camelCaseWords", "snake_case_var", "ALLCAPS word", "\u01c5ungla",
    " \u00c9COLE", "Hello \u00c9COLE iPhone", " CAF\u00c9s", " McDonald's", " iPhone", " HTTPServer", " camelCaseWords",
    " XMLHttpRequest", "the \u00c9cole and L'\u00c9COLE", " \u00dcBER \u00dcber \u00fcber", " NA\u00cfVE na\u00efve",
    "\u0391\u0398\u0397\u039d\u0391 \u0391\u03b8\u03ae\u03bd\u03b1", "\u0421\u0421\u0421\u0420 \u0441\u043b\u043e\u0432\u043e",
    "na\u00efve\u0308", "e\u0301t\u00e9", "\ufb01ne", "\u4e2d\u6587English\u6df7\u5408",
    "\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8123", "\ud55c\uad6d\uc5b4ABC", "\U0001F600\U0001F600 \U0001F600x",
    "\U0001F44D\U0001F3FD ok", "a./\n/b", "x//y\n//z", "end.\r\n\r\n", "  \n\t \n  x", "tab\t\tword",
    "x\u00a0\u00a0y", "\u3000\u5168\u89d2", "trailing   ", "\n\n\n", " \n \n ", "a\r\rb",
    "def f(x):\n    return x**2  # ok\n", "if (a<b && c>=d) { return; }", "$x += ~y | z^2; `cmd`",
    "<|im_start|>user\nI'M 12345<|im_end|>", "I'M 12345\n\n hi",
};

// Each variant is written and tokenized by the oracle; ours must give the same
// ids with and without special-token parsing, and with add_special's BOS/EOS.
void expect_variants_match_llama_cpp(const std::string& source, const json& strings, const json& variants) {
    qt::test::TempDir dir("tok-variants");
    const std::string strings_path = dir.path + "/strings.json", variants_path = dir.path + "/variants.json";
    std::ofstream(strings_path) << json{{"strings", strings}}.dump();
    std::ofstream(variants_path) << variants.dump();
    const json ref = json::parse(
        qt::test::run_oracle("tokenize_pre_variants.py", {source, dir.path, strings_path, variants_path}));
    std::vector<std::string> texts;
    for (const auto& hex : ref.at("texts")) {
        std::string bytes;
        const std::string h = hex.get<std::string>();
        for (size_t i = 0; i + 1 < h.size(); i += 2) bytes += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
        texts.push_back(bytes);
    }
    ASSERT_EQ(texts.size(), strings.size());
    for (const auto& [name, r] : ref.at("variants").items()) {
        ASSERT_FALSE(r.contains("error")) << name << ": llama.cpp did not load it: " << r.at("error");
        auto file = qt::GgufFile::open(r.at("path").get<std::string>());
        auto tok = qt::Tokenizer::from_gguf(*file);
        EXPECT_EQ(tok->add_bos_by_default(), r.at("add_bos").get<bool>()) << name;
        EXPECT_EQ(tok->add_eos_by_default(), r.at("add_eos").get<bool>()) << name;
        size_t compared = 0, mismatched = 0;
        for (const std::string mode : {"special", "plain", "added"}) {
            const auto& expected = r.at(mode);
            ASSERT_EQ(expected.size(), texts.size());
            for (size_t i = 0; i < texts.size(); ++i) {
                const bool added = mode == "added";
                auto got = tok->encode(texts[i], added && tok->add_bos_by_default(), mode == "special");
                if (added && tok->add_eos_by_default()) got.push_back(tok->eos_id());
                const auto want = expected[i].get<std::vector<int32_t>>();
                ++compared;
                if (got != want && ++mismatched <= 20)
                    ADD_FAILURE() << name << " " << mode << " string #" << i << " \"" << texts[i]
                                  << "\"\n  want: " << json(want).dump() << "\n  got:  " << json(got).dump();
            }
        }
        EXPECT_EQ(mismatched, 0u) << name;
        std::cout << "[" << name << "] " << compared - mismatched << " of " << compared
                  << " tokenizations equal to llama.cpp's\n";
    }
}

// The fixture strings and kPreTokenizerStrings.
json bpe_strings() {
    json strings = json::parse(std::ifstream(qt::test::source_dir() + "/tests/fixtures/tokenizer_strings.json")).at("strings");
    for (const char* s : kPreTokenizerStrings) strings.push_back({{"text", s}});
    return strings;
}

json pre_variant(const std::string& pre) { return {{"set", {{"tokenizer.ggml.pre", pre}}}}; }

}  // namespace

// Qwen2/2.5/3 (qwen2), Mistral Nemo and later (tekken), Llama 4 (llama4 = gpt-4o),
// and llama.cpp's four-regex "default", which is also what a file without the key gets.
TEST(TokenizerVariants, BpeMatchesLlamaCppWithQwen2TekkenGpt4oAndDefaultPreTokenizers) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    expect_variants_match_llama_cpp(model, bpe_strings(), {{"qwen2", pre_variant("qwen2")},
                                            {"tekken", pre_variant("tekken")},
                                            {"gpt-4o", pre_variant("gpt-4o")},
                                            {"default", pre_variant("default")},
                                            {"no-pre", {{"remove", {"tokenizer.ggml.pre"}}}}});
}

// llama.cpp adds BOS for the llama3 and tekken families unless tokenizer.ggml.add_bos_token
// says otherwise, and EOS when tokenizer.ggml.add_eos_token says so.
TEST(TokenizerVariants, BpeAddsBosAndEosAsLlamaCppDoesPerPreTokenizerAndKeys) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const json no_bos_key = {"tokenizer.ggml.add_bos_token"};
    expect_variants_match_llama_cpp(
        model, bpe_strings(), {{"tekken-nokey", {{"set", {{"tokenizer.ggml.pre", "tekken"}}}, {"remove", no_bos_key}}},
                {"llama-bpe-nokey", {{"set", {{"tokenizer.ggml.pre", "llama-bpe"}}}, {"remove", no_bos_key}}},
                {"qwen2-nokey-eos",
                 {{"set", {{"tokenizer.ggml.pre", "qwen2"}, {"tokenizer.ggml.add_eos_token", "true"}}},
                  {"remove", no_bos_key}}}});
}

// Gemma's files say add_space_prefix = false; Phi-3's and Llama 2's leave it true.
// llama.cpp reads remove_extra_whitespaces but its SentencePiece path ignores it.
TEST(TokenizerVariants, SentencePieceFollowsTheGgufKeysAsLlamaCppDoes) {
    if (qt::test::oracle_python().empty()) {
        if (qt::test::oracles_required()) FAIL() << "oracle python missing";
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
    }
    qt::test::TempDir dir("tok-spm-keys");
    qt::test::run_oracle("tokenize_spm_make_model.py", {dir.path});
    const json cases = json::parse(std::ifstream(dir.path + "/cases.json"));
    json strings = json::array();
    for (const auto& s : cases.at("strings")) strings.push_back({{"text", s}});
    for (const char* s : {"  two  spaces  ", "\n leading newline", "<s>x</s> y", "a</s>b", "\u00e9\u00e9 \U0001F600"})
        strings.push_back({{"text", s}});
    expect_variants_match_llama_cpp(
        dir.path + "/spm.gguf", strings,
        {{"spm", json::object()},
         {"spm-gemma", {{"set", {{"tokenizer.ggml.add_space_prefix", "false"}}}}},
         {"spm-no-bos-eos", {{"set", {{"tokenizer.ggml.add_bos_token", "false"}, {"tokenizer.ggml.add_eos_token", "true"}}}}},
         {"spm-extra-ws", {{"set", {{"tokenizer.ggml.remove_extra_whitespaces", "true"}}}}},
         {"spm-no-keys", {{"remove", {"tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_space_prefix"}}}}});
}
