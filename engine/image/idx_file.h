#pragma once
// IDX files (LeCun's MNIST format, which Fashion-MNIST keeps), plain or gzip:
//   bytes 0-1  zero;  byte 2  element type (0x08: unsigned byte);  byte 3  number of dimensions d;
//   bytes 4..4+4d  each dimension, a big-endian uint32;  then the elements, row-major.
// So images (3 dimensions: count, rows, cols) begin 0x00000803 and labels (1
// dimension: count) 0x00000801. The file is checked field by field before use;
// every error is one line naming the file, the byte offset and the field.
#include <cstdint>
#include <string>
#include <vector>

namespace qt {

struct IdxArray {
    std::vector<uint32_t> dims;
    std::vector<uint8_t> data;  // the elements, product(dims) bytes
};

// The largest IDX file read, uncompressed: Fashion-MNIST's largest is 47 MiB.
inline constexpr int64_t kMaxIdxBytes = int64_t{256} << 20;

// Reads an unsigned-byte IDX file of `expected_dims` dimensions (gzip-compressed
// or not, told by its first bytes). Throws ImageDataError.
IdxArray read_idx_file(const std::string& path, int expected_dims);

}  // namespace qt
