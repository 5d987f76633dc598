#pragma once
// Writer for GGUF v3 files (ggml docs/gguf.md): header, metadata of every value
// type (arrays included), tensor infos, alignment padding, tensor data. The
// file is written atomically (temporary file, fsync, rename).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"

namespace qt {

class GgufWriter {
public:
    // Metadata in insertion order; a key set twice keeps its first place, last value.
    void set(const std::string& key, GgufValue value);
    void set_string(const std::string& key, const std::string& v);
    void set_u32(const std::string& key, uint32_t v);
    void set_i32(const std::string& key, int32_t v);
    void set_f32(const std::string& key, float v);
    void set_bool(const std::string& key, bool v);
    void set_string_array(const std::string& key, const std::vector<std::string>& v);
    void set_f32_array(const std::string& key, const std::vector<double>& v);
    void set_i32_array(const std::string& key, const std::vector<int64_t>& v);
    // Copies every key of `file` except general.alignment (the writer sets its own).
    void copy_metadata(const GgufFile& file);

    // dims[0] is the contiguous one. `bytes` of ggml_row_size(type, dims[0]) * rows
    // are produced on write by `data` (called once, may stream from the backend).
    void add_tensor(const std::string& name, GgmlType type, const std::vector<int64_t>& dims,
                    std::function<void(std::vector<uint8_t>& out)> data);
    void add_tensor(const std::string& name, GgmlType type, const std::vector<int64_t>& dims,
                    std::vector<uint8_t> bytes);

    void set_alignment(uint32_t alignment);  // power of two; default 32
    void write(const std::string& path) const;

private:
    struct Tensor {
        std::string name;
        GgmlType type;
        std::vector<int64_t> dims;
        uint64_t nbytes;
        std::function<void(std::vector<uint8_t>&)> data;
    };
    std::vector<std::pair<std::string, GgufValue>> metadata_;
    std::vector<Tensor> tensors_;
    uint32_t alignment_ = 32;
};

}  // namespace qt
