#pragma once
// What the step benches (bench-step, bench-qlora, bench-qgalore) share:
//   - a LLaMA-shaped GGUF of random Q4_0 blocks: any vocabulary size, no
//     tokenizer (the bench feeds random token ids), written in parallel so that a
//     7B-shaped file (3.8 GB) takes seconds, not minutes. The engine's own random
//     model (gguf/random_llama_gguf.h) quantizes normal floats one at a time with a
//     synthetic BPE vocabulary of at most 933 tokens: right for tests, too slow and
//     too small-vocabulary for these shapes;
//   - for the first-order benches: their common options, the model and backend,
//     the random batch, the timed loop and the BENCH_RESULT line.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "cli/cli_args.h"
#include "memory/memory_ledger.h"
#include "model/llama_model.h"

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

// --- The first-order step benches (bench-qlora, bench-qgalore) ---

// Their option table: --shape, --device, --batch, --seq, --steps, --warmup, then
// the command's own options, then --model-dir and --seed. `warmup_help` replaces
// the usual line for --warmup when given.
std::vector<OptionSpec> bench_step_options(std::initializer_list<OptionSpec> own, const char* warmup_help = nullptr);

struct BenchRun {
    BenchShape shape;
    std::string device;
    int batch = 16, seq = 256, steps = 3, warmup = 1;
    uint64_t seed = 1;
    std::filesystem::path model_path;  // --model-dir / quanttune-bench-SHAPE.gguf
};

// Reads the options of bench_step_options; a UsageError names `command` and the bound broken.
BenchRun read_bench_run(const Args& args, const std::string& command);

// The run's random model (written first unless the file is already there) on the
// backend --device chose, whose message is printed. The model goes before the backend.
struct BenchModel {
    std::unique_ptr<Backend> backend;
    std::unique_ptr<LlamaModel> model;
};
BenchModel load_bench_model(const BenchRun& run, const LlamaLoadOptions& options = {});

// run.batch random sequences of run.seq tokens; every position predicts the next
// token (the last none); scale = 1 / targets, so sum_nll * scale is the mean loss.
struct BenchBatch {
    std::vector<int32_t> tokens, targets;
    double scale = 0;
};
BenchBatch random_bench_batch(const BenchRun& run, int vocab);

// One step as the bench ran it: its mean loss and gradient norm. The step must
// have finished on the device when it returns (read something back).
struct BenchStep {
    double loss = 0;
    double grad_norm = 0;
};
struct BenchTimes {
    std::vector<double> seconds;  // every step's, the warm-up ones first
    int warmup = 0;
    double loss = 0;  // the last step's
    double median_timed() const;  // median of the steps after the warm-up
};
// Runs run.warmup + run.steps steps (step(i), i from 0), printing
// "step i: ms, loss, |g|" for each; with QT_CUDA_PROFILE=1 the profile restarts
// after the warm-up.
BenchTimes run_bench_steps(Backend& backend, const BenchRun& run, const std::function<BenchStep(int)>& step);

// After the steps: the ledger's peaks and, on a GPU, the device memory in use
// (cudaMemGetInfo, the CUDA context included); prints the CUDA profile when on.
struct BenchMemory {
    MemorySnapshot ledger;
    bool on_gpu = false;
    double device_used_gib = 0;
    double peak_gib(MemoryCategory c) const { return gib(ledger.peak[static_cast<int>(c)]); }
};
BenchMemory read_bench_memory(Backend& backend);

// The fields every BENCH_RESULT has (shape, batch, seq, step_ms, loss,
// ledger_peak_gib, device_used_gib); the command adds its own and prints it
// with print_bench_result, its last line, which the bench/ scripts read.
nlohmann::json bench_result_json(const BenchRun& run, const BenchTimes& times, const BenchMemory& mem);
void print_bench_result(const nlohmann::json& result);

}  // namespace qt::cli
