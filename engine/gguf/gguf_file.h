#pragma once
// Reader for GGUF model files (ggml docs/gguf.md, version 2 and 3).
// Every count, length and offset comes from an untrusted file: each is bounded
// by the bytes that remain before it is used, and every failure throws a
// ModelFileError naming the file, the byte offset, the section and the problem,
// on one line (strings from the file are quoted and escaped, see gguf_strings.h).
//
// Beyond the byte bounds the reader refuses, as the spec or LLaMA use demands:
// keys longer than 65535 bytes and tensor names longer than 64; keys and tensor
// names that are empty, not UTF-8 or hold control characters (string values
// are kept as raw bytes); duplicate keys and tensor names; bools other than
// 0/1; arrays nested deeper than 8; 0 or more than 4 dimensions and dimensions
// of size 0; element counts past 2^63 - 1; unknown value or tensor types; a
// first dimension that is not a multiple of the type's block size; offsets not
// a multiple of general.alignment (a power of two up to 2^20); and tensors
// whose bytes leave the file or overlap another tensor's.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quant/ggml_type.h"
#include "util/mapped_file.h"
#include "util/model_file_error.h"

namespace qt {

enum class GgufValueType : uint32_t {
    U8 = 0,
    I8 = 1,
    U16 = 2,
    I16 = 3,
    U32 = 4,
    I32 = 5,
    F32 = 6,
    BOOL = 7,
    STRING = 8,
    ARRAY = 9,
    U64 = 10,
    I64 = 11,
    F64 = 12,
};
std::string_view gguf_value_type_name(GgufValueType t);

// One metadata value. Scalars live in the field that fits their type; arrays
// keep their element type and the elements in `ints`, `reals`, `strings` or,
// for arrays of arrays, `nested`.
struct GgufValue {
    GgufValueType type = GgufValueType::U8;
    GgufValueType elem_type = GgufValueType::U8;  // arrays only
    uint64_t u = 0;                               // unsigned ints and bool
    int64_t i = 0;                                // signed ints
    double f = 0;                                 // floats
    std::string s;
    std::vector<int64_t> ints;
    std::vector<double> reals;
    std::vector<std::string> strings;
    std::vector<GgufValue> nested;

    bool is_array() const { return type == GgufValueType::ARRAY; }
    size_t array_size() const;
    std::string to_display_string(size_t max_items = 8) const;
};

struct GgufTensorInfo {
    std::string name;
    GgmlType type = GgmlType::F32;
    std::vector<int64_t> dims;  // dims[0] is the contiguous one (ggml ne[0])
    uint64_t offset = 0;        // relative to the data section
    uint64_t nbytes = 0;
    const uint8_t* data = nullptr;  // inside the mapping

    int64_t num_elements() const;
    int64_t rows() const;  // product of dims[1..]
};

class GgufFile {
public:
    // Maps and parses the file; throws ModelFileError on anything malformed.
    static std::unique_ptr<GgufFile> open(const std::string& path);
    // Parses a GGUF image held in memory (tests, fuzzing); `name` stands for the
    // path in errors. Unlike a mapping, the copy ends exactly at its last byte,
    // so AddressSanitizer sees any read past the end.
    static std::unique_ptr<GgufFile> from_memory(const std::string& name, std::vector<uint8_t> bytes);
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint64_t file_size() const { return size_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }

    const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return metadata_; }
    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }

    const GgufValue* find(std::string_view key) const;
    const GgufTensorInfo* find_tensor(std::string_view name) const;

    // Typed getters: throw ModelFileError naming the key when it is missing or of the wrong type.
    int64_t get_int(std::string_view key) const;
    int64_t get_int(std::string_view key, int64_t fallback) const;
    double get_float(std::string_view key) const;
    double get_float(std::string_view key, double fallback) const;
    std::string get_string(std::string_view key) const;
    std::string get_string(std::string_view key, const std::string& fallback) const;
    bool get_bool(std::string_view key, bool fallback) const;
    const GgufValue& get_array(std::string_view key) const;

    const GgufTensorInfo& tensor(std::string_view name) const;  // throws naming the missing tensor

    [[noreturn]] void fail(std::string_view section, const std::string& problem) const;

private:
    GgufFile() = default;
    void load(ModelBytes bytes);  // keeps the bytes, then parses them
    void parse();
    void place_tensor_data();

    std::string path_;
    ModelBytes bytes_;
    const uint8_t* base_ = nullptr;  // bytes_.data()
    uint64_t size_ = 0;
    uint32_t version_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    std::vector<std::pair<std::string, GgufValue>> metadata_;
    std::map<std::string, size_t, std::less<>> metadata_index_;
    std::vector<GgufTensorInfo> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;
};

}  // namespace qt
