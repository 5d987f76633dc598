#include "data/row_problem_log.h"

#include "data/dataset_error.h"

namespace qt {

std::string RowProblemLog::message(size_t line, const std::string& why) const {
    // One line always: a line break that the data put into `why` (a CSV header name
    // holding a bare CR, a quoted one holding LF, a JSON chat role) is written as \r or \n.
    std::string one_line;
    one_line.reserve(why.size());
    for (char c : why) one_line += c == '\n' ? "\\n" : c == '\r' ? "\\r" : std::string(1, c);
    return file_ + ":" + std::to_string(line) + ": " + one_line;
}

void RowProblemLog::skip(size_t line, const std::string& why) {
    std::string msg = message(line, why);
    if (strict_) throw DatasetError(msg);
    ++count_;
    if (messages_.size() < kKeptMessages) messages_.push_back(std::move(msg));
}

}  // namespace qt
