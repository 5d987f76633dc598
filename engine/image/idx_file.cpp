#include "image/idx_file.h"

#include <sys/stat.h>

#if defined(QUANTTUNE_WITH_ZLIB)
#include <zlib.h>
#endif

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "image/image_set.h"

namespace qt {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw ImageDataError(path + ": " + problem);
}

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

uint32_t big_endian32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// The whole file, gunzipped where it is gzip (zlib's gzread passes plain files
// through), refusing more than kMaxIdxBytes so that a hostile file (a sparse
// 5 GB file, a gzip bomb) costs bounded time and memory.
std::vector<uint8_t> read_uncompressed(const std::string& path) {
    struct stat st{};
    if (stat(path.c_str(), &st) != 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
    // A plain file too large is refused before any of it is read; a gzip one can
    // only be judged by what it inflates to, counted below.
    if (st.st_size > kMaxIdxBytes) {
        unsigned char head[2] = {0, 0};
        if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
            if (std::fread(head, 1, 2, f) != 2) head[0] = 0;
            std::fclose(f);
        }
        if (head[0] != 0x1f || head[1] != 0x8b)
            fail(path, "the file is " + std::to_string(st.st_size >> 20) + " MiB; an IDX file of Fashion-MNIST is at "
                       "most 47 MiB (QuantTune reads up to " + std::to_string(kMaxIdxBytes >> 20) + " MiB)");
    }
#if !defined(QUANTTUNE_WITH_ZLIB)
    // A build without zlib reads plain files only.
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
    std::vector<uint8_t> out(static_cast<size_t>(st.st_size));
    if (std::fread(out.data(), 1, out.size(), f.get()) != out.size()) fail(path, "cannot read the file");
    if (out.size() >= 2 && out[0] == 0x1f && out[1] == 0x8b)
        fail(path, "gzip-compressed, and this build has no zlib (install zlib1g-dev and rebuild, or gunzip the file)");
    return out;
#else
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz) fail(path, std::string("cannot open: ") + std::strerror(errno ? errno : ENOMEM));
    std::vector<uint8_t> out;
    std::vector<uint8_t> chunk(1 << 16);
    for (;;) {
        const int n = gzread(gz, chunk.data(), static_cast<unsigned>(chunk.size()));
        if (n < 0) {
            int code = 0;
            const std::string msg = gzerror(gz, &code);
            gzclose(gz);
            fail(path, "gzip data corrupt after " + std::to_string(out.size()) + " uncompressed bytes (" + msg + ")");
        }
        if (n == 0) break;
        if (static_cast<int64_t>(out.size()) + n > kMaxIdxBytes) {
            gzclose(gz);
            fail(path, "over " + std::to_string(kMaxIdxBytes >> 20) +
                           " MiB uncompressed; an IDX file of Fashion-MNIST is at most 47 MiB");
        }
        out.insert(out.end(), chunk.begin(), chunk.begin() + n);
    }
    // gzread returns 0 both at a clean end and where a gzip stream was cut short.
    int code = Z_OK;
    const std::string msg = gzerror(gz, &code);
    gzclose(gz);
    if (code != Z_OK)
        fail(path, "gzip data cut short or corrupt after " + std::to_string(out.size()) + " uncompressed bytes (" + msg +
                       ")");
    return out;
#endif
}

}  // namespace

IdxArray read_idx_file(const std::string& path, int expected_dims) {
    const std::vector<uint8_t> bytes = read_uncompressed(path);
    const int64_t size = static_cast<int64_t>(bytes.size());
    const uint32_t expected_magic = 0x800u | static_cast<uint32_t>(expected_dims);
    if (size < 4)
        fail(path, "truncated at byte " + std::to_string(size) + ": the 4-byte magic number " + hex32(expected_magic) +
                       " is missing");
    const uint32_t magic = big_endian32(bytes.data());
    if (bytes[0] != 0 || bytes[1] != 0)
        fail(path, "byte 0: magic number " + hex32(magic) + " is not an IDX file's (expected " + hex32(expected_magic) +
                       ")");
    if (bytes[2] != 0x08)
        fail(path, "byte 2: element type 0x" + hex32(bytes[2]).substr(8) + "; Fashion-MNIST's files hold unsigned bytes "
                   "(0x08, magic " + hex32(expected_magic) + ")");
    if (bytes[3] != expected_dims)
        fail(path, "byte 3: " + std::to_string(bytes[3]) + " dimensions (magic " + hex32(magic) + "); expected " +
                       std::to_string(expected_dims) + " (magic " + hex32(expected_magic) + ")" +
                       (expected_dims == 3 && bytes[3] == 1 ? ": is this a labels file?"
                        : expected_dims == 1 && bytes[3] == 3 ? ": is this an images file?" : ""));
    const int64_t header = 4 + 4 * int64_t{expected_dims};
    if (size < header)
        fail(path, "truncated at byte " + std::to_string(size) + ": the header's " + std::to_string(expected_dims) +
                       " dimensions end at byte " + std::to_string(header));
    IdxArray out;
    int64_t count = 1;
    for (int d = 0; d < expected_dims; ++d) {
        const uint32_t v = big_endian32(bytes.data() + 4 + 4 * d);
        if (v == 0) fail(path, "byte " + std::to_string(4 + 4 * d) + ": dimension " + std::to_string(d) + " is 0");
        count *= v;  // count <= 2^28 before, v < 2^32: no overflow in int64
        if (count > kMaxIdxBytes)
            fail(path, "byte " + std::to_string(4 + 4 * d) + ": dimension " + std::to_string(d) + " is " +
                           std::to_string(v) + ", making more than " + std::to_string(kMaxIdxBytes >> 20) +
                           " MiB of elements");
        out.dims.push_back(v);
    }
    const int64_t data_bytes = size - header;
    if (data_bytes < count)
        fail(path, "truncated at byte " + std::to_string(size) + ": the header promises " + std::to_string(count) +
                       " bytes of elements from byte " + std::to_string(header) + ", the file holds " +
                       std::to_string(data_bytes));
    if (data_bytes > count)
        fail(path, "byte " + std::to_string(header + count) + ": " + std::to_string(data_bytes - count) +
                       " bytes after the last element; the header promises " + std::to_string(count));
    out.data.assign(bytes.begin() + header, bytes.end());
    return out;
}

}  // namespace qt
