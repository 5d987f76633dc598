#pragma once
// The one exception the dataset code throws for problems with a data file or
// with the options given for it. Its message names the file, the line where one
// applies ("data.jsonl:17: field 'completion' is empty") and what is wrong.
#include <stdexcept>
#include <string>

namespace qt {

class DatasetError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace qt
