#pragma once
// The error every model-file reader (GGUF, safetensors) throws for a file it
// refuses: one line that starts with the file's path, says where in the file,
// then what is wrong, so the CLI and the GUI can show it as it is.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace qt {

class ModelFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Formats "PATH: at byte OFFSET (SECTION): PROBLEM", for formats read field by field.
[[noreturn]] void throw_model_error(const std::string& path, uint64_t offset, std::string_view section,
                                    const std::string& problem);

// Formats "PATH: PLACE: PROBLEM", where PLACE names a part of the file (`header`,
// `tensor "x"`) rather than a byte.
[[noreturn]] void throw_model_error(const std::string& path, std::string_view place, const std::string& problem);

}  // namespace qt
