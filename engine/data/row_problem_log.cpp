#include "data/row_problem_log.h"

#include "data/dataset_error.h"

namespace qt {

std::string RowProblemLog::message(size_t line, const std::string& why) const {
    return file_ + ":" + std::to_string(line) + ": " + why;
}

void RowProblemLog::skip(size_t line, const std::string& why) {
    std::string msg = message(line, why);
    if (strict_) throw DatasetError(msg);
    ++count_;
    if (messages_.size() < kKeptMessages) messages_.push_back(std::move(msg));
}

}  // namespace qt
