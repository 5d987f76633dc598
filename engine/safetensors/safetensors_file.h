#pragma once
// Reader for one .safetensors file (huggingface/safetensors, "Format"):
//   8 bytes   N, the header's length, unsigned little-endian
//   N bytes   a JSON object: tensor name -> {"dtype", "shape", "data_offsets":
//             [BEGIN, END]}, plus an optional "__metadata__" string -> string map
//   the rest  the data section; offsets count from its first byte.
// The file comes from anywhere, so everything is checked before use, and every
// refusal is a ModelFileError of one line, "PATH: PLACE: PROBLEM", where PLACE
// is `header`, `tensor "NAME"` or `data section`:
// a file shorter than 8 bytes; N of 0, above 100 MiB or past the end of the file;
// a header that is not JSON, not an object, does not start with '{', nests deeper
// than 16 levels or repeats a key (at any level); an entry that is not an object,
// lacks dtype/shape/data_offsets, has a key beyond them, or gives one the wrong
// type; an unknown dtype; dimensions that are negative, not integers or whose
// product overflows; data_offsets that are not two unsigned integers, BEGIN > END,
// END past the data section, a byte size that is not shape x dtype size; tensors
// sharing bytes; and (as the format demands, so that no file is two formats at
// once) data-section bytes that belong to no tensor.
// Tensors' bytes need not be aligned; to_f32() reads them byte-wise.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/mapped_file.h"
#include "util/model_file_error.h"

namespace qt {

// Every dtype the format names that we can size. Only F32, F16 and BF16 hold
// weights we load; the others are parsed so that a caller can say what it refuses.
enum class SafetensorsDtype {
    BOOL,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    I64,
    U64,
    F64,
};
std::string_view safetensors_dtype_name(SafetensorsDtype t);
uint64_t safetensors_dtype_size(SafetensorsDtype t);  // bytes per element
std::optional<SafetensorsDtype> parse_safetensors_dtype(std::string_view name);
bool is_float_weight_dtype(SafetensorsDtype t);  // F32, F16 or BF16: what to_f32() converts

struct SafetensorsTensor {
    std::string name;
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<int64_t> shape;     // row-major: shape.back() is the contiguous one (PyTorch order)
    uint64_t begin = 0;             // data_offsets, relative to the data section
    uint64_t end = 0;
    const uint8_t* data = nullptr;  // inside the file's bytes; not necessarily aligned
    uint64_t nbytes() const { return end - begin; }
    int64_t num_elements() const;   // 1 for a scalar (shape []), 0 when a dimension is 0
};

class SafetensorsFile {
public:
    using Tensor = SafetensorsTensor;
    static constexpr uint64_t kMaxHeaderLength = 100ull << 20;

    // Maps and parses the file; throws ModelFileError on anything malformed.
    static std::unique_ptr<SafetensorsFile> open(const std::string& path);
    // Parses an image held in memory (tests, fuzzing); `name` stands for the path
    // in errors. The copy ends exactly at its last byte, so AddressSanitizer sees
    // any read past the end that a page-rounded mapping would hide.
    static std::unique_ptr<SafetensorsFile> from_memory(const std::string& name, std::vector<uint8_t> bytes);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::string& path() const { return path_; }
    uint64_t file_size() const { return size_; }
    uint64_t data_offset() const { return data_offset_; }  // 8 + N

    // In data order (by BEGIN), which is also the order of their bytes.
    const std::vector<Tensor>& tensors() const { return tensors_; }
    const Tensor* find_tensor(std::string_view name) const;
    const Tensor& tensor(std::string_view name) const;  // throws naming the missing tensor
    const std::map<std::string, std::string, std::less<>>& metadata() const { return metadata_; }

    // The tensor's values as float32 (F32 copied, F16 and BF16 widened exactly);
    // throws ModelFileError naming the file and tensor for any other dtype.
    void to_f32(const Tensor& t, std::vector<float>& out) const;

    [[noreturn]] void fail(std::string_view place, const std::string& problem) const;

private:
    SafetensorsFile() = default;
    void load(ModelBytes bytes);  // keeps the bytes, then parses them
    void parse();

    std::string path_;
    ModelBytes bytes_;
    const uint8_t* base_ = nullptr;  // bytes_.data()
    uint64_t size_ = 0;
    uint64_t data_offset_ = 0;
    std::vector<Tensor> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;
    std::map<std::string, std::string, std::less<>> metadata_;
};

// `tensor "NAME"` with the name quoted and escaped for a one-line message.
std::string safetensors_tensor_place(std::string_view name);

}  // namespace qt
