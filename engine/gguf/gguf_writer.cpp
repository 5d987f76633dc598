#include "gguf/gguf_writer.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "util/atomic_file.h"

namespace qt {
namespace {

class Out {
public:
    Out(std::FILE* f, const std::string& path) : f_(f), path_(path) {}
    void bytes(const void* p, size_t n) {
        if (n && std::fwrite(p, 1, n, f_) != n) throw std::runtime_error(path_ + ": write failed");
        pos_ += n;
    }
    template <class T>
    void pod(T v) {
        bytes(&v, sizeof v);
    }
    void str(const std::string& s) {
        pod<uint64_t>(s.size());
        bytes(s.data(), s.size());
    }
    void pad_to(uint64_t alignment) {
        static const uint8_t zeros[64] = {};
        while (pos_ % alignment) bytes(zeros, std::min<uint64_t>(64, alignment - pos_ % alignment));
    }
    uint64_t pos() const { return pos_; }

private:
    std::FILE* f_;
    std::string path_;
    uint64_t pos_ = 0;
};

void write_scalar(Out& o, GgufValueType t, const GgufValue& v, size_t k, bool element) {
    // Array elements live in ints / reals / strings; scalars in u / i / f / s.
    auto u = [&] { return element ? static_cast<uint64_t>(v.ints[k]) : v.u; };
    auto i = [&] { return element ? v.ints[k] : v.i; };
    auto f = [&] { return element ? v.reals[k] : v.f; };
    switch (t) {
        case GgufValueType::U8: o.pod<uint8_t>(static_cast<uint8_t>(u())); break;
        case GgufValueType::I8: o.pod<int8_t>(static_cast<int8_t>(i())); break;
        case GgufValueType::U16: o.pod<uint16_t>(static_cast<uint16_t>(u())); break;
        case GgufValueType::I16: o.pod<int16_t>(static_cast<int16_t>(i())); break;
        case GgufValueType::U32: o.pod<uint32_t>(static_cast<uint32_t>(u())); break;
        case GgufValueType::I32: o.pod<int32_t>(static_cast<int32_t>(i())); break;
        case GgufValueType::U64: o.pod<uint64_t>(u()); break;
        case GgufValueType::I64: o.pod<int64_t>(i()); break;
        case GgufValueType::F32: o.pod<float>(static_cast<float>(f())); break;
        case GgufValueType::F64: o.pod<double>(f()); break;
        case GgufValueType::BOOL: o.pod<uint8_t>(u() ? 1 : 0); break;
        case GgufValueType::STRING: o.str(element ? v.strings[k] : v.s); break;
        case GgufValueType::ARRAY: throw std::logic_error("write_scalar on an array");
    }
}

void write_value(Out& o, const GgufValue& v) {
    if (v.type != GgufValueType::ARRAY) return write_scalar(o, v.type, v, 0, false);
    o.pod<uint32_t>(static_cast<uint32_t>(v.elem_type));
    o.pod<uint64_t>(v.array_size());
    for (size_t k = 0; k < v.array_size(); ++k) {
        if (v.elem_type == GgufValueType::ARRAY) {
            // An element of an array of arrays is its own element type, count and elements.
            const GgufValue& e = v.nested[k];
            o.pod<uint32_t>(static_cast<uint32_t>(e.elem_type));
            o.pod<uint64_t>(e.array_size());
            for (size_t m = 0; m < e.array_size(); ++m) write_scalar(o, e.elem_type, e, m, true);
        } else {
            write_scalar(o, v.elem_type, v, k, true);
        }
    }
}

GgufValue scalar(GgufValueType t) {
    GgufValue v;
    v.type = t;
    return v;
}

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue value) {
    for (auto& kv : metadata_)
        if (kv.first == key) {
            kv.second = std::move(value);
            return;
        }
    metadata_.emplace_back(key, std::move(value));
}

void GgufWriter::set_string(const std::string& key, const std::string& s) {
    GgufValue v = scalar(GgufValueType::STRING);
    v.s = s;
    set(key, std::move(v));
}
void GgufWriter::set_u32(const std::string& key, uint32_t x) {
    GgufValue v = scalar(GgufValueType::U32);
    v.u = x;
    set(key, std::move(v));
}
void GgufWriter::set_i32(const std::string& key, int32_t x) {
    GgufValue v = scalar(GgufValueType::I32);
    v.i = x;
    set(key, std::move(v));
}
void GgufWriter::set_f32(const std::string& key, float x) {
    GgufValue v = scalar(GgufValueType::F32);
    v.f = x;
    set(key, std::move(v));
}
void GgufWriter::set_bool(const std::string& key, bool x) {
    GgufValue v = scalar(GgufValueType::BOOL);
    v.u = x ? 1 : 0;
    set(key, std::move(v));
}
void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& a) {
    GgufValue v = scalar(GgufValueType::ARRAY);
    v.elem_type = GgufValueType::STRING;
    v.strings = a;
    set(key, std::move(v));
}
void GgufWriter::set_f32_array(const std::string& key, const std::vector<double>& a) {
    GgufValue v = scalar(GgufValueType::ARRAY);
    v.elem_type = GgufValueType::F32;
    v.reals = a;
    set(key, std::move(v));
}
void GgufWriter::set_i32_array(const std::string& key, const std::vector<int64_t>& a) {
    GgufValue v = scalar(GgufValueType::ARRAY);
    v.elem_type = GgufValueType::I32;
    v.ints = a;
    set(key, std::move(v));
}

void GgufWriter::copy_metadata(const GgufFile& file) {
    for (const auto& [key, value] : file.metadata())
        if (key != "general.alignment") set(key, value);
}

void GgufWriter::add_tensor(const std::string& name, GgmlType type, const std::vector<int64_t>& dims,
                            std::function<void(std::vector<uint8_t>&)> data) {
    if (dims.empty() || dims.size() > 4) throw std::invalid_argument("tensor \"" + name + "\": 1 to 4 dimensions");
    for (const auto& t : tensors_)
        if (t.name == name) throw std::invalid_argument("tensor \"" + name + "\" added twice");
    int64_t rows = 1;
    for (size_t k = 1; k < dims.size(); ++k) rows *= dims[k];
    const uint64_t nbytes = ggml_row_size(type, dims[0]) * static_cast<uint64_t>(rows);
    tensors_.push_back({name, type, dims, nbytes, std::move(data)});
}

void GgufWriter::add_tensor(const std::string& name, GgmlType type, const std::vector<int64_t>& dims,
                            std::vector<uint8_t> bytes) {
    auto shared = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
    add_tensor(name, type, dims, [shared](std::vector<uint8_t>& out) { out = *shared; });
}

void GgufWriter::set_alignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)))
        throw std::invalid_argument("GGUF alignment must be a power of two, got " + std::to_string(alignment));
    alignment_ = alignment;
}

void GgufWriter::write(const std::string& path) const {
    write_file_atomically(path, [&](std::FILE* f) {
        Out o(f, path);
        o.bytes("GGUF", 4);
        o.pod<uint32_t>(3);
        o.pod<uint64_t>(tensors_.size());
        const bool custom_alignment = alignment_ != 32;
        o.pod<uint64_t>(metadata_.size() + (custom_alignment ? 1 : 0));
        for (const auto& [key, value] : metadata_) {
            o.str(key);
            o.pod<uint32_t>(static_cast<uint32_t>(value.type));
            write_value(o, value);
        }
        if (custom_alignment) {
            o.str("general.alignment");
            o.pod<uint32_t>(static_cast<uint32_t>(GgufValueType::U32));
            o.pod<uint32_t>(alignment_);
        }
        uint64_t offset = 0;
        for (const Tensor& t : tensors_) {
            o.str(t.name);
            o.pod<uint32_t>(static_cast<uint32_t>(t.dims.size()));
            for (int64_t d : t.dims) o.pod<uint64_t>(static_cast<uint64_t>(d));
            o.pod<uint32_t>(static_cast<uint32_t>(t.type));
            o.pod<uint64_t>(offset);
            offset += (t.nbytes + alignment_ - 1) / alignment_ * alignment_;
        }
        o.pad_to(alignment_);
        std::vector<uint8_t> buf;
        for (const Tensor& t : tensors_) {
            buf.clear();
            t.data(buf);
            if (buf.size() != t.nbytes)
                throw std::runtime_error(path + ": tensor \"" + t.name + "\" produced " + std::to_string(buf.size()) +
                                         " bytes, expected " + std::to_string(t.nbytes));
            o.bytes(buf.data(), buf.size());
            o.pad_to(alignment_);
        }
    });
}

}  // namespace qt
