// Byte-level BPE tokenizer (SmolLM2's "gpt2" vocabulary, pre "smollm") against
// llama.cpp through llama-cpp-python, on the strings of tests/fixtures/tokenizer_strings.json.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer.h"

namespace {

using nlohmann::json;

std::string fixture_path() { return qt::test::source_dir() + "/tests/fixtures/tokenizer_strings.json"; }

std::string from_hex(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

struct FixtureString {
    std::string bytes;
    bool valid_utf8;
};

std::vector<FixtureString> load_fixture_strings() {
    std::ifstream in(fixture_path());
    const json j = json::parse(in);
    std::vector<FixtureString> out;
    for (const auto& e : j.at("strings")) {
        if (e.contains("hex")) out.push_back({from_hex(e.at("hex").get<std::string>()), false});
        else out.push_back({e.at("text").get<std::string>(), true});
    }
    return out;
}

std::string show(const std::vector<int32_t>& ids) {
    std::ostringstream os;
    for (size_t i = 0; i < ids.size(); ++i) os << (i ? " " : "") << ids[i];
    return os.str();
}

// Compares our ids with llama.cpp's for every fixture string, both with and without parse_special.
void expect_matches_llama_cpp(const std::string& model, const char* what) {
    const auto strings = load_fixture_strings();
    ASSERT_GE(strings.size(), 300u);
    const json ref = json::parse(qt::test::run_oracle("tokenize_llama_cpp.py", {model, fixture_path()}));
    auto file = qt::GgufFile::open(model);
    auto tok = qt::Tokenizer::from_gguf(*file);
    size_t compared = 0, mismatched = 0;
    for (const bool special : {true, false}) {
        const auto& expected = ref.at(special ? "special" : "plain");
        ASSERT_EQ(expected.size(), strings.size());
        for (size_t i = 0; i < strings.size(); ++i) {
            const auto want = expected[i].get<std::vector<int32_t>>();
            const auto got = tok->encode(strings[i].bytes, /*add_bos=*/false, special);
            ++compared;
            if (got != want) {
                ++mismatched;
                ADD_FAILURE() << what << " string #" << i << " (special=" << special << ") \"" << strings[i].bytes
                              << "\"\n  want: " << show(want) << "\n  got:  " << show(got);
            }
        }
    }
    std::cout << "[" << what << "] " << compared - mismatched << " of " << compared
              << " tokenizations equal to llama.cpp's\n";
}

}  // namespace

TEST(ByteLevelBpeTokenizer, MatchesLlamaCppOnFixtureStringsForSmolLM2) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    expect_matches_llama_cpp(model, "smollm");
}

// The same vocabulary relabelled with the plain GPT-2 and the Llama-3 pre-tokenizers:
// llama.cpp then splits words differently, and so must we.
TEST(ByteLevelBpeTokenizer, MatchesLlamaCppWithGpt2AndLlama3PreTokenizers) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const std::string dir = qt::test::make_temp_dir("tok-pre");
    for (const char* pre : {"gpt-2", "llama-bpe"}) {
        const std::string variant = dir + "/" + pre + ".gguf";
        qt::test::run_oracle("tokenize_vocab_variant.py", {model, variant, std::string("tokenizer.ggml.pre=") + pre});
        expect_matches_llama_cpp(variant, pre);
    }
}

TEST(ByteLevelBpeTokenizer, TokenPiecesAndEndOfGenerationMatchLlamaCpp) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const json ref = json::parse(qt::test::run_oracle("tokenize_llama_cpp.py", {model, fixture_path()}));
    auto file = qt::GgufFile::open(model);
    auto tok = qt::Tokenizer::from_gguf(*file);
    const auto& pieces = ref.at("pieces");
    ASSERT_EQ(static_cast<int32_t>(pieces.size()), tok->vocab_size());
    int32_t mismatched = 0;
    for (int32_t id = 0; id < tok->vocab_size(); ++id) {
        if (tok->token_to_piece(id) != from_hex(pieces[id].get<std::string>()) && ++mismatched <= 10)
            ADD_FAILURE() << "piece of token " << id << " (" << tok->token_text(id) << ")";
    }
    EXPECT_EQ(mismatched, 0);
    const auto eog = ref.at("eog").get<std::vector<int32_t>>();
    std::vector<int32_t> ours;
    for (int32_t id = 0; id < tok->vocab_size(); ++id)
        if (tok->is_end_of_generation(id)) ours.push_back(id);
    EXPECT_EQ(ours, eog);
    EXPECT_EQ(ours, (std::vector<int32_t>{0, 2, 4}));  // <|endoftext|>, <|im_end|>, <reponame> (FIM repo)
    EXPECT_EQ(tok->bos_id(), 1);
    EXPECT_EQ(tok->eos_id(), 2);
    EXPECT_EQ(tok->vocab_size(), 49152);
    EXPECT_FALSE(tok->add_bos_by_default());
}

TEST(ByteLevelBpeTokenizer, DecodeInvertsEncodeOnValidUtf8) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    auto file = qt::GgufFile::open(model);
    auto tok = qt::Tokenizer::from_gguf(*file);
    size_t checked = 0;
    for (const auto& s : load_fixture_strings()) {
        if (!s.valid_utf8) continue;
        for (const bool special : {true, false}) {
            EXPECT_EQ(tok->decode(tok->encode(s.bytes, false, special)), s.bytes);
            ++checked;
        }
    }
    EXPECT_GE(checked, 600u);
    const auto with_bos = tok->encode("hi", /*add_bos=*/true, true);
    ASSERT_FALSE(with_bos.empty());
    EXPECT_EQ(with_bos.front(), tok->bos_id());
    EXPECT_THROW(tok->token_to_piece(tok->vocab_size()), std::out_of_range);
    EXPECT_THROW(tok->token_to_piece(-1), std::out_of_range);
}

// Merges use a priority queue, so a long word costs n log n, not n^2; and a
// plain English text encodes at a useful rate for dataset tokenization.
TEST(ByteLevelBpeTokenizer, EncodesLongInputsQuickly) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    auto file = qt::GgufFile::open(model);
    auto tok = qt::Tokenizer::from_gguf(*file);
    std::string text;
    const char* words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dogs, ", "1234 ", "\n"};
    for (int i = 0; text.size() < 2'000'000; ++i) text += words[(i * 7 + i / 3) % 10];
    const std::string long_word(200'000, 'a');
    const auto t0 = std::chrono::steady_clock::now();
    const auto ids = tok->encode(text, false, true);
    const auto t1 = std::chrono::steady_clock::now();
    const auto word_ids = tok->encode(long_word, false, true);
    const auto t2 = std::chrono::steady_clock::now();
    const double text_s = std::chrono::duration<double>(t1 - t0).count();
    const double word_s = std::chrono::duration<double>(t2 - t1).count();
    std::cout << "[throughput] " << text.size() / 1e6 / text_s << " MB/s (" << ids.size() << " tokens); "
              << long_word.size() << "-byte word in " << word_s << " s\n";
    EXPECT_EQ(tok->decode(word_ids), long_word);
    EXPECT_LT(text_s, 20.0);  // generous: a shared 2-core machine, maybe a sanitizer build
    EXPECT_LT(word_s, 5.0);
}

TEST(ByteLevelBpeTokenizer, RejectsUnknownVocabularyAndPreTokenizerNamingTheKey) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const std::string dir = qt::test::make_temp_dir("tok-bad");
    qt::test::run_oracle("tokenize_vocab_variant.py", {model, dir + "/m.gguf", "tokenizer.ggml.model=bogus"});
    qt::test::run_oracle("tokenize_vocab_variant.py", {model, dir + "/p.gguf", "tokenizer.ggml.pre=nonesuch"});
    for (const auto& [path, key] : {std::pair<std::string, std::string>{dir + "/m.gguf", "tokenizer.ggml.model"},
                                    {dir + "/p.gguf", "tokenizer.ggml.pre"}}) {
        auto file = qt::GgufFile::open(path);
        try {
            qt::Tokenizer::from_gguf(*file);
            ADD_FAILURE() << "no error for " << key;
        } catch (const qt::ModelFileError& e) {
            EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        }
    }
}

TEST(PreTokenizer, SplitsDigitsIndividuallyForSmolLM) {
    using qt::PreTokenizerKind;
    EXPECT_EQ(qt::pre_tokenize(PreTokenizerKind::Gpt2Digits, "abc 123"),
              (std::vector<std::string>{"abc", " ", "1", "2", "3"}));
    EXPECT_EQ(qt::pre_tokenize(PreTokenizerKind::Gpt2, "abc 123  x"),
              (std::vector<std::string>{"abc", " 123", " ", " x"}));
    EXPECT_EQ(qt::pre_tokenize(PreTokenizerKind::Llama3, "I'M 12345\n\n hi"),
              (std::vector<std::string>{"I", "'M", " ", "123", "45", "\n\n", " hi"}));
    EXPECT_THROW(qt::pre_tokenizer_from_name("nonesuch"), std::invalid_argument);
}

// Splits worked out from llama.cpp's regexes by hand (the oracle tests above check
// the same strings against llama.cpp itself).
TEST(PreTokenizer, SplitsDigitsCasesAndContractionsAsEachFamilyDoes) {
    using K = qt::PreTokenizerKind;
    using W = std::vector<std::string>;
    EXPECT_EQ(qt::pre_tokenize(K::Qwen2, "I'M 12345\n\n hi"), (W{"I", "'M", " ", "1", "2", "3", "4", "5", "\n\n", " hi"}));
    EXPECT_EQ(qt::pre_tokenize(K::Tekken, "iPhone \u00c9COLE 123 I'M"),
              (W{"i", "Phone", " \u00c9", "COLE", " ", "1", "2", "3", " I", "'M"}));
    EXPECT_EQ(qt::pre_tokenize(K::Gpt4o, "iPhone \u00c9COLE 12345 I'M don't"),
              (W{"i", "Phone", " \u00c9", "COLE", " ", "123", "45", " I'M", " don't"}));
    EXPECT_EQ(qt::pre_tokenize(K::Tekken, "a./\n/b"), (W{"a", "./\n/", "b"}));
    EXPECT_EQ(qt::pre_tokenize(K::Llama3, "a./\n/b"), (W{"a", "./\n", "/b"}));
    EXPECT_EQ(qt::pre_tokenize(K::Default, "don't 12345 x+=1"), (W{"don", "'", "t", " ", "123", "45", " x", "+=", "1"}));
}

TEST(PreTokenizer, NamesMapToLlamaCppsFamiliesAndUnknownNamesListTheSupportedOnes) {
    using K = qt::PreTokenizerKind;
    EXPECT_EQ(qt::pre_tokenizer_from_name("qwen2").kind, K::Qwen2);
    EXPECT_EQ(qt::pre_tokenizer_from_name("deepseek-r1-qwen").kind, K::Qwen2);
    EXPECT_EQ(qt::pre_tokenizer_from_name("llama4").kind, K::Gpt4o);
    EXPECT_EQ(qt::pre_tokenizer_from_name("smaug-bpe").kind, K::Llama3);
    EXPECT_FALSE(qt::pre_tokenizer_from_name("smaug-bpe").ignore_merges);
    EXPECT_TRUE(qt::pre_tokenizer_from_name("tekken").ignore_merges);
    EXPECT_TRUE(qt::pre_tokenizer_from_name("tekken").adds_bos);
    EXPECT_TRUE(qt::pre_tokenizer_from_name("llama-bpe").adds_bos);
    EXPECT_FALSE(qt::pre_tokenizer_from_name("qwen2").adds_bos);
    try {
        qt::pre_tokenizer_from_name("nonesuch");
        ADD_FAILURE() << "no error for an unknown pre-tokenizer";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("\"nonesuch\""), std::string::npos) << what;
        for (const std::string& name : qt::supported_pre_tokenizer_names())
            EXPECT_NE(what.find(name), std::string::npos) << name << " missing from: " << what;
    }
}
