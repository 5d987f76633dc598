// quanttune-cli bench-qlora --shape smollm2-135m|tinyllama-1.1b|llama2-7b [--device D]
//   [--batch B] [--seq T] [--steps N] [--warmup N] [--rank R] [--seqs-per-forward N]
// Times one QLoRA step as the trainer runs it (zero the adapters' gradients, the
// batch's forward and backward in groups of sequences, one AdamW step) on a random
// Q4_0 model of the shape with rank-R adapters on q, k, v, o, gate, up and down and
// activation checkpointing on, and reads peak memory from the ledger and the device.
// The last line is BENCH_RESULT {json} for bench/bench_qlora_step_gpu.py.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "backend/backend_factory.h"
#include "backend/cuda_backend.h"
#include "cli/bench_random_model.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "methods/adamw_optimizer.h"
#include "methods/lora_adapters.h"
#include "model/llama_backprop.h"

namespace qt::cli {

const CommandSpec& bench_qlora_spec() {
    static const CommandSpec spec{
        "bench-qlora", "[--shape SHAPE] [options]",
        "Time a QLoRA step (forward, backward, AdamW) and its memory on a random Q4_0 model of a real shape; last "
        "line BENCH_RESULT {json}.",
        {
            {"shape", "SHAPE", "smollm2-135m, tinyllama-1.1b or llama2-7b (default smollm2-135m)"},
            {"device", "auto|cpu|cuda|cuda:N", "where to run; auto takes the first GPU, else the CPU (default auto)"},
            {"batch", "B", "sequences per step (default 16)"},
            {"seq", "T", "tokens per sequence, at least 2 (default 256)"},
            {"steps", "N", "timed steps, of which the median is reported (default 3)"},
            {"warmup", "N", "untimed steps before them (default 1)"},
            {"rank", "R", "LoRA rank (default 16; alpha is 2R)"},
            {"seqs-per-forward", "N", "sequences run through the model together; must divide --batch (default 16)"},
            {"no-activation-checkpointing", nullptr, "keep every block's activations instead of recomputing them"},
            {"model-dir", "DIR", "where the model file is written, or reused when already there (default: the "
                                 "temporary directory)"},
            {"seed", "S", "seed of the weights and the tokens (default 1)"},
        }};
    return spec;
}

int run_bench_qlora(const Args& args) {
    const BenchShape shape = bench_shape_named(args.str("shape", "smollm2-135m"));
    const int batch = static_cast<int>(args.integer("batch", 16));
    const int seq = static_cast<int>(args.integer("seq", 256));
    const int steps = static_cast<int>(args.integer("steps", 3));
    const int warmup = static_cast<int>(args.integer("warmup", 1));
    const int rank = static_cast<int>(args.integer("rank", 16));
    const int per_forward = static_cast<int>(args.integer("seqs-per-forward", 16));
    const auto seed = static_cast<uint64_t>(args.integer("seed", 1));
    if (batch < 1 || seq < 2 || steps < 1 || warmup < 0 || rank < 1)
        throw UsageError("bench-qlora: batch >= 1, seq >= 2, steps >= 1, rank >= 1");
    if (per_forward < 1 || batch % per_forward != 0) throw UsageError("bench-qlora: --seqs-per-forward must divide --batch");

    const std::filesystem::path dir = args.str("model-dir", std::filesystem::temp_directory_path().string());
    const auto path = dir / ("quanttune-bench-" + shape.label + ".gguf");
    if (!std::filesystem::exists(path)) write_bench_model(path.string(), shape, seed);
    BackendChoice choice = make_backend(args.str("device", "auto"));
    std::printf("%s\n", choice.message.c_str());
    Backend& backend = *choice.backend;
    std::shared_ptr<const GgufFile> file(GgufFile::open(path.string()));
    auto model = LlamaModel::load(file, backend, {});
    LoraSettings ls;
    ls.rank = rank;
    ls.alpha = 2.0 * rank;
    LoraAdapters lora(*model, ls);
    model->set_training_hooks(&lora);
    LlamaBackprop backprop(*model, BackpropOptions{!args.flag("no-activation-checkpointing")});
    AdamWOptimizer optimizer(backend, lora.parameter_blocks(), AdamWSettings{});
    const auto& c = model->config();
    std::printf("shape %s: %d layers, dim %d, ffn %d, heads %d/%d, vocab %d; %.3g B parameters; %lld adapter values "
                "(rank %d)\n",
                shape.label.c_str(), c.n_layers, c.dim, c.ffn_dim, c.n_heads, c.n_kv_heads, c.vocab_size,
                static_cast<double>(model->parameter_count()) * 1e-9, static_cast<long long>(lora.size()), rank);

    // Random sequences; every position predicts the next token (the last none).
    std::mt19937_64 rng(seed + 17);
    std::uniform_int_distribution<int32_t> id(0, c.vocab_size - 1);
    std::vector<int32_t> tokens(static_cast<size_t>(batch) * seq), targets(tokens.size(), -1);
    for (auto& t : tokens) t = id(rng);
    for (int b = 0; b < batch; ++b)
        for (int t = 0; t + 1 < seq; ++t)
            targets[static_cast<size_t>(b) * seq + t] = tokens[static_cast<size_t>(b) * seq + t + 1];
    const double scale = 1.0 / (static_cast<double>(batch) * (seq - 1));
    const size_t group = static_cast<size_t>(per_forward) * seq;

    std::vector<double> step_s;
    double loss = 0;
    for (int i = 0; i < warmup + steps; ++i) {
        const auto s0 = Clock::now();
        lora.zero_gradients();
        double sum = 0;
        for (size_t g = 0; g < tokens.size(); g += group)
            sum += backprop
                       .forward_backward(std::span<const int32_t>(tokens.data() + g, group), per_forward,
                                         std::span<const int32_t>(targets.data() + g, group), scale)
                       .sum_nll;
        const OptimizerStepInfo info = optimizer.step(1e-4);  // reads the gradient norm back: the step is done
        const double dt = seconds_since(s0);
        loss = sum * scale;
        if (i + 1 == warmup) cuda_profile_report(backend, true);
        if (i >= warmup) step_s.push_back(dt);
        std::printf("step %d: %.1f ms, loss %.5f, |g| %.4g\n", i, dt * 1e3, loss, info.grad_norm);
    }
    std::sort(step_s.begin(), step_s.end());
    const double median = step_s[step_s.size() / 2];
    const MemorySnapshot mem = backend.ledger().snapshot();
    size_t free_b = 0, total_b = 0;
    const bool on_gpu = cuda_memory_info(backend, free_b, total_b);
    const std::string profile = cuda_profile_report(backend, false);
    if (!profile.empty()) std::printf("%s", profile.c_str());
    std::printf("median step %.1f ms (%d timed); %.0f tokens/s; ledger peak %.2f GiB (weights %.2f, adapters %.3f, "
                "gradients %.3f, optimizer states %.3f, activations %.2f)\n",
                median * 1e3, steps, batch * seq / median, gib(mem.total_peak),
                gib(mem.peak[static_cast<int>(MemoryCategory::Weights)]),
                gib(mem.peak[static_cast<int>(MemoryCategory::TrainableParameters)]),
                gib(mem.peak[static_cast<int>(MemoryCategory::Gradients)]),
                gib(mem.peak[static_cast<int>(MemoryCategory::OptimizerStates)]),
                gib(mem.peak[static_cast<int>(MemoryCategory::Activations)]));
    nlohmann::json j;
    j["shape"] = shape.label;
    j["batch"] = batch;
    j["seq"] = seq;
    j["rank"] = rank;
    j["step_ms"] = median * 1e3;
    j["loss"] = loss;
    j["ledger_peak_gib"] = gib(mem.total_peak);
    j["device_used_gib"] = on_gpu ? gib(static_cast<int64_t>(total_b - free_b)) : 0.0;
    std::printf("BENCH_RESULT %s\n", j.dump().c_str());
    model->set_training_hooks(nullptr);
    return 0;
}

}  // namespace qt::cli
