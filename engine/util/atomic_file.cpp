#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "util/fault_injection.h"

namespace qt {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw std::runtime_error(path + ": " + problem);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& fill) {
    const std::filesystem::path target(path);
    const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
    std::string tmpl = (dir / (target.filename().string() + ".tmp-XXXXXX")).string();
    const int fd = mkstemp(tmpl.data());
    if (fd < 0) fail(path, std::string("cannot create a temporary file: ") + std::strerror(errno));
    // mkstemp makes the file private (0600); give it the mode a plain create would.
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    std::FILE* f = fdopen(fd, "wb");
    if (!f) {
        ::close(fd);
        std::remove(tmpl.c_str());
        fail(path, "fdopen failed");
    }
    try {
        fill(f);
        if (std::fflush(f) != 0 || fsync(fileno(f)) != 0) fail(path, std::string("write failed: ") + std::strerror(errno));
        // The kill tests' fault: the process dies with half the new content written.
        static std::atomic<int64_t> writes{0};
        if (fault_injected("kill-in-write", ++writes)) {
            const off_t size = lseek(fileno(f), 0, SEEK_END);
            if (ftruncate(fileno(f), size / 2) == 0) fsync(fileno(f));
            std::raise(SIGKILL);
        }
    } catch (...) {
        std::fclose(f);
        std::remove(tmpl.c_str());
        throw;
    }
    if (std::fclose(f) != 0) {
        std::remove(tmpl.c_str());
        fail(path, "closing the temporary file failed");
    }
    if (std::rename(tmpl.c_str(), path.c_str()) != 0) {
        std::remove(tmpl.c_str());
        fail(path, std::string("rename failed: ") + std::strerror(errno));
    }
    // The rename itself is durable only once the folder is synced.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace qt
