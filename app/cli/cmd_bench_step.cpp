// quanttune-cli bench-step --shape smollm2-135m|tinyllama-1.1b|llama2-7b [--device D]
//   [--batch B] [--seq T] [--steps N] [--warmup N] [--model-dir DIR] [--seed S] [--host-loss]
// Times one QZO step, or sparse ZO's (--method), (perturb +, forward the batch, perturb -, forward, restore
// and update) as the trainer runs it, on a random Q4_0 model of the shape, and
// reads peak memory from the backend's ledger and, on a GPU, from the device.
// The last line is BENCH_RESULT {json} for bench/bench_qzo_step_gpu.py.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "backend/backend_factory.h"
#include "backend/cuda_backend.h"
#include "cli/bench_random_model.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "methods/qzo_scales.h"
#include "methods/sensitivity.h"
#include "methods/sparse_zo.h"
#include "methods/zo_step.h"
#include "model/llama_model.h"

namespace qt::cli {

const CommandSpec& bench_step_spec() {
    static const CommandSpec spec{
        "bench-step", "[--shape SHAPE] [options]",
        "Time a QZO step and its memory on a random Q4_0 model of a real shape; last line BENCH_RESULT {json}.",
        {
            {"shape", "SHAPE", "smollm2-135m, tinyllama-1.1b or llama2-7b (default smollm2-135m)"},
            {"device", "auto|cpu|cuda|cuda:N", "where to run; auto takes the first GPU, else the CPU (default auto)"},
            {"batch", "B", "sequences per step (default 16)"},
            {"seq", "T", "tokens per sequence, at least 2 (default 256)"},
            {"steps", "N", "timed steps, of which the median is reported (default 3)"},
            {"warmup", "N", "untimed steps before them (default 1)"},
            {"model-dir", "DIR", "where the model file is written, or reused when already there (default: the "
                                 "temporary directory)"},
            {"seed", "S", "seed of the weights, the tokens and the perturbations (default 1)"},
            {"seqs-per-forward", "N", "sequences run through the model together; must divide --batch (default 4)"},
            {"keep-model", nullptr, "keep the model file for the next run instead of removing it"},
            {"method", "qzo|sparse-zo", "what the step trains: QZO's scales, or sparse ZO's values on a random mask "
                                       "of --fraction of the linear weights (default qzo)"},
            {"fraction", "F", "sparse ZO: the mask's share of the linear weights (default 1e-3)"},
            {"host-loss", nullptr, "run the sequences one at a time and take the cross-entropy on the host, as the "
                                   "trainer's BatchLoss does"},
        }};
    return spec;
}

int run_bench_step(const Args& args) {
    const BenchShape shape = bench_shape_named(args.str("shape", "smollm2-135m"));
    const int batch = static_cast<int>(args.integer("batch", 16));
    const int seq = static_cast<int>(args.integer("seq", 256));
    const int steps = static_cast<int>(args.integer("steps", 3));
    const int warmup = static_cast<int>(args.integer("warmup", 1));
    const auto seed = static_cast<uint64_t>(args.integer("seed", 1));
    // Sequences run through the model together (LlamaModel::forward_nll_batch): each
    // weight is read once per group; memory for activations and logits grows with it.
    const int per_forward = static_cast<int>(args.integer("seqs-per-forward", 4));
    if (batch < 1 || seq < 2 || steps < 1 || warmup < 0) throw UsageError("bench-step: batch >= 1, seq >= 2, steps >= 1");
    if (!args.flag("host-loss") && (per_forward < 1 || batch % per_forward != 0))
        throw UsageError("bench-step: --seqs-per-forward must divide --batch");

    const std::filesystem::path dir = args.str("model-dir", std::filesystem::temp_directory_path().string());
    const auto path = dir / ("quanttune-bench-" + shape.label + ".gguf");
    auto t0 = Clock::now();
    if (!std::filesystem::exists(path)) write_bench_model(path.string(), shape, seed);
    const double t_write = seconds_since(t0);

    BackendChoice choice = make_backend(args.str("device", "auto"));
    std::printf("%s\n", choice.message.c_str());
    Backend& backend = *choice.backend;
    t0 = Clock::now();
    std::shared_ptr<const GgufFile> file(GgufFile::open(path.string()));
    LlamaLoadOptions writable;
    writable.writable_weights = true;
    auto model = LlamaModel::load(file, backend, writable);
    const std::string method = args.str("method", "qzo");
    if (method != "qzo" && method != "sparse-zo") throw UsageError("bench-step: --method qzo or sparse-zo");
    std::unique_ptr<ZoParameters> params;
    if (method == "qzo") {
        params = std::make_unique<QzoScales>(*model, QzoOptions{});
    } else {
        // Which entries a mask holds does not change the step's work: a random one of the size.
        SensitivityOptions so;
        so.criterion = SensitivityCriterion::Random;
        so.fraction = args.number("fraction", 1e-3);
        so.seed = seed;
        params = std::make_unique<SparseZo>(*model, compute_sparse_mask(*model, {}, so), SparseZoOptions{});
    }
    ZoParameters& scales = *params;
    const double t_load = seconds_since(t0);
    const auto& c = model->config();
    std::printf("shape %s: %d layers, dim %d, ffn %d, heads %d/%d, vocab %d; %.3g B parameters; %lld trained values (%s); "
                "file written in %.1f s, loaded in %.1f s\n",
                shape.label.c_str(), c.n_layers, c.dim, c.ffn_dim, c.n_heads, c.n_kv_heads, c.vocab_size,
                static_cast<double>(model->parameter_count()) * 1e-9, static_cast<long long>(scales.size()), method.c_str(), t_write,
                t_load);

    std::mt19937_64 rng(seed + 17);
    std::uniform_int_distribution<int32_t> id(0, c.vocab_size - 1);
    std::vector<std::vector<int32_t>> tokens(static_cast<size_t>(batch), std::vector<int32_t>(static_cast<size_t>(seq)));
    for (auto& s : tokens)
        for (auto& t : s) t = id(rng);
    // Sequences batched together attend within themselves without the cache: it
    // needs room only when they run one at a time.
    const bool one_at_a_time = args.flag("host-loss") || per_forward == 1;
    KvCache cache = model->make_cache(one_at_a_time ? seq : 1);
    std::vector<float> logits(one_at_a_time ? static_cast<size_t>(seq) * c.vocab_size : 0);

    // The loss: mean next-token cross-entropy over the batch. By default groups of
    // --seqs-per-forward sequences run through the model together and the loss is
    // taken on the backend (LlamaModel::forward_nll_batch: one number per row leaves
    // the device); --host-loss runs the sequences one at a time and brings every
    // logit row to the host, as the trainer's BatchLoss does today.
    const bool host_loss = args.flag("host-loss");
    std::vector<std::vector<int32_t>> targets(tokens.size());
    for (size_t b = 0; b < tokens.size(); ++b) {
        targets[b].assign(tokens[b].begin() + 1, tokens[b].end());
        targets[b].push_back(-1);
    }
    std::vector<int32_t> group_tokens, group_targets;
    double t_forward = 0, t_nll = 0;
    auto loss = [&] {
        double sum = 0;
        for (size_t b = 0; b < tokens.size(); ++b) {
            const auto& s = tokens[b];
            auto f0 = Clock::now();
            if (!host_loss) {
                group_tokens.insert(group_tokens.end(), s.begin(), s.end());
                group_targets.insert(group_targets.end(), targets[b].begin(), targets[b].end());
                if ((b + 1) % per_forward == 0) {
                    sum += model->forward_nll_batch(group_tokens, per_forward, cache, group_targets);
                    group_tokens.clear();
                    group_targets.clear();
                }
                t_forward += seconds_since(f0);
                continue;
            }
            cache.n_filled = 0;
            model->forward(s, cache, 0, logits.data());  // returns once the logits are on the host
            t_forward += seconds_since(f0);
            f0 = Clock::now();
            const int vocab = c.vocab_size;
#pragma omp parallel for reduction(+ : sum) schedule(static)
            for (int t = 0; t < seq - 1; ++t) {
                const float* row = logits.data() + static_cast<size_t>(t) * vocab;
                float mx = row[0];
                for (int i = 1; i < vocab; ++i) mx = std::max(mx, row[i]);
                double e = 0;
                for (int i = 0; i < vocab; ++i) e += std::exp(static_cast<double>(row[i] - mx));
                sum += static_cast<double>(mx) + std::log(e) - row[s[static_cast<size_t>(t) + 1]];
            }
            t_nll += seconds_since(f0);
        }
        return sum / (static_cast<double>(batch) * (seq - 1));
    };

    ZoStepSettings settings;
    settings.eps = 1e-3;
    settings.lr = 1e-6;
    settings.clip = true;
    settings.clip_value = 100.0;
    std::vector<double> step_s;
    ZoStepResult last{};
    double fwd_sum = 0, nll_sum = 0;
    for (int i = 0; i < warmup + steps; ++i) {
        t_forward = t_nll = 0;
        const auto s0 = Clock::now();
        last = zo_step(scales, ZoNoise{seed, static_cast<uint64_t>(i)}, settings, loss);
        if (last.non_finite) throw std::runtime_error("step " + std::to_string(i) + ": the loss is not finite");
        float probe;
        scales.read(0, 1, &probe);  // waits for the update to finish on the device
        const double dt = seconds_since(s0);
        if (i + 1 == warmup) cuda_profile_report(backend, true);  // the profile covers the timed steps only
        if (i >= warmup) {
            step_s.push_back(dt);
            fwd_sum += t_forward;
            nll_sum += t_nll;
        }
        std::printf("step %d: %.1f ms (forwards and loss %.1f ms, host cross-entropy %.1f ms), l+ %.5f l- %.5f\n", i, dt * 1e3,
                    t_forward * 1e3, t_nll * 1e3, last.loss_plus, last.loss_minus);
    }
    std::sort(step_s.begin(), step_s.end());
    const double median = step_s[step_s.size() / 2];
    const MemorySnapshot mem = backend.ledger().snapshot();
    size_t free_b = 0, total_b = 0;
    const bool on_gpu = cuda_memory_info(backend, free_b, total_b);
    const double device_used = on_gpu ? gib(static_cast<int64_t>(total_b - free_b)) : 0.0;
    const double tokens_per_step = 2.0 * batch * seq;
    const double flops = 2.0 * static_cast<double>(model->parameter_count()) * tokens_per_step;
    std::printf("median step %.1f ms over %d; forwards %.1f ms, cross-entropy %.1f ms per step; %.1f TFLOP/s of "
                "2 x params x tokens; ledger peak %.2f GiB (weights %.2f, trainable %.3f, activations %.3f, kv %.3f, "
                "sparse values %.3f, sparse mask %.3f); device memory in use %.2f GiB\n",
                median * 1e3, steps, fwd_sum / steps * 1e3, nll_sum / steps * 1e3, flops / median * 1e-12,
                gib(mem.total_peak), gib(mem.peak[0]), gib(mem.peak[1]), gib(mem.peak[4]), gib(mem.peak[5]),
                gib(mem.peak[static_cast<int>(MemoryCategory::SparseValues)]),
                gib(mem.peak[static_cast<int>(MemoryCategory::SparseMask)]), device_used);
    if (const std::string profile = cuda_profile_report(backend, true); !profile.empty())
        std::printf("GPU time by operation over the %d timed steps (QT_CUDA_PROFILE=1):\n%s", steps, profile.c_str());
    std::printf("BENCH_RESULT {\"method\":\"%s\",\"shape\":\"%s\",\"backend\":\"%s\",\"step_ms\":%.3f,\"forward_ms\":%.3f,"
                "\"nll_ms\":%.3f,\"host_loss\":%s,\"seqs_per_forward\":%d,\"ledger_peak_gib\":%.4f,\"device_used_gib\":%.4f,\"params\":%lld,\"batch\":%d,"
                "\"seq\":%d}\n",
                method.c_str(), shape.label.c_str(), backend.name().c_str(), median * 1e3, fwd_sum / steps * 1e3,
                nll_sum / steps * 1e3, host_loss ? "true" : "false", host_loss ? 1 : per_forward, gib(mem.total_peak), device_used,
                static_cast<long long>(model->parameter_count()), batch, seq);
    if (!args.flag("keep-model")) std::filesystem::remove(path);
    return 0;
}

}  // namespace qt::cli
