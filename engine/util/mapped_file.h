#pragma once
// A whole file mapped read-only, for the model readers: the bytes stay where the
// kernel's page cache has them, so opening a multi-gigabyte model costs no copy.
#include <cstdint>
#include <string>

namespace qt {

class MappedFile {
public:
    // Throws ModelFileError naming `path` when it cannot be opened or mapped or
    // is not a regular file. An empty file is not an error here: data() is then
    // null and size() 0, and the reader says what an empty file means to it.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const uint8_t* data() const { return data_; }
    uint64_t size() const { return size_; }

private:
    int fd_ = -1;
    const uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
};

}  // namespace qt
