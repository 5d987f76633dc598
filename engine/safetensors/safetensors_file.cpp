#include "safetensors/safetensors_file.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

#include "gguf/gguf_strings.h"
#include "quant/half.h"
#include "safetensors/safetensors_json.h"

namespace qt {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian; F32 is copied as is");

struct DtypeInfo {
    SafetensorsDtype dtype;
    std::string_view name;  // as the header spells it
    uint64_t size;
};

constexpr std::array<DtypeInfo, 15> kDtypes = {{
    {SafetensorsDtype::BOOL, "BOOL", 1},
    {SafetensorsDtype::U8, "U8", 1},
    {SafetensorsDtype::I8, "I8", 1},
    {SafetensorsDtype::F8_E5M2, "F8_E5M2", 1},
    {SafetensorsDtype::F8_E4M3, "F8_E4M3", 1},
    {SafetensorsDtype::I16, "I16", 2},
    {SafetensorsDtype::U16, "U16", 2},
    {SafetensorsDtype::F16, "F16", 2},
    {SafetensorsDtype::BF16, "BF16", 2},
    {SafetensorsDtype::I32, "I32", 4},
    {SafetensorsDtype::U32, "U32", 4},
    {SafetensorsDtype::F32, "F32", 4},
    {SafetensorsDtype::I64, "I64", 8},
    {SafetensorsDtype::U64, "U64", 8},
    {SafetensorsDtype::F64, "F64", 8},
}};

const DtypeInfo& info(SafetensorsDtype t) { return kDtypes[static_cast<size_t>(t)]; }

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t k = 0; k < shape.size(); ++k) s += (k ? ", " : "") + std::to_string(shape[k]);
    return s + "]";
}

std::string offsets_text(uint64_t begin, uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// The field `key` of a tensor's entry; refuses it when absent.
const nlohmann::json& field(const SafetensorsFile& f, const std::string& place, const nlohmann::json& entry,
                            const char* key) {
    const auto it = entry.find(key);
    if (it == entry.end()) f.fail(place, std::string("entry has no \"") + key + "\"");
    return *it;
}

SafetensorsDtype read_dtype(const SafetensorsFile& f, const std::string& place, const nlohmann::json& j) {
    if (!j.is_string()) f.fail(place, "dtype is " + json_kind(j) + ", expected a string");
    const auto& name = j.get_ref<const std::string&>();
    const auto dtype = parse_safetensors_dtype(name);
    if (!dtype) f.fail(place, "unknown dtype " + quote_for_message(name));
    return *dtype;
}

// The dimensions, and their product in `elements`; a shape with a 0 has none,
// however large its other dimensions.
std::vector<int64_t> read_shape(const SafetensorsFile& f, const std::string& place, const nlohmann::json& j,
                                uint64_t& elements) {
    if (!j.is_array()) f.fail(place, "shape is " + json_kind(j) + ", expected an array of dimensions");
    std::vector<int64_t> shape;
    shape.reserve(j.size());
    for (size_t d = 0; d < j.size(); ++d) {
        const nlohmann::json& dim = j[d];
        const std::string which = "shape dimension " + std::to_string(d);
        if (!dim.is_number_integer()) f.fail(place, which + " is " + json_kind(dim) + ", expected an integer");
        if (!dim.is_number_unsigned()) f.fail(place, which + " is negative (" + std::to_string(dim.get<int64_t>()) + ")");
        const uint64_t v = dim.get<uint64_t>();
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            f.fail(place, which + " " + std::to_string(v) + " exceeds 2^63 - 1");
        shape.push_back(static_cast<int64_t>(v));
    }
    elements = 1;
    if (std::find(shape.begin(), shape.end(), 0) != shape.end()) {
        elements = 0;
        return shape;
    }
    for (int64_t d : shape) {
        if (elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / static_cast<uint64_t>(d))
            f.fail(place, "shape " + shape_text(shape) + " overflows: more than 2^63 - 1 elements");
        elements *= static_cast<uint64_t>(d);
    }
    return shape;
}

// data_offsets: two unsigned integers [BEGIN, END] with BEGIN <= END.
std::pair<uint64_t, uint64_t> read_offsets(const SafetensorsFile& f, const std::string& place, const nlohmann::json& j) {
    if (!j.is_array() || j.size() != 2)
        f.fail(place, "data_offsets is " + (j.is_array() ? "an array of " + std::to_string(j.size()) : json_kind(j)) +
                          ", expected an array of 2 integers [begin, end]");
    for (size_t k = 0; k < 2; ++k) {
        const char* which = k == 0 ? "begin" : "end";
        if (!j[k].is_number_integer())
            f.fail(place, std::string("data_offsets ") + which + " is " + json_kind(j[k]) + ", expected an integer");
        if (!j[k].is_number_unsigned())
            f.fail(place, std::string("data_offsets ") + which + " is negative (" +
                              std::to_string(j[k].get<int64_t>()) + ")");
    }
    const uint64_t begin = j[0].get<uint64_t>(), end = j[1].get<uint64_t>();
    if (begin > end) f.fail(place, "data_offsets " + offsets_text(begin, end) + ": begin is after end");
    return {begin, end};
}

SafetensorsTensor read_entry(const SafetensorsFile& f, const std::string& name, const nlohmann::json& entry,
                             uint64_t data_size) {
    const std::string place = safetensors_tensor_place(name);
    if (!entry.is_object())
        f.fail(place, "entry is " + json_kind(entry) + ", expected an object with dtype, shape and data_offsets");
    for (const auto& [key, value] : entry.items())
        if (key != "dtype" && key != "shape" && key != "data_offsets")
            f.fail(place, "unexpected key " + quote_for_message(key) + " (an entry holds dtype, shape and data_offsets)");
    SafetensorsTensor t;
    t.name = name;
    t.dtype = read_dtype(f, place, field(f, place, entry, "dtype"));
    uint64_t elements = 0;
    t.shape = read_shape(f, place, field(f, place, entry, "shape"), elements);
    std::tie(t.begin, t.end) = read_offsets(f, place, field(f, place, entry, "data_offsets"));
    if (t.end > data_size)
        f.fail(place, "data_offsets " + offsets_text(t.begin, t.end) + " end past the data section, which holds " +
                          std::to_string(data_size) + " bytes");
    const uint64_t size = info(t.dtype).size;
    if (elements > std::numeric_limits<uint64_t>::max() / size || elements * size != t.nbytes())
        f.fail(place, "data_offsets " + offsets_text(t.begin, t.end) + " hold " + std::to_string(t.nbytes()) +
                          " bytes, but shape " + shape_text(t.shape) + " of " + std::string(info(t.dtype).name) +
                          " needs " + std::to_string(elements) + " x " + std::to_string(size));
    return t;
}

}  // namespace

std::string_view safetensors_dtype_name(SafetensorsDtype t) { return info(t).name; }
uint64_t safetensors_dtype_size(SafetensorsDtype t) { return info(t).size; }

std::optional<SafetensorsDtype> parse_safetensors_dtype(std::string_view name) {
    for (const DtypeInfo& d : kDtypes)
        if (d.name == name) return d.dtype;
    return std::nullopt;
}

bool is_float_weight_dtype(SafetensorsDtype t) {
    return t == SafetensorsDtype::F32 || t == SafetensorsDtype::F16 || t == SafetensorsDtype::BF16;
}

std::string safetensors_tensor_place(std::string_view name) { return "tensor " + quote_for_message(name); }

int64_t SafetensorsTensor::num_elements() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
}

SafetensorsFile::~SafetensorsFile() = default;

void SafetensorsFile::fail(std::string_view place, const std::string& problem) const {
    throw_model_error(path_, place, problem);
}

std::unique_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
    std::unique_ptr<SafetensorsFile> f(new SafetensorsFile());
    f->path_ = path;
    f->load(ModelBytes::map(path));  // parse() reports an empty file
    return f;
}

std::unique_ptr<SafetensorsFile> SafetensorsFile::from_memory(const std::string& name, std::vector<uint8_t> bytes) {
    std::unique_ptr<SafetensorsFile> f(new SafetensorsFile());
    f->path_ = name;
    f->load(ModelBytes::own(std::move(bytes)));
    return f;
}

void SafetensorsFile::load(ModelBytes bytes) {
    bytes_ = std::move(bytes);
    base_ = bytes_.data();
    size_ = bytes_.size();
    parse();
}

void SafetensorsFile::parse() {
    if (size_ == 0) fail("header", "file is empty");
    if (size_ < 8)
        fail("header", "file is " + std::to_string(size_) + " bytes, too short for the 8-byte header length");
    uint64_t n = 0;
    for (int k = 7; k >= 0; --k) n = (n << 8) | base_[k];
    if (n == 0) fail("header", "header length is 0");
    if (n > kMaxHeaderLength)
        fail("header", "header length " + std::to_string(n) + " exceeds the limit of " +
                           std::to_string(kMaxHeaderLength) + " bytes (100 MiB)");
    if (n > size_ - 8)
        fail("header", "header length " + std::to_string(n) + " runs past the end of the file (" +
                           std::to_string(size_ - 8) + " bytes follow the length)");
    data_offset_ = 8 + n;
    const uint64_t data_size = size_ - data_offset_;

    const std::string_view text(reinterpret_cast<const char*>(base_ + 8), n);
    const nlohmann::json header = parse_strict_json(text, path_, "header");
    if (!header.is_object()) fail("header", "the header is " + json_kind(header) + ", expected a JSON object");
    // The format lets a writer pad the header with spaces after the JSON, not before.
    if (text.front() != '{') fail("header", "the header does not start with '{'");

    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object()) fail("__metadata__", "is " + json_kind(entry) + ", expected an object of strings");
            for (const auto& [key, value] : entry.items()) {
                if (!value.is_string())
                    fail("__metadata__", "value of " + quote_for_message(key) + " is " + json_kind(value) +
                                             ", expected a string");
                metadata_.emplace(key, value.get<std::string>());
            }
            continue;
        }
        tensors_.push_back(read_entry(*this, name, entry, data_size));
    }

    // The tensors must tile the data section: in order of BEGIN, each starts
    // where the one before ended, and the last ends where the file does.
    std::sort(tensors_.begin(), tensors_.end(),
              [](const Tensor& x, const Tensor& y) { return std::tie(x.begin, x.end) < std::tie(y.begin, y.end); });
    uint64_t covered = 0;
    const Tensor* previous = nullptr;
    for (Tensor& t : tensors_) {
        if (t.begin < covered)
            fail(safetensors_tensor_place(t.name), "data_offsets " + offsets_text(t.begin, t.end) + " overlap tensor " +
                                                       quote_for_message(previous->name) + " at " +
                                                       offsets_text(previous->begin, previous->end));
        if (t.begin > covered)
            fail("data section", "bytes " + std::to_string(covered) + " to " + std::to_string(t.begin) +
                                     " belong to no tensor (a hole before tensor " + quote_for_message(t.name) +
                                     "; the format allows none)");
        covered = t.end;
        previous = &t;
        t.data = base_ + data_offset_ + t.begin;
    }
    if (covered != data_size)
        fail("data section", "bytes " + std::to_string(covered) + " to " + std::to_string(data_size) +
                                 " at the end belong to no tensor (the format allows no hole)");
    for (size_t k = 0; k < tensors_.size(); ++k) tensor_index_.emplace(tensors_[k].name, k);
}

const SafetensorsTensor* SafetensorsFile::find_tensor(std::string_view name) const {
    const auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const SafetensorsTensor& SafetensorsFile::tensor(std::string_view name) const {
    if (const Tensor* t = find_tensor(name)) return *t;
    fail(safetensors_tensor_place(name), "required tensor is missing");
}

void SafetensorsFile::to_f32(const Tensor& t, std::vector<float>& out) const {
    const size_t n = static_cast<size_t>(t.num_elements());
    out.resize(n);
    switch (t.dtype) {
        case SafetensorsDtype::F32:
            if (n > 0) std::memcpy(out.data(), t.data, n * sizeof(float));
            return;
        case SafetensorsDtype::F16:
        case SafetensorsDtype::BF16: {
            const bool bf16 = t.dtype == SafetensorsDtype::BF16;
            for (size_t i = 0; i < n; ++i) {
                uint16_t h;
                std::memcpy(&h, t.data + 2 * i, 2);
                out[i] = bf16 ? bf16_to_fp32(h) : fp16_to_fp32(h);
            }
            return;
        }
        default:
            fail(safetensors_tensor_place(t.name), "dtype " + std::string(info(t.dtype).name) +
                                                       " cannot be read as float32 (F32, F16 or BF16 expected)");
    }
}

}  // namespace qt
