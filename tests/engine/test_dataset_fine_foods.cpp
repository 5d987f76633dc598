// The real fine-food reviews (Debian r-cran-modeldata's small_fine_foods),
// converted by scripts/data/fine_foods_to_jsonl.py and loaded with the default
// model's tokenizer and chat template: 4,000 training rows, none lost, labels
// and masks as the classification task needs. Also reads R's own CSV export.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "data/dataset.h"
#include "data/dataset_summary.h"
#include "test_dataset_support.h"

namespace {

// Runs scripts/data/<script> with `args` after a fresh output path; returns the
// path, or empty (with why) when the converter fails, e.g. a Debian package is missing.
std::string run_converter(const std::string& script, const std::string& out_name, const std::string& args,
                          std::string& why) {
    const std::string out = qt::test::make_temp_dir("converted") + "/" + out_name;
    const std::string cmd =
        "python3 '" + qt::test::source_dir() + "/scripts/data/" + script + "' " + args + " '" + out + "'";
    std::string log;
    if (qt::test::run_command(cmd, log) != 0) {
        why = script + " failed (needs the Debian data packages scripts/setup.sh installs): " + log;
        return "";
    }
    return out;
}

#define QT_REQUIRE_CONVERTED(var, script, out_name, args)                     \
    std::string var##_why;                                                    \
    const std::string var = run_converter(script, out_name, args, var##_why); \
    if (var.empty()) {                                                        \
        if (qt::test::oracles_required()) FAIL() << var##_why;                \
        GTEST_SKIP() << var##_why;                                            \
    }

TEST(DatasetFineFoods, LoadsTheFourThousandTrainingReviewsAsLabelledExamples) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    QT_REQUIRE_CONVERTED(dir, "fine_foods_to_jsonl.py", "fine_foods", "");
    const auto& tok = *m->tokenizer;
    qt::DatasetOptions opt;
    opt.max_length = 512;
    const auto t0 = std::chrono::steady_clock::now();
    const qt::Dataset ds = qt::load_dataset(dir + "/fine_foods_train.jsonl", tok, &*m->chat_template, opt);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    const auto& s = ds.stats;
    EXPECT_EQ(s.format, "jsonl/prompt-completion");
    EXPECT_TRUE(s.chat_template_applied);
    EXPECT_EQ(s.rows_read, 4000u);
    EXPECT_EQ(s.rows_kept, 4000u);
    EXPECT_EQ(s.rows_skipped, 0u) << (s.skipped_messages.empty() ? "" : s.skipped_messages[0]);
    ASSERT_EQ(ds.label_words, (std::vector<std::string>{"great", "other"}));
    std::map<std::string, size_t> per_label;
    for (const qt::Example& ex : ds.examples) {
        ++per_label[ex.label];
        ASSERT_EQ(ex.label_candidates.size(), 2u);
        const auto& own = ex.label_candidates[static_cast<size_t>(ex.label_index)];
        ASSERT_EQ(ex.target_count(), own.size());
        ASSERT_EQ(std::vector<int32_t>(ex.tokens.begin() + static_cast<ptrdiff_t>(ex.prompt_length),
                                       ex.tokens.begin() + static_cast<ptrdiff_t>(ex.prompt_length + own.size())),
                  own);
        ASSERT_LE(ex.tokens.size(), 512u);
    }
    EXPECT_EQ(per_label["great"], 2600u);  // as R's table(training_data$score) says
    EXPECT_EQ(per_label["other"], 1400u);
    EXPECT_EQ(tok.decode(ds.examples[0].label_candidates[0]), "great<|im_end|>");
    EXPECT_EQ(tok.decode(ds.examples[0].label_candidates[1]), "other<|im_end|>");
    EXPECT_EQ(s.lengths.count, 4000u);
    EXPECT_GT(s.lengths.min, 50u);  // the template and the question alone are longer than that
    EXPECT_GE(s.lengths.max, s.lengths.p99);
    EXPECT_EQ(s.rows_truncated == 0, s.lengths.max < 512);

    const std::string summary = qt::dataset_summary(ds);
    EXPECT_NE(summary.find("rows: 4000 read, 4000 kept, 0 skipped"), std::string::npos) << summary;
    EXPECT_NE(summary.find("labels: great 2600, other 1400"), std::string::npos) << summary;
    std::printf("%s", summary.c_str());
    std::printf(
        "fine foods train: %zu rows read, %zu kept, %zu skipped, %zu truncated to 512 (%zu tokens cut); "
        "loaded in %.2f s\n",
        s.rows_read, s.rows_kept, s.rows_skipped, s.rows_truncated, s.tokens_truncated, seconds);
    std::printf(
        "tokens per example: min %zu, median %zu, mean %.1f, p90 %zu, p99 %zu, max %zu; %zu tokens, %zu targets\n",
        s.lengths.min, s.lengths.median, s.lengths.mean, s.lengths.p90, s.lengths.p99, s.lengths.max, s.total_tokens,
        s.target_tokens);

    // R's CSV export (quoted reviews with doubled quotes) through the CSV reader.
    qt::DatasetOptions csv = opt;
    csv.read.csv.prompt = "review";
    csv.read.csv.label = "score";
    const qt::Dataset dc = qt::load_dataset(dir + "/fine_foods_test.csv", tok, &*m->chat_template, csv);
    EXPECT_EQ(dc.stats.format, "csv/prompt-completion");
    EXPECT_EQ(dc.stats.rows_read, 1000u);
    EXPECT_EQ(dc.stats.rows_skipped, 0u) << (dc.stats.skipped_messages.empty() ? "" : dc.stats.skipped_messages[0]);
    size_t great = 0;
    for (const auto& ex : dc.examples) great += ex.label == "great";
    EXPECT_EQ(great, 658u);  // table(testing_data$score)
    std::printf("fine foods test CSV: %zu rows kept, median %zu tokens\n", dc.stats.rows_kept, dc.stats.lengths.median);
}

TEST(DatasetRealText, LoadsAnAustenNovelAsWindowsAndWordNetDefinitions) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto& tok = *m->tokenizer;
    QT_REQUIRE_CONVERTED(austen, "austen_to_text.py", "austen_out", "");
    qt::DatasetOptions opt;
    opt.windows.length = 256;
    const qt::Dataset book = qt::load_dataset(austen + "/austen/persuasion.txt", tok, &*m->chat_template, opt);
    EXPECT_EQ(book.stats.format, "text/windows");
    EXPECT_EQ(book.stats.rows_read, 8328u);  // lines, as janeaustenr has them
    EXPECT_EQ(book.stats.rows_skipped, 0u);
    EXPECT_GT(book.examples.size(), 400u);
    for (size_t i = 0; i + 1 < book.examples.size(); ++i) ASSERT_EQ(book.examples[i].tokens.size(), 256u);
    EXPECT_EQ(tok.decode(book.examples[0].tokens).rfind("Persuasion\n\n\nby\n\nJane Austen", 0), 0u);
    std::printf("persuasion: %zu lines, %zu windows of 256 tokens, %zu tokens\n", book.stats.rows_read,
                book.examples.size(), book.stats.total_tokens);

    QT_REQUIRE_CONVERTED(wordnet, "wordnet_to_jsonl.py", "wordnet_define.jsonl", "--limit 3000");
    qt::DatasetOptions wopt;
    wopt.read.max_rows = 2000;
    const qt::Dataset defs = qt::load_dataset(wordnet, tok, &*m->chat_template, wopt);
    EXPECT_EQ(defs.stats.format, "jsonl/alpaca");
    EXPECT_EQ(defs.stats.rows_kept, 2000u);
    EXPECT_EQ(defs.stats.rows_skipped, 0u);
    std::printf("wordnet (first 2000): median %zu tokens, %zu targets\n", defs.stats.lengths.median,
                defs.stats.target_tokens);
}

}  // namespace
