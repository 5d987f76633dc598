#include "util/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/model_file_error.h"

namespace qt {

MappedFile::MappedFile(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw ModelFileError(path + ": cannot open: " + std::strerror(errno));
    try {
        struct stat st {};
        if (fstat(fd_, &st) != 0) throw ModelFileError(path + ": cannot stat: " + std::strerror(errno));
        if (!S_ISREG(st.st_mode)) throw ModelFileError(path + ": not a regular file");
        size_ = static_cast<uint64_t>(st.st_size);
        if (size_ > 0) {  // mmap refuses length 0
            void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
            if (p == MAP_FAILED) throw ModelFileError(path + ": cannot map: " + std::strerror(errno));
            data_ = static_cast<const uint8_t*>(p);
        }
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

MappedFile::~MappedFile() {
    if (data_) munmap(const_cast<uint8_t*>(data_), size_);
    ::close(fd_);
}

ModelBytes ModelBytes::map(const std::string& path) {
    ModelBytes b;
    b.mapping_ = std::make_unique<MappedFile>(path);
    return b;
}

ModelBytes ModelBytes::own(std::vector<uint8_t> bytes) {
    ModelBytes b;
    b.owned_ = std::move(bytes);
    return b;
}

}  // namespace qt
