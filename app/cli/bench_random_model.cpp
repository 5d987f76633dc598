#include "cli/bench_random_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

#include "backend/backend_factory.h"
#include "backend/cuda_backend.h"
#include "cli/cli_args.h"
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "quant/ggml_type.h"
#include "quant/half.h"

namespace qt::cli {
namespace {

uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

constexpr size_t kQ4_0Bytes = 18;  // fp16 d + 16 bytes of 4-bit codes
constexpr float kUniformCodeSd = 4.61f;  // standard deviation of q - 8, q uniform in 0..15

void random_q4_0(std::vector<uint8_t>& out, int64_t rows, int64_t cols, float sd, uint64_t stream) {
    const int64_t n_blocks = rows * (cols / 32);
    out.resize(static_cast<size_t>(n_blocks) * kQ4_0Bytes);
    const float d0 = sd / kUniformCodeSd;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < n_blocks; ++b) {
        uint8_t* blk = out.data() + static_cast<size_t>(b) * kQ4_0Bytes;
        const uint64_t h = splitmix64(stream * 0x100000001B3ull ^ static_cast<uint64_t>(b));
        const uint64_t c0 = splitmix64(h), c1 = splitmix64(h + 1);
        std::memcpy(blk + 2, &c0, 8);
        std::memcpy(blk + 10, &c1, 8);
        const float jitter = 0.75f + 0.5f * static_cast<float>(h >> 40) / 16777216.0f;
        const uint16_t d = fp32_to_fp16(((h & 1) ? -d0 : d0) * jitter);
        std::memcpy(blk, &d, 2);
    }
}

}  // namespace

BenchShape bench_shape_named(const std::string& name) {
    BenchShape s;
    s.label = name;
    if (name == "smollm2-135m") return s;  // the defaults
    if (name == "tinyllama-1.1b") {
        s.n_layers = 22, s.dim = 2048, s.ffn_dim = 5632, s.n_heads = 32, s.n_kv_heads = 4, s.vocab = 32000;
        s.tied_output = false;
        return s;
    }
    if (name == "llama2-7b") {
        s.n_layers = 32, s.dim = 4096, s.ffn_dim = 11008, s.n_heads = 32, s.n_kv_heads = 32, s.vocab = 32000;
        s.tied_output = false;
        return s;
    }
    throw UsageError("unknown --shape \"" + name + "\" (smollm2-135m, tinyllama-1.1b, llama2-7b)");
}

int64_t bench_parameter_count(const BenchShape& s) {
    const int64_t kv = static_cast<int64_t>(s.n_kv_heads) * (s.dim / s.n_heads);
    const int64_t per_layer = 2LL * s.dim * s.dim + 2LL * s.dim * kv + 3LL * s.dim * s.ffn_dim + 2LL * s.dim;
    return s.n_layers * per_layer + static_cast<int64_t>(s.vocab) * s.dim * (s.tied_output ? 1 : 2) + s.dim;
}

void write_bench_model(const std::string& path, const BenchShape& s, uint64_t seed) {
    GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_string("general.name", "quanttune-bench-" + s.label);
    w.set_u32("llama.block_count", static_cast<uint32_t>(s.n_layers));
    w.set_u32("llama.context_length", 4096);
    w.set_u32("llama.embedding_length", static_cast<uint32_t>(s.dim));
    w.set_u32("llama.feed_forward_length", static_cast<uint32_t>(s.ffn_dim));
    w.set_u32("llama.attention.head_count", static_cast<uint32_t>(s.n_heads));
    w.set_u32("llama.attention.head_count_kv", static_cast<uint32_t>(s.n_kv_heads));
    w.set_u32("llama.rope.dimension_count", static_cast<uint32_t>(s.dim / s.n_heads));
    w.set_f32("llama.rope.freq_base", 10000.0f);
    w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.set_u32("llama.vocab_size", static_cast<uint32_t>(s.vocab));
    uint64_t stream = seed * 1000003;
    auto matrix = [&](const std::string& name, int64_t cols, int64_t rows) {
        const float sd = 1.0f / std::sqrt(static_cast<float>(cols));
        const uint64_t st = stream++;
        w.add_tensor(name, GgmlType::Q4_0, {cols, rows},
                     [=](std::vector<uint8_t>& out) { random_q4_0(out, rows, cols, sd, st); });
    };
    auto norm = [&](const std::string& name) {
        std::vector<uint8_t> bytes(static_cast<size_t>(s.dim) * 4);
        const uint64_t st = stream++;
        for (int i = 0; i < s.dim; ++i) {
            const float v = 1.0f + 0.1f * (static_cast<float>(splitmix64(st * 7919 + i) >> 40) / 16777216.0f - 0.5f);
            std::memcpy(bytes.data() + 4 * i, &v, 4);
        }
        w.add_tensor(name, GgmlType::F32, {s.dim}, std::move(bytes));
    };
    const int kv = s.n_kv_heads * (s.dim / s.n_heads);
    matrix("token_embd.weight", s.dim, s.vocab);
    norm("output_norm.weight");
    if (!s.tied_output) matrix("output.weight", s.dim, s.vocab);
    for (int l = 0; l < s.n_layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        norm(p + "attn_norm.weight");
        matrix(p + "attn_q.weight", s.dim, s.dim);
        matrix(p + "attn_k.weight", s.dim, kv);
        matrix(p + "attn_v.weight", s.dim, kv);
        matrix(p + "attn_output.weight", s.dim, s.dim);
        norm(p + "ffn_norm.weight");
        matrix(p + "ffn_gate.weight", s.dim, s.ffn_dim);
        matrix(p + "ffn_up.weight", s.dim, s.ffn_dim);
        matrix(p + "ffn_down.weight", s.ffn_dim, s.dim);
    }
    w.write(path);
}

std::vector<OptionSpec> bench_step_options(std::initializer_list<OptionSpec> own, const char* warmup_help) {
    std::vector<OptionSpec> options = {
        {"shape", "SHAPE", "smollm2-135m, tinyllama-1.1b or llama2-7b (default smollm2-135m)"},
        {"device", "auto|cpu|cuda|cuda:N", "where to run; auto takes the first GPU, else the CPU (default auto)"},
        {"batch", "B", "sequences per step (default 16)"},
        {"seq", "T", "tokens per sequence, at least 2 (default 256)"},
        {"steps", "N", "timed steps, of which the median is reported (default 3)"},
        {"warmup", "N", warmup_help ? warmup_help : "untimed steps before them (default 1)"},
    };
    options.insert(options.end(), own.begin(), own.end());
    options.push_back({"model-dir", "DIR",
                       "where the model file is written, or reused when already there (default: the temporary "
                       "directory)"});
    options.push_back({"seed", "S", "seed of the weights and the tokens (default 1)"});
    return options;
}

BenchRun read_bench_run(const Args& args, const std::string& command) {
    BenchRun r;
    r.shape = bench_shape_named(args.str("shape", "smollm2-135m"));
    r.device = args.str("device", "auto");
    r.batch = static_cast<int>(args.integer("batch", 16));
    r.seq = static_cast<int>(args.integer("seq", 256));
    r.steps = static_cast<int>(args.integer("steps", 3));
    r.warmup = static_cast<int>(args.integer("warmup", 1));
    r.seed = static_cast<uint64_t>(args.integer("seed", 1));
    if (r.batch < 1 || r.seq < 2 || r.steps < 1 || r.warmup < 0)
        throw UsageError(command + ": batch >= 1, seq >= 2, steps >= 1, warmup >= 0");
    const std::filesystem::path dir = args.str("model-dir", std::filesystem::temp_directory_path().string());
    r.model_path = dir / ("quanttune-bench-" + r.shape.label + ".gguf");
    return r;
}

BenchModel load_bench_model(const BenchRun& run, const LlamaLoadOptions& options) {
    if (!std::filesystem::exists(run.model_path)) write_bench_model(run.model_path.string(), run.shape, run.seed);
    BackendChoice choice = make_backend(run.device);
    std::printf("%s\n", choice.message.c_str());
    BenchModel m;
    m.backend = std::move(choice.backend);
    std::shared_ptr<const GgufFile> file(GgufFile::open(run.model_path.string()));
    m.model = LlamaModel::load(file, *m.backend, options);
    return m;
}

BenchBatch random_bench_batch(const BenchRun& run, int vocab) {
    std::mt19937_64 rng(run.seed + 17);
    std::uniform_int_distribution<int32_t> id(0, vocab - 1);
    BenchBatch b;
    b.tokens.resize(static_cast<size_t>(run.batch) * run.seq);
    b.targets.assign(b.tokens.size(), -1);
    for (auto& t : b.tokens) t = id(rng);
    for (int s = 0; s < run.batch; ++s)
        for (int t = 0; t + 1 < run.seq; ++t)
            b.targets[static_cast<size_t>(s) * run.seq + t] = b.tokens[static_cast<size_t>(s) * run.seq + t + 1];
    b.scale = 1.0 / (static_cast<double>(run.batch) * (run.seq - 1));
    return b;
}

double BenchTimes::median_timed() const {
    std::vector<double> timed(seconds.begin() + std::min<size_t>(static_cast<size_t>(warmup), seconds.size()),
                              seconds.end());
    if (timed.empty()) return 0.0;
    std::sort(timed.begin(), timed.end());
    return timed[timed.size() / 2];
}

BenchTimes run_bench_steps(Backend& backend, const BenchRun& run, const std::function<BenchStep(int)>& step) {
    BenchTimes times;
    times.warmup = run.warmup;
    for (int i = 0; i < run.warmup + run.steps; ++i) {
        const auto s0 = Clock::now();
        const BenchStep r = step(i);
        const double dt = seconds_since(s0);
        times.seconds.push_back(dt);
        times.loss = r.loss;
        if (i + 1 == run.warmup) cuda_profile_report(backend, true);
        std::printf("step %d: %.1f ms, loss %.5f, |g| %.4g\n", i, dt * 1e3, r.loss, r.grad_norm);
    }
    return times;
}

BenchMemory read_bench_memory(Backend& backend) {
    BenchMemory m;
    m.ledger = backend.ledger().snapshot();
    size_t free_b = 0, total_b = 0;
    m.on_gpu = cuda_memory_info(backend, free_b, total_b);
    if (m.on_gpu) m.device_used_gib = gib(static_cast<int64_t>(total_b - free_b));
    const std::string profile = cuda_profile_report(backend, false);
    if (!profile.empty()) std::printf("%s", profile.c_str());
    return m;
}

nlohmann::json bench_result_json(const BenchRun& run, const BenchTimes& times, const BenchMemory& mem) {
    nlohmann::json j;
    j["shape"] = run.shape.label;
    j["batch"] = run.batch;
    j["seq"] = run.seq;
    j["step_ms"] = times.median_timed() * 1e3;
    j["loss"] = times.loss;
    j["ledger_peak_gib"] = gib(mem.ledger.total_peak);
    j["device_used_gib"] = mem.device_used_gib;
    return j;
}

void print_bench_result(const nlohmann::json& result) { std::printf("BENCH_RESULT %s\n", result.dump().c_str()); }

}  // namespace qt::cli
