#include "util/model_file_error.h"

namespace qt {

void throw_model_error(const std::string& path, uint64_t offset, std::string_view section, const std::string& problem) {
    throw ModelFileError(path + ": at byte " + std::to_string(offset) + " (" + std::string(section) + "): " + problem);
}

void throw_model_error(const std::string& path, std::string_view place, const std::string& problem) {
    throw ModelFileError(path + ": " + std::string(place) + ": " + problem);
}

}  // namespace qt
