#pragma once
// A LLaMA-shaped GGUF of random Q4_0 blocks for timing (bench-step): any
// vocabulary size, no tokenizer (the bench feeds random token ids), written in
// parallel so that a 7B-shaped file (3.8 GB) takes seconds, not minutes.
// The engine's own random model (gguf/random_llama_gguf.h) quantizes normal
// floats one at a time with a synthetic BPE vocabulary of at most 933 tokens:
// right for tests, too slow and too small-vocabulary for these shapes.
#include <chrono>
#include <cstdint>
#include <string>

namespace qt::cli {

struct BenchShape {
    std::string label;
    int n_layers = 30;
    int dim = 576;
    int ffn_dim = 1536;
    int n_heads = 9;
    int n_kv_heads = 3;
    int vocab = 49152;
    bool tied_output = true;
};

// smollm2-135m, tinyllama-1.1b or llama2-7b; throws UsageError naming an unknown one.
BenchShape bench_shape_named(const std::string& name);

// Every matrix (embedding and output head too) Q4_0 with uniform random 4-bit
// codes and block scales of random sign giving weights of standard deviation
// 1/sqrt(fan_in); norms F32 near 1.
void write_bench_model(const std::string& path, const BenchShape& shape, uint64_t seed);

// The benches' clock and units.
using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
inline double gib(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0); }

// Parameters of the shape, as a checkpoint of it holds them.
int64_t bench_parameter_count(const BenchShape& shape);

}  // namespace qt::cli
