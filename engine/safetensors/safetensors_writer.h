#pragma once
// Writer for one .safetensors file (the layout safetensors_file.h reads): the
// header lists "__metadata__" first, then the tensors in the order asked for,
// their bytes tile the data section in that order, and the header is padded with
// spaces to a multiple of 8 bytes (as the Python writer does) so that the data
// starts 8-aligned. The file is written through write_file_atomically, so a
// killed write leaves the old file or none, never a part of the new one.
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "safetensors/safetensors_file.h"

namespace qt {

enum class SafetensorsOrder {
    Insertion,  // as add() was called
    ByName,     // sorted by name (byte order)
};

class SafetensorsWriter {
public:
    SafetensorsWriter();  // metadata {"format": "pt"}, what transformers expects of a PyTorch checkpoint

    // Adds a tensor of `shape` (row-major, PyTorch order) whose values are stored
    // as `dtype`: F32 as they are, F16 and BF16 rounded to nearest even. Throws
    // std::invalid_argument when the name is empty, "__metadata__" or already
    // added, the dtype is another, a dimension is negative, or `values` does not
    // hold the shape's product.
    void add(const std::string& name, SafetensorsDtype dtype, const std::vector<int64_t>& shape,
             std::span<const float> values);
    void set_metadata(const std::string& key, const std::string& value);

    size_t tensor_count() const { return entries_.size(); }

    // Writes the file; throws std::runtime_error naming `path` when it cannot.
    void write(const std::string& path, SafetensorsOrder order = SafetensorsOrder::Insertion) const;

private:
    struct Entry {
        std::string name;
        SafetensorsDtype dtype;
        std::vector<int64_t> shape;
        std::vector<uint8_t> bytes;  // little-endian, as stored
    };
    std::vector<Entry> entries_;
    std::set<std::string> names_;
    std::map<std::string, std::string> metadata_;
};

}  // namespace qt
