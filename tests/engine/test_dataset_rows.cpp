// Reading data files into rows: every format and schema, where each row comes
// from, malformed rows reported as FILE:LINE: why and skipped (or thrown in
// strict mode), and the file-level errors.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "data/dataset_error.h"
#include "data/dataset_rows.h"
#include "test_dataset_support.h"

namespace {

using qt::DataFileFormat;
using qt::RowSchema;
using qt::test::write_data_file;

qt::RowFile read(const std::string& path, qt::RowProblemLog& log, qt::RowReadOptions options = {}) {
    return qt::read_dataset_rows(path, options, log);
}

std::string error_of(const std::string& path, bool strict = false, qt::RowReadOptions options = {}) {
    qt::RowProblemLog log(path, strict);
    try {
        qt::read_dataset_rows(path, options, log);
    } catch (const qt::DatasetError& e) {
        return e.what();
    }
    return "";
}

TEST(DatasetRows, ReadsPromptCompletionJsonLines) {
    const auto path =
        write_data_file("pc.jsonl",
                        "{\"prompt\": \"2+2=\", \"completion\": \" 4\"}\n"
                        "\n"
                        "{\"prompt\": \"Capital of France?\", \"completion\": \"Paris\", \"label\": \"geo\"}\r\n");
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    EXPECT_EQ(rows.format, DataFileFormat::Jsonl);
    EXPECT_EQ(rows.schema, RowSchema::PromptCompletion);
    EXPECT_EQ(rows.rows_read, 2u);
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(rows.rows[0].prompt, "2+2=");
    EXPECT_EQ(rows.rows[0].completion, " 4");
    EXPECT_FALSE(rows.rows[0].label);
    EXPECT_EQ(rows.rows[1].line, 3u);
    EXPECT_EQ(rows.rows[1].completion, "Paris");
    EXPECT_EQ(rows.rows[1].label, "geo");
    EXPECT_EQ(log.count(), 0u);
}

TEST(DatasetRows, ReadsAlpacaJoiningInstructionAndInput) {
    const auto path = write_data_file("alpaca.jsonl",
                                      "{\"instruction\": \"Translate.\", \"input\": \"chat\", \"output\": \"cat\"}\n"
                                      "{\"instruction\": \"Say hi.\", \"input\": \"\", \"output\": \"hi\"}\n"
                                      "{\"instruction\": \"Say bye.\", \"output\": \"bye\"}\n");
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    EXPECT_EQ(rows.schema, RowSchema::Alpaca);
    ASSERT_EQ(rows.rows.size(), 3u);
    EXPECT_EQ(rows.rows[0].prompt, "Translate.\n\nchat");
    EXPECT_EQ(rows.rows[0].completion, "cat");
    EXPECT_EQ(rows.rows[1].prompt, "Say hi.");
    EXPECT_EQ(rows.rows[2].prompt, "Say bye.");
}

TEST(DatasetRows, ReadsChatMessagesAndTextRows) {
    const auto chat = write_data_file(
        "chat.jsonl",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": "
        "\"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}]}\n");
    qt::RowProblemLog log(chat, false);
    const auto rows = read(chat, log);
    EXPECT_EQ(rows.schema, RowSchema::Chat);
    ASSERT_EQ(rows.rows.size(), 1u);
    ASSERT_EQ(rows.rows[0].messages.size(), 3u);
    EXPECT_EQ(rows.rows[0].messages[2].role, "assistant");
    EXPECT_EQ(rows.rows[0].messages[2].content, "Hello!");

    const auto text = write_data_file("text.jsonl", "{\"text\": \"Once upon a time.\"}\n{\"text\": \"The end.\"}\n");
    qt::RowProblemLog log2(text, false);
    const auto trows = read(text, log2);
    EXPECT_EQ(trows.schema, RowSchema::Text);
    ASSERT_EQ(trows.rows.size(), 2u);
    EXPECT_EQ(trows.rows[1].text, "The end.");
}

TEST(DatasetRows, ReadsAJsonArrayWithTheLineOfEachElement) {
    const auto path = write_data_file("array.json",
                                      "[\n"
                                      "  {\"prompt\": \"a [1,2]\", \"completion\": \"b\"},\n"
                                      "  {\n"
                                      "    \"prompt\": \"c\",\n"
                                      "    \"completion\": \"d\"\n"
                                      "  },\n"
                                      "  {\"prompt\": \"e\", \"completion\": 5}\n"
                                      "]\n");
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    EXPECT_EQ(rows.format, DataFileFormat::JsonArray);
    EXPECT_EQ(rows.rows_read, 3u);
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(rows.rows[0].prompt, "a [1,2]");
    EXPECT_EQ(rows.rows[0].line, 2u);
    EXPECT_EQ(rows.rows[1].line, 3u);
    ASSERT_EQ(log.messages().size(), 1u);
    EXPECT_EQ(log.messages()[0], path + ":7: field 'completion' must be a string, not a number");
}

TEST(DatasetRows, ReportsEachMalformedJsonLineWithFileLineAndWhy) {
    const auto path = write_data_file("bad.jsonl",
                                      "{\"prompt\": \"ok\", \"completion\": \"fine\"}\n"  // 1
                                      "{\"prompt\": \"broken\", \"completion\": \n"       // 2 bad JSON
                                      "{\"prompt\": \"no completion\"}\n"                 // 3 missing
                                      "{\"prompt\": 7, \"completion\": \"x\"}\n"          // 4 wrong type
                                      "{\"prompt\": \"p\", \"completion\": \"\"}\n"       // 5 empty completion
                                      "[1, 2]\n"                                          // 6 not an object
                                      "{\"prompt\": \"p\", \"completion\": \"c\", \"label\": 1.5}\n"  // 7 bad label
                                      "{\"prompt\": \"last\", \"completion\": \"good\"}\n");          // 8
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    EXPECT_EQ(rows.rows_read, 8u);
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(rows.rows[1].line, 8u);
    ASSERT_EQ(log.count(), 6u);
    const auto& m = log.messages();
    EXPECT_EQ(m[0].rfind(path + ":2: bad JSON: ", 0), 0u) << m[0];
    EXPECT_EQ(m[1], path + ":3: missing field 'completion'");
    EXPECT_EQ(m[2], path + ":4: field 'prompt' must be a string, not a number");
    EXPECT_EQ(m[3], path + ":5: field 'completion' is empty");
    EXPECT_EQ(m[4], path + ":6: expected a JSON object, not an array");
    EXPECT_EQ(m[5], path + ":7: field 'label' must be a string or an integer, not a number");

    // Strict mode stops at the first of them with the same message.
    qt::RowProblemLog strict(path, true);
    try {
        qt::read_dataset_rows(path, {}, strict);
        FAIL() << "strict mode did not throw";
    } catch (const qt::DatasetError& e) {
        EXPECT_EQ(std::string(e.what()), m[0]);
    }
}

TEST(DatasetRows, ReportsJsonStringsThatAreNotUtf8) {
    const auto path = write_data_file("latin1.jsonl",
                                      "{\"prompt\": \"caf\xe9\", \"completion\": \"x\"}\n"
                                      "{\"prompt\": \"ok\", \"completion\": \"y\"}\n");
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    ASSERT_EQ(rows.rows.size(), 1u);
    ASSERT_EQ(log.count(), 1u);
    EXPECT_EQ(log.messages()[0].rfind(path + ":1: bad JSON: ", 0), 0u);
    EXPECT_NE(log.messages()[0].find("UTF-8"), std::string::npos) << log.messages()[0];
}

TEST(DatasetRows, ReportsMalformedChatRows) {
    const auto path = write_data_file(
        "badchat.jsonl",
        "{\"messages\": []}\n"
        "{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}\n"
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}\n"
        "{\"messages\": [{\"role\": \"user\"}, {\"role\": \"assistant\", \"content\": \"y\"}]}\n"
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"\"}]}\n"
        "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"y\"}]}\n");
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    ASSERT_EQ(rows.rows.size(), 1u);
    EXPECT_EQ(rows.rows[0].line, 6u);
    const auto& m = log.messages();
    ASSERT_EQ(m.size(), 5u);
    EXPECT_EQ(m[0], path + ":1: field 'messages' must be a non-empty array, not an empty one");
    EXPECT_EQ(m[1], path + ":2: messages[0].role 'bot' is not system, user or assistant");
    EXPECT_EQ(
        m[2],
        path + ":3: the last message must be the assistant's, to have something to learn (messages[0] is 'user')");
    EXPECT_EQ(m[3], path + ":4: messages[0] needs a string 'content'");
    EXPECT_EQ(m[4], path + ":5: messages[1] (assistant) has empty content");
}

TEST(DatasetRows, ReadsCsvWithAutoAndChosenColumns) {
    const auto path = write_data_file("reviews.csv",
                                      "id,review,score\n"
                                      "1,\"Tasty, \"\"really\"\" good\",great\n"
                                      "2,\"Stale.\nWould not buy.\",other\n"
                                      "3,Fine,great\n");
    // No prompt/text column by name: the columns must be chosen.
    EXPECT_NE(
        error_of(path).find(path + ":1: cannot tell which columns to use: the header has 'id', 'review', 'score'"),
        std::string::npos)
        << error_of(path);

    qt::RowReadOptions opt;
    opt.csv.prompt = "review";
    opt.csv.label = "score";
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log, opt);
    EXPECT_EQ(rows.format, DataFileFormat::Csv);
    EXPECT_EQ(rows.schema, RowSchema::PromptCompletion);
    ASSERT_EQ(rows.rows.size(), 3u);
    EXPECT_EQ(rows.rows[0].prompt, "Tasty, \"really\" good");
    EXPECT_EQ(rows.rows[0].completion, "great");  // from the label
    EXPECT_EQ(rows.rows[0].label, "great");
    EXPECT_EQ(rows.rows[1].prompt, "Stale.\nWould not buy.");
    EXPECT_EQ(rows.rows[2].line, 5u);

    opt = {};
    opt.csv.text = "review";
    qt::RowProblemLog log2(path, false);
    const auto text_rows = read(path, log2, opt);
    EXPECT_EQ(text_rows.schema, RowSchema::Text);
    EXPECT_EQ(text_rows.rows[2].text, "Fine");

    opt = {};
    opt.csv.prompt = "review";
    opt.csv.completion = "nope";
    EXPECT_NE(error_of(path, false, opt).find("no column 'nope' (chosen as the completion column)"), std::string::npos);
}

TEST(DatasetRows, ReportsCsvRowsWithTheWrongFieldCountOrBadQuotes) {
    const auto path = write_data_file("bad.csv",
                                      "prompt,completion\n"
                                      "a,b\n"
                                      "only one field\n"
                                      "\"x\"y,z\n"
                                      "c,d,e\n"
                                      "p,\n"
                                      "\"multi\nline\",ok\n"
                                      "bad\xff utf8,q\n");
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    EXPECT_EQ(rows.rows_read, 7u);
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(rows.rows[1].line, 7u);
    const auto& m = log.messages();
    ASSERT_EQ(m.size(), 5u);
    EXPECT_EQ(m[0], path + ":3: expected 2 fields as in the header, found 1");
    EXPECT_EQ(m[1].rfind(path + ":4: unexpected text after the closing quote of field 1", 0), 0u) << m[1];
    EXPECT_EQ(m[2], path + ":5: expected 2 fields as in the header, found 3");
    EXPECT_EQ(m[3], path + ":6: column 'completion' is empty");
    EXPECT_EQ(m[4], path + ":9: column 'prompt' is not valid UTF-8 (byte 3)");
}

TEST(DatasetRows, ReadsPlainTextAsParagraphsThatJoinBackToTheFile) {
    const std::string content = "Chapter 1\n\nIt was a dark night.\nThe end of line two.\n\n\n[Illustration]\nMore.\n";
    const auto path = write_data_file("book.txt", content);
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    EXPECT_EQ(rows.format, DataFileFormat::PlainText);
    EXPECT_EQ(rows.rows_read, 8u);  // lines
    ASSERT_EQ(rows.rows.size(), 3u);
    EXPECT_EQ(rows.rows[0].line, 1u);
    EXPECT_EQ(rows.rows[1].line, 3u);
    EXPECT_EQ(rows.rows[2].line, 7u);
    std::string joined;
    for (const auto& r : rows.rows) joined += r.text;
    EXPECT_EQ(joined, content);
}

TEST(DatasetRows, DetectsTheFormatFromContentWithTheExtensionAsHint) {
    using qt::detect_data_file_format;
    EXPECT_EQ(detect_data_file_format("a.data", "\xEF\xBB\xBF  {\"text\": 1}"), DataFileFormat::Jsonl);
    EXPECT_EQ(detect_data_file_format("a.data", "\n[{\"text\": 1}]"), DataFileFormat::JsonArray);
    EXPECT_EQ(detect_data_file_format("a.jsonl", "[{\"text\": 1}]"), DataFileFormat::JsonArray);
    EXPECT_EQ(detect_data_file_format("a.jsonl", "garbage"), DataFileFormat::Jsonl);
    EXPECT_EQ(detect_data_file_format("a.CSV", "{\"x\"}"), DataFileFormat::Csv);
    EXPECT_EQ(detect_data_file_format("a.txt", "[Illustration]"), DataFileFormat::PlainText);
    EXPECT_EQ(detect_data_file_format("a.data", "Plain words."), DataFileFormat::PlainText);
}

TEST(DatasetRows, EmptyUnreadableAndBrokenFilesAreErrorsThatSaySo) {
    const auto empty = write_data_file("empty.jsonl", "");
    EXPECT_EQ(error_of(empty), empty + ": the dataset is empty");
    const auto blank = write_data_file("blank.jsonl", " \n\n");
    EXPECT_EQ(error_of(blank), blank + ": the dataset is empty (only white space)");
    const std::string missing = qt::test::make_temp_dir("dataset-missing") + "/nope.jsonl";
    EXPECT_EQ(error_of(missing), missing + ": cannot open the dataset: No such file or directory");
    const std::string dir = qt::test::make_temp_dir("dataset-dir");
    EXPECT_EQ(error_of(dir), dir + ": cannot read the dataset: it is a directory");
    if (getuid() != 0) {  // root reads anything
        const auto locked = write_data_file("locked.jsonl", "{\"text\": \"x\"}\n");
        chmod(locked.c_str(), 0);
        EXPECT_EQ(error_of(locked), locked + ": cannot open the dataset: Permission denied");
    }
    const auto broken = write_data_file("broken.json", "[{\"prompt\": \"a\", \"completion\": \"b\"");
    EXPECT_EQ(error_of(broken), broken + ":1: cannot read the JSON array: the array is not closed with ']'");
}

// Found by tests/fuzz/fuzz_dataset: a number past the range of a double made
// nlohmann throw out_of_range, which escaped the reader instead of costing one row.
TEST(DatasetRows, ANumberTooLargeForADoubleCostsOneRow) {
    const auto path = write_data_file("overflow.jsonl",
                                      "{\"prompt\": \"a\", \"completion\": \"b\", \"n\": 1E999}\n"
                                      "{\"prompt\": \"c\", \"completion\": \"d\"}\n");
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log);
    ASSERT_EQ(rows.rows.size(), 1u);
    EXPECT_EQ(rows.rows[0].prompt, "c");
    ASSERT_EQ(log.messages().size(), 1u);
    EXPECT_EQ(log.messages()[0].rfind(path + ":1: bad JSON: number overflow", 0), 0u) << log.messages()[0];
}

// Found by tests/fuzz/fuzz_dataset: a CSV header name holding a bare CR (or a
// quoted LF) put a line break into the one-line error message.
TEST(DatasetRows, LineBreaksFromTheDataAreEscapedInMessages) {
    const auto path = write_data_file("cr_header.csv", "h c\r$h c\r\n");
    EXPECT_EQ(error_of(path), path + ":1: cannot tell which columns to use: the header has 'h c\\r$h c'; name them "
                                     "prompt/completion (or instruction/output, or text) or choose the columns");
}

TEST(DatasetRows, MaxRowsStopsReadingEarly) {
    const auto path = write_data_file("many.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"text\": \"c\"}\n");
    qt::RowReadOptions opt;
    opt.max_rows = 2;
    qt::RowProblemLog log(path, false);
    const auto rows = read(path, log, opt);
    EXPECT_EQ(rows.rows_read, 2u);
    ASSERT_EQ(rows.rows.size(), 2u);
    EXPECT_EQ(rows.rows[1].text, "b");
}

}  // namespace
