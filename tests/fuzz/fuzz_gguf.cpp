// libFuzzer target for the GGUF reader. Any input may be refused with
// ModelFileError; anything else (another exception, a crash, a sanitizer
// report, a tensor pointing outside the file, a multi-line message) is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_input_file.h"
#include "gguf/gguf_file.h"

namespace {

// Touches everything the parser produced so that sanitizers see any bad pointer or length.
uint64_t walk_value(const qt::GgufValue& v) {
    uint64_t h = v.u ^ static_cast<uint64_t>(v.i) ^ v.s.size() ^ v.array_size();
    for (char c : v.s) h = h * 31 + static_cast<uint8_t>(c);
    for (int64_t x : v.ints) h = h * 31 + static_cast<uint64_t>(x);
    for (double x : v.reals) h += x == x ? 1 : 2;
    for (const auto& s : v.strings)
        for (char c : s) h = h * 31 + static_cast<uint8_t>(c);
    for (const auto& n : v.nested) h ^= walk_value(n);
    h ^= v.to_display_string().size();
    return h;
}

// Opens one GGUF image and walks all it holds; returns a digest of the walk, or
// the error message when the reader refuses it.
std::string open_and_walk(const std::function<std::unique_ptr<qt::GgufFile>()>& open) {
    try {
        auto f = open();
        uint64_t h = 0;
        for (const auto& [key, value] : f->metadata()) {
            h += key.size() + walk_value(value);
            if (f->find(key) != &value) std::abort();  // keys are unique, so the index finds this entry
        }
        for (const auto& t : f->tensors()) {
            // The reader promises every tensor's bytes lie in the data section of the file.
            if (f->data_offset() + t.offset + t.nbytes > f->file_size()) std::abort();
            if (t.num_elements() <= 0 || t.nbytes == 0) std::abort();
            for (uint64_t k = 0; k < t.nbytes; ++k) h += t.data[k];
            if (f->find_tensor(t.name) != &t) std::abort();
        }
        return "ok " + std::to_string(f->metadata().size()) + " " + std::to_string(f->tensors().size()) + " " +
               std::to_string(h);
    } catch (const qt::ModelFileError& e) {
        // Refusing is fine; a message that spans lines would break the CLI's one-line contract.
        const std::string what = e.what();
        if (what.find('\n') != std::string::npos) std::abort();
        return what;
    }
}

}  // namespace

// Each input is read twice: from a memfd through GgufFile::open (the mapping
// the application uses, where reads just past the end land in the last page
// unseen) and from an exact-size heap copy through GgufFile::from_memory
// (where AddressSanitizer catches any read past the end). Both must agree.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    qt::fuzz::require_same_reading(
        "fuzz_gguf", data, size,
        [](const std::string& path) { return open_and_walk([&] { return qt::GgufFile::open(path); }); },
        [](const std::string& name, std::vector<uint8_t> bytes) {
            return open_and_walk([&] { return qt::GgufFile::from_memory(name, std::move(bytes)); });
        });
    return 0;
}
