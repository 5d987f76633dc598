#pragma once
// What the tests that compare logits with a reference engine share: reading the
// raw float32 files the oracle scripts write (tests/oracle/*.py: numpy's tofile,
// native byte order), the top token of a row of logits, and how far the top two
// lie apart (a row whose top two are closer than the engines' difference is a tie).
// Used by test_architectures.cpp, test_llama_vs_llama_cpp.cpp, test_gguf_writer.cpp,
// test_hf_folder.cpp and test_lora_gguf_export.cpp.
#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "test_support.h"

namespace qt::test {

// Every float32 of the file at `path`, as written (no header).
inline std::vector<float> read_floats(const std::string& path) {
    const std::vector<uint8_t> bytes = read_bytes(path);
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
    return v;
}

// The index of the largest of v[0 .. n) (the first, on equal values).
inline int argmax(const float* v, int n) { return static_cast<int>(std::max_element(v, v + n) - v); }

// The largest value minus the second largest.
inline float top2_margin(const float* v, int n) {
    std::vector<float> sorted(v, v + n);
    std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<>());
    return sorted[0] - sorted[1];
}

}  // namespace qt::test
