#pragma once
// Where malformed rows go. Each problem is one "FILE:LINE: why" message; by
// default the row is skipped, counted and the first messages kept for the
// report, and in strict mode the first problem stops loading with a DatasetError
// carrying that same message.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace qt {

// Thrown by the code that reads or encodes one row, with only the "why"; the
// caller, which knows the file and line, hands it to RowProblemLog::skip.
class RowProblem : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class RowProblemLog {
public:
    static constexpr size_t kKeptMessages = 100;

    RowProblemLog(std::string file, bool strict) : file_(std::move(file)), strict_(strict) {}

    // Records that the row starting on `line` is skipped because of `why`;
    // throws DatasetError("FILE:LINE: why") in strict mode.
    void skip(size_t line, const std::string& why);

    // "FILE:LINE: why"
    std::string message(size_t line, const std::string& why) const;

    size_t count() const { return count_; }
    // The first kKeptMessages messages, in file order.
    const std::vector<std::string>& messages() const { return messages_; }
    const std::string& file() const { return file_; }
    bool strict() const { return strict_; }

private:
    std::string file_;
    bool strict_;
    size_t count_ = 0;
    std::vector<std::string> messages_;
};

}  // namespace qt
