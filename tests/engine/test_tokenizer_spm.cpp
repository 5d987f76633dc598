// SentencePiece ("llama") vocabularies: a tiny BPE model with byte fallback is
// trained at test time by the sentencepiece Python package, exported to a GGUF
// holding only its vocabulary, and both our paths must give the library's ids:
// libsentencepiece on the tokenizer.model file, and our own merge from GGUF metadata.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"

namespace {

using nlohmann::json;

struct SpmFixture {
    std::string dir;
    json cases;
};

// Trains once per test binary run.
const SpmFixture& spm_fixture() {
    static const SpmFixture f = [] {
        SpmFixture s;
        s.dir = qt::test::make_temp_dir("tok-spm");
        qt::test::run_oracle("tokenize_spm_make_model.py", {s.dir});
        std::ifstream in(s.dir + "/cases.json");
        s.cases = json::parse(in);
        return s;
    }();
    return f;
}

std::string show(const std::vector<int32_t>& ids) {
    std::ostringstream os;
    for (size_t i = 0; i < ids.size(); ++i) os << (i ? " " : "") << ids[i];
    return os.str();
}

void expect_library_ids(const qt::Tokenizer& tok, const json& cases, const char* what) {
    const auto& strings = cases.at("strings");
    const auto& ids = cases.at("ids");
    ASSERT_GE(strings.size(), 100u);
    size_t equal = 0;
    for (size_t i = 0; i < strings.size(); ++i) {
        const std::string text = strings[i].get<std::string>();
        const auto want = ids[i].get<std::vector<int32_t>>();
        const auto got = tok.encode(text, /*add_bos=*/false, /*parse_special=*/false);
        if (got == want) ++equal;
        else ADD_FAILURE() << what << " \"" << text << "\"\n  want: " << show(want) << "\n  got:  " << show(got);
    }
    std::cout << "[" << what << "] " << equal << " of " << strings.size() << " strings give sentencepiece's ids\n";
}

}  // namespace

#define QT_REQUIRE_ORACLE()                                                              \
    if (qt::test::oracle_python().empty()) {                                             \
        if (qt::test::oracles_required()) FAIL() << "oracle python missing";             \
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";       \
    }

TEST(SpmTokenizer, MatchesSentencePieceLibraryFromGgufMetadataAlone) {
    QT_REQUIRE_ORACLE();
    const auto& f = spm_fixture();
    auto file = qt::GgufFile::open(f.dir + "/spm.gguf");
    auto tok = qt::Tokenizer::from_gguf(*file);
    EXPECT_EQ(tok->vocab_size(), f.cases.at("vocab_size").get<int32_t>());
    expect_library_ids(*tok, f.cases, "gguf-metadata");
}

TEST(SpmTokenizer, MatchesSentencePieceLibraryThroughTokenizerModel) {
    QT_REQUIRE_ORACLE();
    const auto& f = spm_fixture();
    auto file = qt::GgufFile::open(f.dir + "/spm.gguf");
    auto tok = qt::Tokenizer::from_gguf(*file, f.dir + "/tokenizer.model");
    expect_library_ids(*tok, f.cases, "libsentencepiece");
}

TEST(SpmTokenizer, HandlesBosSpecialTokensAndDecodesPieces) {
    QT_REQUIRE_ORACLE();
    const auto& f = spm_fixture();
    auto file = qt::GgufFile::open(f.dir + "/spm.gguf");
    for (const bool library : {false, true}) {
        auto tok = qt::Tokenizer::from_gguf(*file, library ? f.dir + "/tokenizer.model" : "");
        EXPECT_TRUE(tok->add_bos_by_default());
        EXPECT_EQ(tok->bos_id(), 1);
        EXPECT_EQ(tok->eos_id(), 2);
        EXPECT_TRUE(tok->is_end_of_generation(2));
        const auto plain = tok->encode("the model", false, false);
        auto with_bos = tok->encode("the model", true, false);
        ASSERT_EQ(with_bos.size(), plain.size() + 1);
        EXPECT_EQ(with_bos[0], 1);
        // "</s>" is a control token: cut out only with parse_special, and the
        // text after it gets the space prefix again, as after the input's start.
        const auto special = tok->encode("the model</s>the model", false, true);
        std::vector<int32_t> want = plain;
        want.push_back(2);
        want.insert(want.end(), plain.begin(), plain.end());
        EXPECT_EQ(special, want);
        EXPECT_NE(tok->encode("the model</s>", false, false).back(), 2);
        // Pieces: U+2581 becomes a space, <0xAB> the byte; decode undoes encode
        // up to the prefixed space.
        EXPECT_EQ(tok->decode(tok->encode("café 🙂 x", false, false)), " café 🙂 x");
        EXPECT_EQ(tok->decode(tok->encode("line one\nline two", false, false)), " line one\nline two");
    }
}

TEST(SpmTokenizer, RejectsAMissingOrUnreadableTokenizerModel) {
    QT_REQUIRE_ORACLE();
    const auto& f = spm_fixture();
    auto file = qt::GgufFile::open(f.dir + "/spm.gguf");
    EXPECT_THROW(qt::Tokenizer::from_gguf(*file, f.dir + "/missing.model"), qt::ModelFileError);
    EXPECT_THROW(qt::Tokenizer::from_gguf(*file, f.dir + "/cases.json"), qt::ModelFileError);
}
