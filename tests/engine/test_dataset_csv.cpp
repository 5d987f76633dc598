// The CSV reader: RFC 4180 quoting, doubled quotes, embedded delimiters and
// line breaks, CRLF, the line each record starts on, and malformed records.
#include <gtest/gtest.h>

#include "data/csv_reader.h"

namespace {

std::vector<qt::CsvRecord> read_all(std::string_view text, char delimiter = ',') {
    qt::CsvReader reader(text, delimiter);
    std::vector<qt::CsvRecord> out;
    qt::CsvRecord rec;
    while (reader.next(rec)) out.push_back(rec);
    return out;
}

using Fields = std::vector<std::string>;

TEST(DatasetCsvReader, ReadsQuotedFieldsWithDelimitersQuotesAndNewlines) {
    const std::string text =
        "prompt,completion\n"
        "\"Hello, world\",\"She said \"\"hi\"\"\"\n"
        "\"two\nlines\",plain\n"
        "\"\",empty first\n"
        "last,\"ends without newline\"";
    const auto recs = read_all(text);
    ASSERT_EQ(recs.size(), 5u);
    EXPECT_EQ(recs[0].fields, (Fields{"prompt", "completion"}));
    EXPECT_EQ(recs[1].fields, (Fields{"Hello, world", "She said \"hi\""}));
    EXPECT_EQ(recs[2].fields, (Fields{"two\nlines", "plain"}));
    EXPECT_EQ(recs[3].fields, (Fields{"", "empty first"}));
    EXPECT_EQ(recs[4].fields, (Fields{"last", "ends without newline"}));
    // Records start on lines 1, 2, 3, 5 (the quoted newline moves the count), 6.
    EXPECT_EQ(recs[1].line, 2u);
    EXPECT_EQ(recs[2].line, 3u);
    EXPECT_EQ(recs[3].line, 5u);
    EXPECT_EQ(recs[4].line, 6u);
    for (const auto& r : recs) EXPECT_TRUE(r.error.empty()) << r.error;
}

TEST(DatasetCsvReader, HandlesCrlfEmptyFieldsBlankLinesAndTabs) {
    const auto recs = read_all("a,b,c\r\n1,,3\r\n\r\n,\"x\r\ny\",\r\n");
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_EQ(recs[1].fields, (Fields{"1", "", "3"}));
    EXPECT_EQ(recs[2].fields, (Fields{"", "x\r\ny", ""}));  // CRLF inside quotes is kept as is
    EXPECT_EQ(recs[2].line, 4u);
    const auto tsv = read_all("p\tc\n\"a\tb\"\tq\n", '\t');
    ASSERT_EQ(tsv.size(), 2u);
    EXPECT_EQ(tsv[1].fields, (Fields{"a\tb", "q"}));
}

TEST(DatasetCsvReader, ReportsTextAfterClosingQuoteAndResumesOnTheNextLine) {
    const auto recs = read_all("a,b\n\"bad\"x,1\ngood,2\n");
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_NE(recs[1].error.find("after the closing quote of field 1"), std::string::npos) << recs[1].error;
    EXPECT_EQ(recs[1].line, 2u);
    EXPECT_TRUE(recs[2].error.empty());
    EXPECT_EQ(recs[2].fields, (Fields{"good", "2"}));
    EXPECT_EQ(recs[2].line, 3u);
}

TEST(DatasetCsvReader, ReportsAnUnclosedQuoteAtTheLineItOpens) {
    const auto recs = read_all("a,b\nok,1\nx,\"never closed\nmore\n");
    ASSERT_EQ(recs.size(), 3u);
    EXPECT_EQ(recs[2].line, 3u);
    EXPECT_NE(recs[2].error.find("quoted field 2 opened on line 3 is never closed"), std::string::npos)
        << recs[2].error;
}

TEST(DatasetCsvReader, TakesAQuoteInsideAnUnquotedFieldLiterally) {
    const auto recs = read_all("a,b\n5\" screen,ok\n");
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[1].fields, (Fields{"5\" screen", "ok"}));
}

}  // namespace
