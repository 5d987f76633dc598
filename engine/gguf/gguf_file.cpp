#include "gguf/gguf_file.h"

#include "gguf/gguf_strings.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

namespace qt {
namespace {

// Limits that no real model reaches but that stop hostile files from making us
// allocate or loop without bound before the byte checks below catch them.
constexpr uint64_t kMaxStringLength = 1ull << 30;
constexpr uint64_t kMaxKeyLength = 65535;       // docs/gguf.md: keys are at most 2^16 - 1 bytes
constexpr uint64_t kMaxTensorNameLength = 64;   // docs/gguf.md: tensor names are at most 64 bytes
constexpr uint64_t kMaxDims = 4;                // GGML_MAX_DIMS
constexpr int kMaxArrayDepth = 8;
// Counts are bounded by the bytes left, but an in-memory element can be ten
// times its encoded size; reserving no more than this up front keeps a lying
// count from costing memory before the elements are actually read.
constexpr uint64_t kMaxReserve = 1u << 16;

template <typename Vector>
void reserve_bounded(Vector& v, uint64_t n) {
    v.reserve(static_cast<size_t>(std::min(n, kMaxReserve)));
}

class Cursor {
public:
    Cursor(const GgufFile& file, const uint8_t* base, uint64_t size) : file_(file), base_(base), size_(size) {}

    uint64_t pos() const { return pos_; }
    uint64_t remaining() const { return size_ - pos_; }
    void set_section(std::string section) { section_ = std::move(section); }
    const std::string& section() const { return section_; }

    // Errors point at the start of the field at fault, not past it.
    void rewind_to(uint64_t pos) { pos_ = pos; }
    std::string peek_bytes(uint64_t n) const {
        return std::string(reinterpret_cast<const char*>(base_ + pos_), std::min(n, remaining()));
    }

    [[noreturn]] void fail(const std::string& problem) const {
        throw_model_error(file_.path(), pos_, section_, problem);
    }

    void need(uint64_t n, std::string_view what) const {
        if (n > remaining()) {
            std::ostringstream os;
            os << "file ends inside " << what << " (needs " << n << " bytes, " << remaining() << " left)";
            fail(os.str());
        }
    }

    template <typename T>
    T read(std::string_view what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, base_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }

    std::string read_string(std::string_view what, uint64_t max_length = kMaxStringLength) {
        const uint64_t len = read<uint64_t>(what);
        if (len > max_length) {
            pos_ -= 8;
            fail(std::string(what) + " length " + std::to_string(len) + " exceeds the limit of " +
                 std::to_string(max_length) + " bytes");
        }
        if (len > remaining()) {
            pos_ -= 8;
            fail(std::string(what) + " of length " + std::to_string(len) + " runs past the end of the file (" +
                 std::to_string(remaining() - 8) + " bytes left)");
        }
        std::string s(reinterpret_cast<const char*>(base_ + pos_), len);
        pos_ += len;
        return s;
    }

    // Keys and tensor names: non-empty UTF-8 without control characters (see gguf_strings.h).
    std::string read_identifier(std::string_view what, uint64_t max_length) {
        const uint64_t start = pos_;
        std::string s = read_string(what, max_length);
        const auto reject = [&](const std::string& problem) {
            pos_ = start;
            fail(std::string(what) + " " + quote_for_message(s) + " " + problem);
        };
        if (s.empty()) reject("is empty");
        if (const size_t at = find_invalid_utf8(s); at != std::string::npos)
            reject("is not valid UTF-8 (bad byte at index " + std::to_string(at) + ")");
        if (const size_t at = find_control_char(s); at != std::string::npos)
            reject("contains a control character at index " + std::to_string(at));
        return s;
    }

    // An element count must fit in what remains, given each element takes at least min_bytes.
    uint64_t read_count(std::string_view what, uint64_t min_bytes) {
        const uint64_t start = pos_;
        const uint64_t n = read<uint64_t>(what);
        if (min_bytes > 0 && n > remaining() / min_bytes) {
            pos_ = start;
            fail(std::string(what) + " " + std::to_string(n) + " is impossible: the remaining " +
                 std::to_string(remaining() - 8) + " bytes cannot hold that many");
        }
        return n;
    }

private:
    const GgufFile& file_;
    const uint8_t* base_;
    uint64_t size_;
    uint64_t pos_ = 0;
    std::string section_ = "header";
};

uint64_t min_value_bytes(GgufValueType t) {
    switch (t) {
        case GgufValueType::U8:
        case GgufValueType::I8:
        case GgufValueType::BOOL: return 1;
        case GgufValueType::U16:
        case GgufValueType::I16: return 2;
        case GgufValueType::U32:
        case GgufValueType::I32:
        case GgufValueType::F32: return 4;
        case GgufValueType::U64:
        case GgufValueType::I64:
        case GgufValueType::F64:
        case GgufValueType::STRING: return 8;
        case GgufValueType::ARRAY: return 12;
    }
    return 1;
}

bool valid_value_type(uint32_t raw) { return raw <= static_cast<uint32_t>(GgufValueType::F64); }

GgufValueType read_value_type(Cursor& c, std::string_view what) {
    const uint32_t raw = c.read<uint32_t>(what);
    if (!valid_value_type(raw)) {
        c.fail(std::string("unknown ") + std::string(what) + " " + std::to_string(raw));
    }
    return static_cast<GgufValueType>(raw);
}

void read_scalar(Cursor& c, GgufValueType t, GgufValue& v) {
    v.type = t;
    switch (t) {
        case GgufValueType::U8: v.u = c.read<uint8_t>("u8 value"); break;
        case GgufValueType::I8: v.i = c.read<int8_t>("i8 value"); break;
        case GgufValueType::U16: v.u = c.read<uint16_t>("u16 value"); break;
        case GgufValueType::I16: v.i = c.read<int16_t>("i16 value"); break;
        case GgufValueType::U32: v.u = c.read<uint32_t>("u32 value"); break;
        case GgufValueType::I32: v.i = c.read<int32_t>("i32 value"); break;
        case GgufValueType::U64: v.u = c.read<uint64_t>("u64 value"); break;
        case GgufValueType::I64: v.i = c.read<int64_t>("i64 value"); break;
        case GgufValueType::F32: v.f = c.read<float>("f32 value"); break;
        case GgufValueType::F64: v.f = c.read<double>("f64 value"); break;
        case GgufValueType::BOOL: {
            const uint8_t b = c.read<uint8_t>("bool value");
            if (b > 1) c.fail("bool value " + std::to_string(b) + " is neither 0 nor 1");
            v.u = b;
            break;
        }
        case GgufValueType::STRING: v.s = c.read_string("string value"); break;
        case GgufValueType::ARRAY: break;  // handled by read_value
    }
}

void read_value(Cursor& c, GgufValueType t, GgufValue& v, int depth) {
    if (t != GgufValueType::ARRAY) {
        read_scalar(c, t, v);
        return;
    }
    if (depth >= kMaxArrayDepth) c.fail("arrays nested deeper than " + std::to_string(kMaxArrayDepth));
    v.type = GgufValueType::ARRAY;
    v.elem_type = read_value_type(c, "array element type");
    const uint64_t n = c.read_count("array length", min_value_bytes(v.elem_type));
    switch (v.elem_type) {
        case GgufValueType::STRING:
            reserve_bounded(v.strings, n);
            for (uint64_t k = 0; k < n; ++k) v.strings.push_back(c.read_string("string array element"));
            break;
        case GgufValueType::F32:
        case GgufValueType::F64:
            reserve_bounded(v.reals, n);
            for (uint64_t k = 0; k < n; ++k) {
                GgufValue e;
                read_scalar(c, v.elem_type, e);
                v.reals.push_back(e.f);
            }
            break;
        case GgufValueType::ARRAY:
            reserve_bounded(v.nested, n);
            for (uint64_t k = 0; k < n; ++k) {
                GgufValue e;
                read_value(c, GgufValueType::ARRAY, e, depth + 1);
                v.nested.push_back(std::move(e));
            }
            break;
        default:
            reserve_bounded(v.ints, n);
            for (uint64_t k = 0; k < n; ++k) {
                GgufValue e;
                read_scalar(c, v.elem_type, e);
                // u64 above INT64_MAX is kept by its bit pattern; callers that need it use u64 arrays rarely.
                v.ints.push_back(e.type == GgufValueType::U64 || e.type == GgufValueType::U32 ||
                                         e.type == GgufValueType::U16 || e.type == GgufValueType::U8 ||
                                         e.type == GgufValueType::BOOL
                                     ? static_cast<int64_t>(e.u)
                                     : e.i);
            }
            break;
    }
}

bool is_integer_type(GgufValueType t) {
    switch (t) {
        case GgufValueType::U8:
        case GgufValueType::I8:
        case GgufValueType::U16:
        case GgufValueType::I16:
        case GgufValueType::U32:
        case GgufValueType::I32:
        case GgufValueType::U64:
        case GgufValueType::I64: return true;
        default: return false;
    }
}

bool is_unsigned(GgufValueType t) {
    return t == GgufValueType::U8 || t == GgufValueType::U16 || t == GgufValueType::U32 || t == GgufValueType::U64 ||
           t == GgufValueType::BOOL;
}

struct GgufHeader {
    uint32_t version = 0;
    uint64_t n_tensors = 0;
    uint64_t n_kv = 0;
};

GgufHeader read_header(Cursor& c) {
    c.set_section("header");
    c.need(4, "the magic number");
    const std::string magic = c.peek_bytes(4);
    if (magic != "GGUF")
        c.fail("bad magic " + quote_for_message(magic) + ", expected \"GGUF\" (not a GGUF file)");
    c.read<uint32_t>("magic");
    GgufHeader h;
    const uint64_t version_at = c.pos();
    h.version = c.read<uint32_t>("version");
    if (h.version != 2 && h.version != 3) {
        c.rewind_to(version_at);
        // A big-endian writer stores version 3 as bytes 00 00 00 03.
        if (h.version == 0x02000000u || h.version == 0x03000000u)
            c.fail("big-endian GGUF is not supported (only little-endian files can be read)");
        c.fail("unsupported GGUF version " + std::to_string(h.version) + " (2 or 3 expected)");
    }
    // A tensor info takes at least 8 (name length) + 1 (name) + 4 (n_dims) + 8 (one dim) + 4 (type) + 8 (offset).
    h.n_tensors = c.read_count("tensor count", 8 + 1 + 4 + 8 + 4 + 8);
    // A key/value pair takes at least 8 (key length) + 1 (key) + 4 (type) + 1 (a u8 value).
    h.n_kv = c.read_count("metadata count", 8 + 1 + 4 + 1);
    return h;
}

uint64_t checked_alignment(Cursor& c, const GgufValue& a) {
    if (!is_integer_type(a.type))
        c.fail("general.alignment is " + std::string(gguf_value_type_name(a.type)) + ", expected an integer");
    if (!is_unsigned(a.type) && a.i < 0) c.fail("general.alignment " + std::to_string(a.i) + " is negative");
    const uint64_t al = is_unsigned(a.type) ? a.u : static_cast<uint64_t>(a.i);
    if (al == 0 || al > (1u << 20) || (al & (al - 1)) != 0)
        c.fail("general.alignment " + std::to_string(al) + " is not a power of two in [1, 2^20]");
    return al;
}

GgufTensorInfo read_tensor_info(Cursor& c, uint64_t index, uint64_t alignment) {
    c.set_section("tensor info " + std::to_string(index));
    GgufTensorInfo t;
    t.name = c.read_identifier("tensor name", kMaxTensorNameLength);
    c.set_section("tensor info " + std::to_string(index) + " " + quote_for_message(t.name));
    const uint64_t n_dims_at = c.pos();
    const uint32_t n_dims = c.read<uint32_t>("dimension count");
    if (n_dims == 0 || n_dims > kMaxDims) {
        c.rewind_to(n_dims_at);
        c.fail("dimension count " + std::to_string(n_dims) + " outside [1, " + std::to_string(kMaxDims) + "]");
    }
    // Zero-sized dimensions are refused: no LLaMA tensor is empty, and an empty
    // tensor would only make later code divide by zero.
    int64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
        const uint64_t dim_at = c.pos();
        const uint64_t dim = c.read<uint64_t>("dimension");
        if (dim == 0 || dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            c.rewind_to(dim_at);
            c.fail("dimension " + std::to_string(d) + " has invalid size " + std::to_string(dim));
        }
        if (elements > std::numeric_limits<int64_t>::max() / static_cast<int64_t>(dim)) {
            c.rewind_to(dim_at);
            c.fail("dimensions overflow: element count exceeds 2^63 - 1");
        }
        elements *= static_cast<int64_t>(dim);
        t.dims.push_back(static_cast<int64_t>(dim));
    }
    const uint64_t type_at = c.pos();
    const uint32_t raw_type = c.read<uint32_t>("tensor type");
    const auto traits = ggml_type_traits(raw_type);
    if (!traits) {
        c.rewind_to(type_at);
        c.fail("unknown tensor type " + std::to_string(raw_type));
    }
    t.type = traits->type;
    if (t.dims[0] % traits->block_size != 0) {
        c.rewind_to(type_at);
        c.fail("first dimension " + std::to_string(t.dims[0]) + " is not a multiple of " + std::string(traits->name) +
               "'s block size " + std::to_string(traits->block_size));
    }
    const uint64_t blocks = static_cast<uint64_t>(elements / traits->block_size);
    if (blocks > std::numeric_limits<uint64_t>::max() / traits->type_size) {
        c.rewind_to(type_at);
        c.fail("tensor byte size overflows: " + std::to_string(elements) + " " + std::string(traits->name) +
               " elements need more than 2^64 bytes");
    }
    t.nbytes = blocks * traits->type_size;
    const uint64_t offset_at = c.pos();
    t.offset = c.read<uint64_t>("tensor data offset");
    if (t.offset % alignment != 0) {
        c.rewind_to(offset_at);
        c.fail("data offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
               std::to_string(alignment));
    }
    return t;
}

}  // namespace

int64_t GgufTensorInfo::num_elements() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
}

int64_t GgufTensorInfo::rows() const {
    int64_t n = 1;
    for (size_t k = 1; k < dims.size(); ++k) n *= dims[k];
    return n;
}

GgufFile::~GgufFile() = default;

void GgufFile::fail(std::string_view section, const std::string& problem) const {
    throw_model_error(path_, section, problem);
}

std::unique_ptr<GgufFile> GgufFile::open(const std::string& path) {
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->path_ = path;
    f->load(ModelBytes::map(path));  // parse() reports an empty file
    return f;
}

std::unique_ptr<GgufFile> GgufFile::from_memory(const std::string& name, std::vector<uint8_t> bytes) {
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->path_ = name;
    f->load(ModelBytes::own(std::move(bytes)));
    return f;
}

void GgufFile::load(ModelBytes bytes) {
    bytes_ = std::move(bytes);
    base_ = bytes_.data();
    size_ = bytes_.size();
    parse();
}

void GgufFile::parse() {
    if (size_ == 0) throw_model_error(path_, 0, "header", "file is empty");
    Cursor c(*this, base_, size_);
    const GgufHeader h = read_header(c);
    version_ = h.version;

    reserve_bounded(metadata_, h.n_kv);
    for (uint64_t k = 0; k < h.n_kv; ++k) {
        c.set_section("metadata entry " + std::to_string(k));
        const uint64_t key_at = c.pos();
        std::string key = c.read_identifier("metadata key", kMaxKeyLength);
        c.set_section("metadata " + quote_for_message(key));
        if (metadata_index_.count(key)) {
            c.rewind_to(key_at);
            c.fail("duplicate metadata key " + quote_for_message(key) + " (first defined as entry " +
                   std::to_string(metadata_index_.find(key)->second) + ")");
        }
        GgufValue v;
        const GgufValueType t = read_value_type(c, "value type");
        read_value(c, t, v, 0);
        metadata_index_.emplace(key, metadata_.size());
        metadata_.emplace_back(std::move(key), std::move(v));
    }

    if (const GgufValue* a = find("general.alignment")) {
        c.set_section("metadata \"general.alignment\"");
        alignment_ = checked_alignment(c, *a);
    }

    reserve_bounded(tensors_, h.n_tensors);
    for (uint64_t k = 0; k < h.n_tensors; ++k) {
        const uint64_t info_at = c.pos();
        GgufTensorInfo t = read_tensor_info(c, k, alignment_);
        if (auto it = tensor_index_.find(t.name); it != tensor_index_.end()) {
            c.rewind_to(info_at);
            c.fail("duplicate tensor name " + quote_for_message(t.name) + " (first used by tensor info " +
                   std::to_string(it->second) + ")");
        }
        tensor_index_.emplace(t.name, tensors_.size());
        tensors_.push_back(std::move(t));
    }

    // The data section starts at the first multiple of the alignment after the infos.
    const uint64_t end_of_infos = c.pos();
    data_offset_ = (end_of_infos + alignment_ - 1) / alignment_ * alignment_;
    if (h.n_tensors > 0 && data_offset_ > size_)
        throw_model_error(path_, end_of_infos, "data section",
                          "file ends before the data section: it would start at byte " + std::to_string(data_offset_) +
                              " of the " + std::to_string(size_) + "-byte file");
    place_tensor_data();
}

// Points each tensor into the mapping after checking that its bytes lie inside
// the data section and that no two tensors share bytes (writing one tensor's
// scales must never change another).
void GgufFile::place_tensor_data() {
    const uint64_t data_size = size_ >= data_offset_ ? size_ - data_offset_ : 0;
    for (auto& t : tensors_) {
        if (t.offset > data_size || t.nbytes > data_size - t.offset) {
            std::ostringstream os;
            os << "tensor " << quote_for_message(t.name) << " (" << ggml_type_name(t.type) << ", " << t.nbytes
               << " bytes at data offset " << t.offset << ") runs past the end of the file (data section holds "
               << data_size << " bytes)";
            throw_model_error(path_, data_offset_ + std::min(t.offset, data_size), "tensor data", os.str());
        }
        t.data = base_ + data_offset_ + t.offset;
    }
    std::vector<const GgufTensorInfo*> by_offset;
    by_offset.reserve(tensors_.size());
    for (const auto& t : tensors_) by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const GgufTensorInfo* x, const GgufTensorInfo* y) { return x->offset < y->offset; });
    for (size_t k = 1; k < by_offset.size(); ++k) {
        const GgufTensorInfo& prev = *by_offset[k - 1];
        const GgufTensorInfo& cur = *by_offset[k];
        if (cur.offset < prev.offset + prev.nbytes) {
            std::ostringstream os;
            os << "tensor " << quote_for_message(cur.name) << " (data offset " << cur.offset << ") overlaps tensor "
               << quote_for_message(prev.name) << " (data offsets " << prev.offset << " to "
               << prev.offset + prev.nbytes << ")";
            throw_model_error(path_, data_offset_ + cur.offset, "tensor data", os.str());
        }
    }
}

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = metadata_index_.find(key);
    return it == metadata_index_.end() ? nullptr : &metadata_[it->second].second;
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufTensorInfo& GgufFile::tensor(std::string_view name) const {
    if (const auto* t = find_tensor(name)) return *t;
    fail("tensors", "required tensor \"" + std::string(name) + "\" is missing");
}

int64_t GgufFile::get_int(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) fail("metadata", "required key \"" + std::string(key) + "\" is missing");
    if (!is_integer_type(v->type))
        fail("metadata", "key \"" + std::string(key) + "\" is " + std::string(gguf_value_type_name(v->type)) +
                             ", expected an integer");
    if (is_unsigned(v->type)) {
        if (v->u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            fail("metadata", "key \"" + std::string(key) + "\" value " + std::to_string(v->u) + " is too large");
        return static_cast<int64_t>(v->u);
    }
    return v->i;
}

int64_t GgufFile::get_int(std::string_view key, int64_t fallback) const {
    return find(key) ? get_int(key) : fallback;
}

double GgufFile::get_float(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) fail("metadata", "required key \"" + std::string(key) + "\" is missing");
    if (v->type == GgufValueType::F32 || v->type == GgufValueType::F64) return v->f;
    if (is_integer_type(v->type)) return static_cast<double>(get_int(key));
    fail("metadata", "key \"" + std::string(key) + "\" is " + std::string(gguf_value_type_name(v->type)) +
                         ", expected a number");
}

double GgufFile::get_float(std::string_view key, double fallback) const {
    return find(key) ? get_float(key) : fallback;
}

std::string GgufFile::get_string(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) fail("metadata", "required key \"" + std::string(key) + "\" is missing");
    if (v->type != GgufValueType::STRING)
        fail("metadata", "key \"" + std::string(key) + "\" is " + std::string(gguf_value_type_name(v->type)) +
                             ", expected a string");
    return v->s;
}

std::string GgufFile::get_string(std::string_view key, const std::string& fallback) const {
    return find(key) ? get_string(key) : fallback;
}

bool GgufFile::get_bool(std::string_view key, bool fallback) const {
    const GgufValue* v = find(key);
    if (!v) return fallback;
    if (v->type != GgufValueType::BOOL)
        fail("metadata", "key \"" + std::string(key) + "\" is " + std::string(gguf_value_type_name(v->type)) +
                             ", expected a bool");
    return v->u != 0;
}

const GgufValue& GgufFile::get_array(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) fail("metadata", "required key \"" + std::string(key) + "\" is missing");
    if (!v->is_array())
        fail("metadata", "key \"" + std::string(key) + "\" is " + std::string(gguf_value_type_name(v->type)) +
                             ", expected an array");
    return *v;
}

}  // namespace qt
