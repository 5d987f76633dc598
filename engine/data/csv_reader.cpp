#include "data/csv_reader.h"

namespace qt {

CsvReader::CsvReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}

void CsvReader::skip_to_next_line() {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    if (pos_ < text_.size()) {
        ++pos_;
        ++line_;
    }
}

bool CsvReader::next(CsvRecord& out) {
    // Skip empty lines (LF or CRLF) between records.
    while (pos_ < text_.size()) {
        if (text_[pos_] == '\n') {
            ++pos_, ++line_;
        } else if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
            pos_ += 2, ++line_;
        } else {
            break;
        }
    }
    if (pos_ >= text_.size()) return false;

    out.fields.clear();
    out.error.clear();
    out.line = line_;
    std::string field;
    const size_t n = text_.size();
    for (;;) {
        field.clear();
        if (pos_ < n && text_[pos_] == '"') {
            // Quoted field: runs to the lone quote that closes it.
            const size_t open_line = line_;
            ++pos_;
            bool closed = false;
            while (pos_ < n) {
                const char c = text_[pos_];
                if (c == '"') {
                    if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
                        field += '"';
                        pos_ += 2;
                        continue;
                    }
                    ++pos_;
                    closed = true;
                    break;
                }
                if (c == '\n') ++line_;
                field += c;
                ++pos_;
            }
            if (!closed) {
                out.error = "quoted field " + std::to_string(out.fields.size() + 1) + " opened on line " +
                            std::to_string(open_line) + " is never closed";
                out.line = open_line;
                return true;
            }
            const bool at_end = pos_ >= n || text_[pos_] == delimiter_ || text_[pos_] == '\n' ||
                                (text_[pos_] == '\r' && (pos_ + 1 >= n || text_[pos_ + 1] == '\n'));
            if (!at_end) {
                out.error = "unexpected text after the closing quote of field " +
                            std::to_string(out.fields.size() + 1) + " (a quote inside a quoted field must be doubled)";
                skip_to_next_line();
                return true;
            }
        } else {
            // Unquoted field: up to the delimiter or the end of the line. A quote
            // inside it is taken literally, as most CSV writers' readers do.
            while (pos_ < n && text_[pos_] != delimiter_ && text_[pos_] != '\n') {
                if (text_[pos_] == '\r' && (pos_ + 1 >= n || text_[pos_ + 1] == '\n')) break;
                field += text_[pos_++];
            }
        }
        out.fields.push_back(field);
        if (pos_ >= n) return true;
        if (text_[pos_] == delimiter_) {
            ++pos_;
            continue;
        }
        if (text_[pos_] == '\r') ++pos_;
        if (pos_ < n && text_[pos_] == '\n') {
            ++pos_;
            ++line_;
        }
        return true;
    }
}

}  // namespace qt
