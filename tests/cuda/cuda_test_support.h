#pragma once
// Shared pieces of the CUDA tests: the GPU and CPU backends side by side,
// random weight blocks of every format, and the error measure.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "gguf/gguf_file.h"
#include "gguf/random_llama_gguf.h"

namespace qt::test {

// The CUDA backend on device 0, or null with `why` set.
Backend* shared_gpu_backend(std::string& why);
Backend* shared_cpu_backend();

// A fresh seed for each check, printed so that a failure can be replayed
// (QT_TEST_SEED fixes it).
uint64_t fresh_seed();

// `rows` rows of `cols` weights of `type` as random blocks whose scales are
// finite and make weights of standard deviation about `sigma`.
std::vector<uint8_t> random_weight_rows(GgmlType type, int64_t rows, int64_t cols, float sigma, std::mt19937_64& rng);
std::vector<float> random_floats(size_t n, float sigma, std::mt19937_64& rng);

// ||a - ref|| / ||ref|| (infinity when a holds NaN or a size differs).
double relative_error(const std::vector<float>& a, const std::vector<float>& ref);

// The small random model the model-level CUDA tests share: 2 layers, dim 128,
// ffn 256, 4 heads over 2 kv heads, context 64, in `weight_type`.
RandomLlamaSpec small_llama_spec(GgmlType weight_type, int vocab_size, uint64_t seed);
// The file of `spec`, written to a temporary path (named after `tag` and the
// seed), opened, and removed from the disk (the mapping stays valid).
std::shared_ptr<const GgufFile> open_random_llama(const RandomLlamaSpec& spec, const std::string& tag);

// n_seqs random sequences of len tokens back to back, each token's target the next
// token of its sequence (-1 for the last): the input of forward_nll_batch.
struct NextTokenBatch {
    std::vector<int32_t> tokens, targets;
};
NextTokenBatch random_next_token_batch(int n_seqs, int len, int vocab, uint64_t seed);

// Copies host floats into a new buffer of `b`, and back.
DeviceBuffer to_backend(Backend& b, const std::vector<float>& v);
std::vector<float> from_backend(Backend& b, const DeviceBuffer& buf, size_t count);

// A weight the backend does not know (so its scales are never deferred), holding
// these blocks in backend memory it allocated itself.
WeightTensor unregistered_weight(Backend& be, GgmlType type, int64_t rows, int64_t cols,
                                 const std::vector<uint8_t>& blocks);

}  // namespace qt::test

// Skips the test, saying why, when no GPU is usable.
#define QT_REQUIRE_GPU(gpu_var)                                                     \
    std::string qt_why_no_gpu_;                                                     \
    ::qt::Backend* gpu_var = ::qt::test::shared_gpu_backend(qt_why_no_gpu_);        \
    if (!gpu_var) GTEST_SKIP() << "no usable CUDA device: " << qt_why_no_gpu_;
