// The CLI as a user drives it: info and generate on the default model, and
// usage errors that name the problem in one line.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_support.h"

namespace {

std::string cli() { return QT_CLI_PATH; }

// Lines that report an error (the device notice may precede them).
int count_error_lines(const std::string& s) {
    int n = 0;
    for (size_t pos = 0; pos < s.size();) {
        const size_t end = s.find('\n', pos);
        if (s.compare(pos, 6, "error:") == 0) ++n;
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return n;
}

}  // namespace

TEST(Cli, InfoReportsArchitectureParametersAndTensorTypes) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    std::string out;
    ASSERT_EQ(qt::test::run_command(cli() + " info '" + model + "'", out), 0) << out;
    EXPECT_NE(out.find("llama, 30 layers, width 576"), std::string::npos) << out;
    EXPECT_NE(out.find("134515008"), std::string::npos) << out;
    EXPECT_NE(out.find("Q4_1    210 tensors"), std::string::npos) << out;
    EXPECT_NE(out.find("Q8_0      1 tensors"), std::string::npos) << out;
}

TEST(Cli, GenerateAnswersAChatPromptAndPrintsSpeed) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    std::string out;
    ASSERT_EQ(qt::test::run_command(cli() + " generate '" + model +
                                        "' --chat --prompt 'Count from 1 to 10.' --max-tokens 24",
                                    out),
              0)
        << out;
    // The chat template made it an assistant turn: the answer counts.
    EXPECT_NE(out.find("1. 1\n2. 2"), std::string::npos) << out;
    EXPECT_NE(out.find("decode"), std::string::npos) << out;
    EXPECT_NE(out.find("tokens/s"), std::string::npos) << out;
}

TEST(Cli, SampledGenerationRepeatsForTheSameSeedAndDiffersForAnother) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    auto run = [&](int seed) {
        std::string out;
        const int rc = qt::test::run_command(cli() + " generate '" + model +
                                                 "' --prompt 'Once upon a time' --max-tokens 24 --temperature 1.0 "
                                                 "--top-k 40 --top-p 0.95 --ignore-eos --seed " +
                                                 std::to_string(seed) + " 2>/dev/null",
                                             out);
        EXPECT_EQ(rc, 0) << out;
        return out;
    };
    const std::string a = run(1), b = run(1), c = run(2);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(Cli, BadSettingsGiveOneLineErrors) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const struct {
        std::string args;
        int status;
        std::string says;
    } cases[] = {
        {"generate '" + model + "' --prompt hi --top-p 1.5", 1, "top-p must be in (0, 1]"},
        {"generate '" + model + "' --prompt hi --temperature -1", 1, "temperature must be"},
        {"generate '" + model + "' --prompt hi --max-tokens abc", 2, "--max-tokens expects an integer"},
        {"generate '" + model + "' --prompt hi --max-tokens 9000", 1, "exceed the model's context of 8192"},
        {"generate '" + model + "' --prompt hi --bogus 1", 2, "unknown option --bogus"},
        {"generate '" + model + "'", 2, "generate needs --prompt"},
        {"generate /nonexistent.gguf --prompt hi", 1, "/nonexistent.gguf: cannot open"},
        {"frobnicate", 2, "unknown command \"frobnicate\""},
    };
    for (const auto& c : cases) {
        std::string out;
        EXPECT_EQ(qt::test::run_command(cli() + " " + c.args, out), c.status) << c.args << "\n" << out;
        EXPECT_EQ(count_error_lines(out), 1) << c.args << "\n" << out;
        EXPECT_NE(out.find(c.says), std::string::npos) << c.args << "\n" << out;
    }
}

TEST(Cli, InfoOnAGgufThatIsNotAModelSaysWhatIsMissingInOneLine) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const std::string dir = qt::test::make_temp_dir("cli-not-a-model");
    std::string out;
    ASSERT_EQ(qt::test::run_command("'" + qt::test::oracle_python() + "' '" + qt::test::source_dir() +
                                        "/scripts/make_malformed_gguf.py' '" + dir + "'",
                                    out),
              0)
        << out;
    ASSERT_EQ(qt::test::run_command(cli() + " info '" + dir + "/valid_no_tensors.gguf'", out), 1) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_NE(out.find("valid_no_tensors.gguf"), std::string::npos) << out;
    EXPECT_NE(out.find("required tensor \"token_embd.weight\" is missing"), std::string::npos) << out;
}
