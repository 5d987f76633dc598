// The CLI as a user drives it: info and generate on the default model, usage
// errors that name the problem in one line, and every command's --help.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using qt::test::lines_of;

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

// Column where the help text of an option line ("  --lr LR   learning rate")
// begins, or npos for a line that lists no option.
size_t help_column(const std::string& line) {
    if (line.rfind("  -", 0) != 0) return std::string::npos;
    const size_t gap = line.find("   ");
    return gap == std::string::npos ? gap : line.find_first_not_of(' ', gap);
}

}  // namespace

TEST(Cli, EveryCommandPrintsItsUsageAndOptionsForHelpAndH) {
    const struct {
        std::string command;
        std::vector<std::string> options;  // some it really takes, as its help shows them
    } cases[] = {
        {"info", {"-h, --help"}},
        {"generate", {"--prompt TEXT", "--max-tokens N", "--chat", "--device auto|cpu|cuda|cuda:N"}},
        {"train", {"--method qzo|mezo|sparse-zo|qlora|adamw|qgalore", "--mask FILE", "--galore-rank R", "--plain-galore", "--no-tf32",
                   "--lr LR", "--steps N", "--relative-eps", "--save-config FILE",
                   "--lora-rank R", "--lora-targets LIST", "--max-grad-norm N", "--quantize-to f32|f16|q8_0|q4_0|q4_1"}},
        {"eval", {"--model FILE", "--data FILE", "--scales CKPT", "--all"}},
        {"bench-step", {"--shape SHAPE", "--seqs-per-forward N", "--host-loss"}},
        {"random-model", {"--out FILE", "--layers N", "--type TYPE"}},
        {"sensitivity", {"--model FILE", "--out FILE", "--fraction F", "--scope global|per-matrix",
                         "--criterion gradient|magnitude|random", "--calibration FILES"}},
        {"export-hf", {"--out DIR", "--dtype bf16|f16|f32"}},
    };
    for (const auto& c : cases) {
        for (const char* help : {"--help", "-h"}) {
            const std::string command = cli() + " " + c.command + " " + help;
            std::string out;
            // Help goes to stdout alone.
            ASSERT_EQ(qt::test::run_command(command + " 2>/dev/null", out), 0) << command << "\n" << out;
            EXPECT_EQ(out.rfind("usage: quanttune-cli " + c.command + " ", 0), 0u) << command << "\n" << out;
            for (const std::string& option : c.options)
                EXPECT_NE(out.find("\n  " + option + " "), std::string::npos) << command << " lacks " << option << "\n" << out;
            // Every option's description starts in the same column.
            std::set<size_t> columns;
            for (const std::string& line : lines_of(out))
                if (help_column(line) != std::string::npos) columns.insert(help_column(line));
            EXPECT_EQ(columns.size(), 1u) << command << "\n" << out;
        }
    }
}

TEST(Cli, TrainHelpNeedsNoOtherArguments) {
    std::string out;
    ASSERT_EQ(qt::test::run_command(cli() + " train --help", out), 0) << out;
    EXPECT_EQ(count_error_lines(out), 0) << out;
    EXPECT_NE(out.find("usage: quanttune-cli train"), std::string::npos) << out;
    EXPECT_NE(out.find("--model FILE"), std::string::npos) << out;
}

TEST(Cli, HelpWinsOverOtherMistakesOnTheSameLine) {
    for (const std::string args : {"train --bogus --help", "train --steps abc -h", "eval --data -h",
                                   "generate --chat=yes --help", "info -h"}) {
        std::string out;
        EXPECT_EQ(qt::test::run_command(cli() + " " + args, out), 0) << args << "\n" << out;
        EXPECT_EQ(count_error_lines(out), 0) << args << "\n" << out;
        EXPECT_EQ(out.rfind("usage: quanttune-cli ", 0), 0u) << args << "\n" << out;
    }
}

TEST(Cli, TopLevelHelpListsEveryCommand) {
    std::string out;
    ASSERT_EQ(qt::test::run_command(cli() + " --help 2>/dev/null", out), 0) << out;
    for (const char* command : {"info", "generate", "train", "eval", "bench-step", "random-model"})
        EXPECT_NE(out.find("\n  " + std::string(command) + " "), std::string::npos) << command << "\n" << out;
    std::string no_command;
    EXPECT_EQ(qt::test::run_command(cli(), no_command), 2) << no_command;
}

TEST(Cli, OptionMistakesGiveOneLineUsageErrorsWithoutAModel) {
    const struct {
        std::string args;
        std::string says;
    } cases[] = {
        {"train --bogus", "unknown option --bogus"},
        {"bench-step --steps 2 --frobnicate=3", "unknown option --frobnicate"},
        {"generate --chat=yes", "option --chat takes no value"},
        {"random-model --out", "option --out needs a value"},
        {"random-model --out x.gguf --layers many", "option --layers expects an integer, got \"many\""},
        {"train", "train needs --model FILE"},
        {"sensitivity --model m.gguf --out m.qtsparse --criterion best", "unknown mask criterion \"best\""},
        {"sensitivity --model m.gguf", "sensitivity needs --out FILE"},
        {"train --method sparse-zo --model m.gguf --data d.jsonl", "sparse-zo needs sparse_mask"},
        {"eval --model m.gguf", "eval needs --model FILE and --data FILE"},
        {"info", "info takes exactly one MODEL file"},
    };
    for (const auto& c : cases) {
        std::string out;
        EXPECT_EQ(qt::test::run_command(cli() + " " + c.args, out), 2) << c.args << "\n" << out;
        EXPECT_EQ(count_error_lines(out), 1) << c.args << "\n" << out;
        EXPECT_NE(out.find(c.says), std::string::npos) << c.args << "\n" << out;
        // The error points at the help of the command it came from.
        const std::string command = c.args.substr(0, c.args.find(' '));
        EXPECT_NE(out.find("see quanttune-cli " + command + " --help"), std::string::npos) << c.args << "\n" << out;
    }
}

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
