#pragma once
// A whole file mapped read-only, for the model readers: the bytes stay where the
// kernel's page cache has them, so opening a multi-gigabyte model costs no copy.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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

// The bytes a model reader parses: the file mapped (what the application
// uses), or a heap copy that ends exactly at its last byte (tests and fuzzing:
// AddressSanitizer sees a read past the end that a page-rounded mapping hides).
class ModelBytes {
public:
    static ModelBytes map(const std::string& path);  // throws as MappedFile does
    static ModelBytes own(std::vector<uint8_t> bytes);

    const uint8_t* data() const { return mapping_ ? mapping_->data() : owned_.data(); }
    uint64_t size() const { return mapping_ ? mapping_->size() : owned_.size(); }

private:
    std::unique_ptr<MappedFile> mapping_;
    std::vector<uint8_t> owned_;
};

}  // namespace qt
