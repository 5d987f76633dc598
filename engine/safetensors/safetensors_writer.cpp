#include "safetensors/safetensors_writer.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "gguf/gguf_strings.h"
#include "quant/half.h"
#include "util/atomic_file.h"

namespace qt {

SafetensorsWriter::SafetensorsWriter() { metadata_["format"] = "pt"; }

void SafetensorsWriter::add(const std::string& name, SafetensorsDtype dtype, const std::vector<int64_t>& shape,
                            std::span<const float> values) {
    const auto refuse = [&](const std::string& problem) {
        throw std::invalid_argument("safetensors writer: tensor " + quote_for_message(name) + ": " + problem);
    };
    if (name.empty() || name == "__metadata__") refuse("is not a usable tensor name");
    if (names_.count(name)) refuse("was already added");
    if (!is_float_weight_dtype(dtype))
        refuse("dtype " + std::string(safetensors_dtype_name(dtype)) + " cannot be written (F32, F16 or BF16)");
    if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; })) refuse("has a negative dimension");
    uint64_t elements = std::count(shape.begin(), shape.end(), 0) ? 0 : 1;
    for (int64_t d : shape) {
        if (elements > values.size() / static_cast<uint64_t>(std::max<int64_t>(d, 1)))
            refuse("shape needs more values than the " + std::to_string(values.size()) + " given");
        elements *= static_cast<uint64_t>(d);
    }
    if (elements != values.size())
        refuse("shape needs " + std::to_string(elements) + " values, " + std::to_string(values.size()) + " given");

    Entry e{name, dtype, shape, std::vector<uint8_t>(values.size() * safetensors_dtype_size(dtype))};
    if (dtype == SafetensorsDtype::F32) {
        if (!values.empty()) std::memcpy(e.bytes.data(), values.data(), e.bytes.size());
    } else {
        for (size_t i = 0; i < values.size(); ++i) {
            const uint16_t h = dtype == SafetensorsDtype::F16 ? fp32_to_fp16(values[i]) : fp32_to_bf16(values[i]);
            std::memcpy(e.bytes.data() + 2 * i, &h, 2);
        }
    }
    names_.insert(name);
    entries_.push_back(std::move(e));
}

void SafetensorsWriter::set_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }

void SafetensorsWriter::write(const std::string& path, SafetensorsOrder order) const {
    std::vector<const Entry*> layout;
    for (const Entry& e : entries_) layout.push_back(&e);
    if (order == SafetensorsOrder::ByName)
        std::sort(layout.begin(), layout.end(), [](const Entry* x, const Entry* y) { return x->name < y->name; });

    // ordered_json keeps the keys in the order written: metadata, then the data order.
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata_.empty()) header["__metadata__"] = metadata_;
    uint64_t offset = 0;
    for (const Entry* e : layout) {
        header[e->name] = {{"dtype", safetensors_dtype_name(e->dtype)},
                           {"shape", e->shape},
                           {"data_offsets", {offset, offset + e->bytes.size()}}};
        offset += e->bytes.size();
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');

    write_file_atomically(path, [&](std::FILE* f) {
        const auto put = [&](const void* data, size_t n) {
            if (n > 0 && std::fwrite(data, 1, n, f) != n) throw std::runtime_error(path + ": write failed");
        };
        uint8_t length[8];
        for (int k = 0; k < 8; ++k) length[k] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * k));
        put(length, 8);
        put(text.data(), text.size());
        for (const Entry* e : layout) put(e->bytes.data(), e->bytes.size());
    });
}

}  // namespace qt
