#pragma once
// A CSV reader after RFC 4180: fields separated by a delimiter, records by LF or
// CRLF; a field in double quotes may hold delimiters, line breaks and quotes
// written twice (""). Each record carries the line it starts on, so a problem in
// row 1,204 of a file with multi-line fields is reported at the right line.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace qt {

struct CsvRecord {
    std::vector<std::string> fields;
    size_t line = 0;    // 1-based line on which the record starts
    std::string error;  // non-empty: the record is malformed, and why
};

class CsvReader {
public:
    // `text` must outlive the reader.
    explicit CsvReader(std::string_view text, char delimiter = ',');

    // Reads the next record into `out`; false at the end of the text. Lines that
    // are entirely empty are skipped. A malformed record (text after a closing
    // quote, a quoted field that never closes) comes back with `error` set; the
    // reader then resumes at the next line, so one bad record costs one record.
    bool next(CsvRecord& out);

private:
    void skip_to_next_line();

    std::string_view text_;
    char delimiter_;
    size_t pos_ = 0;
    size_t line_ = 1;
};

}  // namespace qt
