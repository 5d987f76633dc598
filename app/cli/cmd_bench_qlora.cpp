// quanttune-cli bench-qlora --shape smollm2-135m|tinyllama-1.1b|llama2-7b [--device D]
//   [--batch B] [--seq T] [--steps N] [--warmup N] [--rank R] [--seqs-per-forward N]
// Times one QLoRA step as the trainer runs it (zero the adapters' gradients, the
// batch's forward and backward in groups of sequences, one AdamW step) on a random
// Q4_0 model of the shape with rank-R adapters on q, k, v, o, gate, up and down and
// activation checkpointing on, and reads peak memory from the ledger and the device.
// The last line is BENCH_RESULT {json} for bench/bench_qlora_step_gpu.py.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

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
        bench_step_options({
            {"rank", "R", "LoRA rank (default 16; alpha is 2R)"},
            {"seqs-per-forward", "N", "sequences run through the model together; must divide --batch (default 16)"},
            {"no-activation-checkpointing", nullptr, "keep every block's activations instead of recomputing them"},
                {"no-tf32", nullptr, "plain float32 products instead of TF32 tensor cores (GPU)"},
        })};
    return spec;
}

int run_bench_qlora(const Args& args) {
    const BenchRun run = read_bench_run(args, "bench-qlora");
    const int rank = static_cast<int>(args.integer("rank", 16));
    const int per_forward = static_cast<int>(args.integer("seqs-per-forward", 16));
    if (rank < 1) throw UsageError("bench-qlora: rank >= 1");
    if (per_forward < 1 || run.batch % per_forward != 0)
        throw UsageError("bench-qlora: --seqs-per-forward must divide --batch");

    BenchModel bm = load_bench_model(run);
    Backend& backend = *bm.backend;
    LlamaModel& model = *bm.model;
    LoraSettings ls;
    ls.rank = rank;
    ls.alpha = 2.0 * rank;
    LoraAdapters lora(model, ls);
    model.set_training_hooks(&lora);
    LlamaBackprop backprop(model, BackpropOptions{!args.flag("no-activation-checkpointing"), !args.flag("no-tf32")});
    AdamWOptimizer optimizer(backend, lora.parameter_blocks(), AdamWSettings{});
    const auto& c = model.config();
    std::printf("shape %s: %d layers, dim %d, ffn %d, heads %d/%d, vocab %d; %.3g B parameters; %lld adapter values "
                "(rank %d)\n",
                run.shape.label.c_str(), c.n_layers, c.dim, c.ffn_dim, c.n_heads, c.n_kv_heads, c.vocab_size,
                static_cast<double>(model.parameter_count()) * 1e-9, static_cast<long long>(lora.size()), rank);

    const BenchBatch batch = random_bench_batch(run, c.vocab_size);
    const size_t group = static_cast<size_t>(per_forward) * run.seq;
    const BenchTimes times = run_bench_steps(backend, run, [&](int) {
        lora.zero_gradients();
        double sum = 0;
        for (size_t g = 0; g < batch.tokens.size(); g += group)
            sum += backprop
                       .forward_backward(std::span<const int32_t>(batch.tokens.data() + g, group), per_forward,
                                         std::span<const int32_t>(batch.targets.data() + g, group), batch.scale)
                       .sum_nll;
        const OptimizerStepInfo info = optimizer.step(1e-4);  // reads the gradient norm back: the step is done
        return BenchStep{sum * batch.scale, info.grad_norm};
    });
    const double median = times.median_timed();
    const BenchMemory mem = read_bench_memory(backend);
    std::printf("median step %.1f ms (%d timed); %.0f tokens/s; ledger peak %.2f GiB (weights %.2f, adapters %.3f, "
                "gradients %.3f, optimizer states %.3f, activations %.2f)\n",
                median * 1e3, run.steps, run.batch * run.seq / median, gib(mem.ledger.total_peak),
                mem.peak_gib(MemoryCategory::Weights), mem.peak_gib(MemoryCategory::TrainableParameters),
                mem.peak_gib(MemoryCategory::Gradients), mem.peak_gib(MemoryCategory::OptimizerStates),
                mem.peak_gib(MemoryCategory::Activations));
    nlohmann::json j = bench_result_json(run, times, mem);
    j["rank"] = rank;
    print_bench_result(j);
    model.set_training_hooks(nullptr);
    return 0;
}

}  // namespace qt::cli
