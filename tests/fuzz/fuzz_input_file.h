#pragma once
// What the file-reading fuzz targets share: the input as a file the engine opens
// by path (a memfd, so nothing touches the disk), and the one-line check every
// error message must pass.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace qt::fuzz {

// The input bytes as a file: a memfd, closed when this goes out of scope.
class InputFile {
public:
    InputFile(const char* name, const uint8_t* data, size_t size) {
        fd_ = memfd_create(name, MFD_CLOEXEC);
        if (fd_ < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        for (size_t done = 0; done < size;) {
            const ssize_t n = write(fd_, data + done, size - done);
            if (n <= 0) {
                std::perror("write");
                std::abort();
            }
            done += static_cast<size_t>(n);
        }
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~InputFile() { close(fd_); }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    const std::string& path() const { return path_; }

private:
    int fd_ = -1;
    std::string path_;
};

// Error messages are one line (the CLI prints them as such, the GUI in one label):
// a message that spans lines is a finding.
inline void require_one_line(const std::string& message, const char* where) {
    if (message.find('\n') != std::string::npos || message.find('\r') != std::string::npos) {
        std::fprintf(stderr, "%s: a message spans lines:\n%s\n", where, message.c_str());
        std::abort();
    }
}

// Error messages start with the name the file was opened by; drop it to compare two openings.
inline std::string without_name(const std::string& result, const std::string& name) {
    return result.rfind(name, 0) == 0 ? result.substr(name.size()) : result;
}

// For a model reader that opens a path (a mapping, where reads just past the end
// land in the last page unseen) and also parses an exact-size heap copy (where
// AddressSanitizer catches any read past the end): reads the input both ways,
// `read(path)` on a memfd and `read_copy(name, bytes)`, each returning a digest
// of what it read or the error message, and requires them to agree.
template <class Read, class ReadCopy>
void require_same_reading(const char* name, const uint8_t* data, size_t size, Read read, ReadCopy read_copy) {
    std::string from_file, path;
    {
        const InputFile input(name, data, size);
        path = input.path();
        from_file = read(path);
    }
    const std::string from_memory = read_copy("input", std::vector<uint8_t>(data, data + size));
    if (without_name(from_file, path) != without_name(from_memory, "input")) {
        std::fprintf(stderr, "the file and the in-memory copy read differently:\n  %s\n  %s\n", from_file.c_str(),
                     from_memory.c_str());
        std::abort();
    }
}

}  // namespace qt::fuzz
