// quanttune-cli bench-qgalore --shape smollm2-135m|tinyllama-1.1b|llama2-7b [--device D]
//   [--batch B] [--seq T] [--steps N] [--warmup N] [--rank R] [--gap N]
// Times one Q-GaLore step as the trainer runs it (train/fo_trainer.cpp: the whole
// batch in one forward and backward, each linear updated inside the backward as
// its dW arrives) on a random Q4_0 model of the shape, converted to INT8 by the
// method as `train --method qgalore` does, with activation checkpointing on.
// The first step does every linear's SVD; it is a warm-up step (at least one is
// required) and reported apart, and one refresh of every projection is also timed
// directly (one SVD per distinct weight shape, on that weight, times the number
// of linears of the shape). Peak memory from the ledger and the device.
// The last line is BENCH_RESULT {json} for bench/bench_qgalore_step_gpu.py.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "cli/bench_random_model.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "methods/qgalore.h"
#include "model/llama_backprop.h"
#include "train/train_config.h"
#include "train/training_methods.h"

namespace qt::cli {
namespace {

// The Q-GaLore paper's ranks: 256 at 130M, 1024 at 7B; 512 in between.
int paper_rank(const BenchShape& s) {
    if (s.label == "smollm2-135m") return 256;
    if (s.label == "tinyllama-1.1b") return 512;
    return 1024;
}

// Waits until the device has done everything queued so far (a download is ordered after it).
void wait_for_device(Backend& backend, const DeviceBuffer& word) {
    float sink = 0;
    backend.download(&sink, word.data(), sizeof sink);
}

struct SvdRefreshTime {
    double seconds = 0;  // every linear's SVD, once
    std::string detail;  // per shape: "4096x11008 r1024: 812.3 ms x 32"
};

// One refresh of every projection, as step 0 does it: an SVD of each distinct
// weight shape (on the first such weight, dequantized), times how many linears have it.
SvdRefreshTime time_svd_refresh(Qgalore& method, LlamaModel& model) {
    Backend& backend = model.backend();
    struct Shape {
        size_t first = 0;
        int count = 0;
    };
    std::map<std::pair<int64_t, int64_t>, Shape> shapes;
    int64_t max_matrix = 0, max_out = 0;
    for (size_t i = 0; i < method.linear_count(); ++i) {
        const WeightTensor& w = model.linear(method.linear_id(i));
        const auto it = shapes.try_emplace({w.rows, w.cols}, Shape{i, 0}).first;
        ++it->second.count;
        const GaloreProjector& p = method.projector(i);
        max_matrix = std::max(max_matrix, w.rows * w.cols);
        max_out = std::max<int64_t>(max_out, static_cast<int64_t>(p.rank()) * (p.right() ? w.cols : w.rows));
    }
    DeviceBuffer g = backend.alloc(static_cast<size_t>(max_matrix) * sizeof(float), MemoryCategory::Activations);
    DeviceBuffer out = backend.alloc(static_cast<size_t>(max_out) * sizeof(float), MemoryCategory::Activations);
    SvdRefreshTime t;
    for (const auto& [rc, shape] : shapes) {
        method.weight_values(shape.first, g.f32());
        wait_for_device(backend, g);
        const int rank = method.projector(shape.first).rank();
        const auto s0 = Clock::now();
        backend.svd_top_vectors(g.f32(), static_cast<int>(rc.first), static_cast<int>(rc.second), rank, out.f32());
        wait_for_device(backend, out);
        const double dt = seconds_since(s0);
        t.seconds += dt * shape.count;
        char line[128];
        std::snprintf(line, sizeof line, "%s%lldx%lld r%d: %.1f ms x %d", t.detail.empty() ? "" : ", ",
                      static_cast<long long>(rc.first), static_cast<long long>(rc.second), rank, dt * 1e3,
                      shape.count);
        t.detail += line;
    }
    return t;
}

double sum_series(const MethodMetrics& m, const std::string& name) {
    double sum = 0;
    for (const LayerSeries& s : m.per_layer)
        if (s.name == name)
            for (double v : s.values) sum += v;
    return sum;
}

}  // namespace

const CommandSpec& bench_qgalore_spec() {
    static const CommandSpec spec{
        "bench-qgalore", "[--shape SHAPE] [options]",
        "Time a Q-GaLore step (forward, backward with each linear's update inside it) and its memory on a random "
        "model of a real shape, converted to INT8; last line BENCH_RESULT {json}.",
        bench_step_options(
            {
                {"rank", "R", "rank of the gradient projection (default: the paper's, 256 for smollm2-135m, 512 "
                              "for tinyllama-1.1b, 1024 for llama2-7b)"},
                {"gap", "N", "steps between a layer's SVDs at first (default 200)"},
                {"no-activation-checkpointing", nullptr, "keep every block's activations instead of recomputing them"},
                {"no-tf32", nullptr, "plain float32 products instead of TF32 tensor cores (GPU)"},
            },
            "untimed steps before them, at least 1: the first does every linear's SVD and is reported apart "
            "(default 1)"),
    };
    return spec;
}

int run_bench_qgalore(const Args& args) {
    const BenchRun run = read_bench_run(args, "bench-qgalore");
    const int rank = static_cast<int>(args.integer("rank", paper_rank(run.shape)));
    const long long gap = args.integer("gap", 200);
    if (rank < 1) throw UsageError("bench-qgalore: rank >= 1");
    if (gap < 1) throw UsageError("bench-qgalore: gap >= 1");
    if (run.warmup < 1)
        throw UsageError("bench-qgalore: --warmup must be at least 1 (the first step does every linear's SVD)");

    // As `train --method qgalore` loads and makes it (train/training_session.cpp).
    LlamaLoadOptions load;
    load.writable_weights = true;
    BenchModel bm = load_bench_model(run, load);
    Backend& backend = *bm.backend;
    LlamaModel& model = *bm.model;
    TrainConfig config;
    config.method = "qgalore";
    config.galore_rank = rank;
    config.galore_update_gap = gap;
    config.checkpoint_activations = !args.flag("no-activation-checkpointing");
    config.tf32 = !args.flag("no-tf32");
    config.seed = run.seed;
    const auto t_convert = Clock::now();
    // The method as the registry makes it for `train --method qgalore`, from the same settings.
    auto method = std::make_unique<Qgalore>(model, qgalore_settings_of(config));
    Qgalore* qgalore = method.get();
    const double convert_s = seconds_since(t_convert);
    model.set_training_hooks(method.get());
    LlamaBackprop backprop(model, BackpropOptions{config.checkpoint_activations, config.tf32});
    const auto& c = model.config();
    std::printf("shape %s: %d layers, dim %d, ffn %d, heads %d/%d, vocab %d; %.3g B parameters; %lld trained "
                "weights in %zu linears (INT8, converted in %.1f s); rank %d, gap %lld\n",
                run.shape.label.c_str(), c.n_layers, c.dim, c.ffn_dim, c.n_heads, c.n_kv_heads, c.vocab_size,
                static_cast<double>(model.parameter_count()) * 1e-9, static_cast<long long>(method->size()),
                qgalore->linear_count(), convert_s, rank, gap);

    const BenchBatch batch = random_bench_batch(run, c.vocab_size);
    DeviceBuffer word = backend.alloc(sizeof(float), MemoryCategory::Activations);
    backend.fill_zero(word.data(), word.bytes());
    const BenchTimes times = run_bench_steps(backend, run, [&](int i) {
        // FoTrainer::step for a method that updates in the backward: one pass over the batch.
        method->zero_gradients();
        method->begin_step(i, training_method(config.method).default_lr);
        const double sum = backprop.forward_backward(batch.tokens, run.batch, batch.targets, batch.scale).sum_nll;
        const double norm = method->end_step();
        wait_for_device(backend, word);  // the last linear's update is queued after its gradient's norm
        return BenchStep{sum * batch.scale, norm};
    });
    const double median = times.median_timed();
    const double first = times.seconds.front();
    const double svds = sum_series(method->metrics(), "svds_done");
    const BenchMemory mem = read_bench_memory(backend);
    std::printf("median step %.1f ms (%d timed); %.0f tokens/s; first step %.1f ms (%.0f SVDs); ledger peak %.2f GiB "
                "(weights %.2f, INT8 trained weights %.2f, projections %.3f, gradients %.3f, optimizer states %.3f, "
                "activations %.2f)\n",
                median * 1e3, run.steps, run.batch * run.seq / median, first * 1e3, svds, gib(mem.ledger.total_peak),
                mem.peak_gib(MemoryCategory::Weights), mem.peak_gib(MemoryCategory::TrainableParameters),
                mem.peak_gib(MemoryCategory::Projections), mem.peak_gib(MemoryCategory::Gradients),
                mem.peak_gib(MemoryCategory::OptimizerStates), mem.peak_gib(MemoryCategory::Activations));
    // Timed after the memory is read: its buffers are not the step's.
    const SvdRefreshTime svd = time_svd_refresh(*qgalore, model);
    std::printf("one SVD refresh of all %zu linears, timed on their weights: %.1f ms (%s)\n", qgalore->linear_count(),
                svd.seconds * 1e3, svd.detail.c_str());
    nlohmann::json j = bench_result_json(run, times, mem);
    j["rank"] = rank;
    j["gap"] = gap;
    j["warmup"] = run.warmup;
    j["steps"] = run.steps;
    j["first_step_ms"] = first * 1e3;
    j["svds_done"] = svds;
    j["svd_refresh_ms"] = svd.seconds * 1e3;
    j["convert_s"] = convert_s;
    j["ledger_trained_gib"] = mem.peak_gib(MemoryCategory::TrainableParameters);
    j["ledger_projections_gib"] = mem.peak_gib(MemoryCategory::Projections);
    j["ledger_optimizer_gib"] = mem.peak_gib(MemoryCategory::OptimizerStates);
    j["ledger_activations_gib"] = mem.peak_gib(MemoryCategory::Activations);
    print_bench_result(j);
    model.set_training_hooks(nullptr);
    return 0;
}

}  // namespace qt::cli
