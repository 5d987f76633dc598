// Dataset files a user might point QuantTune at by mistake, or that are broken:
// a 5 GB file, a 50 MiB line, JSON nested a million deep, invalid UTF-8, binary
// junk. Each is refused or skipped with a line naming the file and the problem, in
// bounded time and memory; the good rows beside a bad one are kept.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "data/dataset.h"
#include "data/dataset_error.h"
#include "test_dataset_support.h"

namespace {

long peak_rss_kib() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

std::string load_error(const std::string& path, const qt::test::ModelTokenizer& m) {
    try {
        qt::load_dataset(path, *m.tokenizer, nullptr, {});
    } catch (const qt::DatasetError& e) {
        return e.what();
    }
    return "";
}

const std::string kGoodRow = R"({"prompt": "Is this good?", "completion": "yes"})";

}  // namespace

TEST(DatasetHostile, AFiveGigabyteFileIsRefusedBeforeAnyOfItIsRead) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const std::string path = qt::test::write_data_file("huge.jsonl", kGoodRow + "\n");
    // A sparse file: 5 GiB long, no disk used.
    ASSERT_EQ(truncate(path.c_str(), 5LL << 30), 0);
    const long rss0 = peak_rss_kib();
    const auto t0 = std::chrono::steady_clock::now();
    const std::string e = load_error(path, *m);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(e, path + ": the dataset is 5.0 GiB; QuantTune reads a dataset whole, up to 1 GiB: split it into smaller "
                        "files or keep a sample");
    EXPECT_LT(seconds, 1.0);
    EXPECT_LT(peak_rss_kib() - rss0, 64 * 1024) << "KiB more at peak";
    unlink(path.c_str());
}

TEST(DatasetHostile, AGiantLineIsSkippedWithoutTokenizingIt) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const std::string giant = R"({"prompt": "Summarize: )" + std::string(50 << 20, 'a') + R"(", "completion": "a"})";
    const std::string path = qt::test::write_data_file("giant.jsonl", kGoodRow + "\n" + giant + "\n" + kGoodRow + "\n");
    const auto t0 = std::chrono::steady_clock::now();
    qt::DatasetOptions o;
    o.max_length = 256;
    const qt::Dataset ds = qt::load_dataset(path, *m->tokenizer, nullptr, o);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(ds.stats.rows_kept, 2u);
    EXPECT_EQ(ds.stats.rows_skipped, 1u);
    ASSERT_FALSE(ds.stats.skipped_messages.empty());
    EXPECT_EQ(ds.stats.skipped_messages[0],
              path + ":2: the row holds 50.0 MiB of text; rows above 1.0 MiB are skipped (max_length 256 tokens "
                     "would keep a small part of it)");
    // Tokenizing it took 77 s and 2.2 GiB before the cap; reading and parsing it
    // costs a few copies of the file.
    EXPECT_LT(seconds, 10.0);
    std::printf("a 50 MiB line: skipped in %.2f s\n", seconds);
}

TEST(DatasetHostile, DeepNestingInvalidUtf8AndBinaryJunkGetOneClearLineEach) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    // A million levels of arrays where a string belongs: the row is skipped, the others kept.
    const int depth = 1'000'000;
    const std::string deep = R"({"prompt": )" + std::string(depth, '[') + std::string(depth, ']') + R"(, "completion": "x"})";
    const std::string bad_utf8 = "{\"prompt\": \"caf\xC3\x28\", \"completion\": \"x\"}";
    const std::string path =
        qt::test::write_data_file("nested.jsonl", kGoodRow + "\n" + deep + "\n" + bad_utf8 + "\n" + kGoodRow + "\n");
    const qt::Dataset ds = qt::load_dataset(path, *m->tokenizer, nullptr, {});
    EXPECT_EQ(ds.stats.rows_kept, 2u);
    EXPECT_EQ(ds.stats.rows_skipped, 2u);
    ASSERT_EQ(ds.stats.skipped_messages.size(), 2u);
    EXPECT_NE(ds.stats.skipped_messages[0].find(path + ":2: "), std::string::npos) << ds.stats.skipped_messages[0];
    EXPECT_NE(ds.stats.skipped_messages[0].find("must be a string"), std::string::npos) << ds.stats.skipped_messages[0];
    EXPECT_NE(ds.stats.skipped_messages[1].find(path + ":3: "), std::string::npos) << ds.stats.skipped_messages[1];
    EXPECT_NE(ds.stats.skipped_messages[1].find("UTF-8"), std::string::npos) << ds.stats.skipped_messages[1];
    for (const std::string& msg : ds.stats.skipped_messages) EXPECT_EQ(msg.find('\n'), std::string::npos);

    // Binary junk (here every byte value, as in an image or an archive), under each
    // name a user might give it.
    std::string junk;
    for (int r = 0; r < 1000; ++r)
        for (int b = 0; b < 256; ++b) junk.push_back(static_cast<char>((b * 7 + r) & 0xff));
    for (const char* name : {"junk.jsonl", "junk.csv", "junk.txt", "junk.json"}) {
        const std::string p = qt::test::write_data_file(name, junk);
        EXPECT_NE(load_error(p, *m).find(p + ": not a text file: a NUL byte at offset "), std::string::npos)
            << load_error(p, *m);
    }
}
