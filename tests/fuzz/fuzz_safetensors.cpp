// libFuzzer target for the safetensors reader. Any input may be refused with
// ModelFileError; anything else (another exception, a crash, a sanitizer
// report, a tensor outside the data section or not tiling it, a multi-line
// message) is a finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input_file.h"
#include "safetensors/safetensors_file.h"

namespace {

using qt::fuzz::require_one_line;

// Opens one image and walks all it holds, converting every float tensor; returns
// a digest of the walk, or the error message when the reader refuses it.
std::string open_and_walk(const std::function<std::unique_ptr<qt::SafetensorsFile>()>& open) {
    try {
        auto f = open();
        uint64_t h = 0, covered = 0;
        for (const auto& [key, value] : f->metadata()) h += key.size() * 31 + value.size();
        std::vector<float> values;
        for (const auto& t : f->tensors()) {
            // The reader promises the tensors tile the data section, in order.
            if (t.begin != covered || t.end < t.begin) std::abort();
            covered = t.end;
            if (t.data != nullptr && f->data_offset() + t.end > f->file_size()) std::abort();
            const uint64_t elements = static_cast<uint64_t>(t.num_elements());
            if (elements * qt::safetensors_dtype_size(t.dtype) != t.nbytes()) std::abort();
            for (uint64_t k = 0; k < t.nbytes(); ++k) h += t.data[k];
            if (f->find_tensor(t.name) != &t) std::abort();  // names are unique, so the index finds this one
            try {
                f->to_f32(t, values);
                if (!qt::is_float_weight_dtype(t.dtype) || values.size() != elements) std::abort();
                for (float x : values) h += x == x ? 1 : 2;
            } catch (const qt::ModelFileError& e) {
                if (qt::is_float_weight_dtype(t.dtype)) std::abort();  // only other dtypes are refused
                require_one_line(e.what(), "to_f32");
            }
        }
        if (f->data_offset() + covered != f->file_size()) std::abort();
        return "ok " + std::to_string(f->tensors().size()) + " " + std::to_string(h);
    } catch (const qt::ModelFileError& e) {
        require_one_line(e.what(), "ModelFileError");
        return e.what();
    }
}

}  // namespace

// Each input is read twice: from a memfd through SafetensorsFile::open (the
// mapping the application uses) and from an exact-size heap copy through
// from_memory (where AddressSanitizer catches any read past the end). Both must agree.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    qt::fuzz::require_same_reading(
        "fuzz_safetensors", data, size,
        [](const std::string& path) { return open_and_walk([&] { return qt::SafetensorsFile::open(path); }); },
        [](const std::string& name, std::vector<uint8_t> bytes) {
            return open_and_walk([&] { return qt::SafetensorsFile::from_memory(name, std::move(bytes)); });
        });
    return 0;
}
