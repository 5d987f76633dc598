// quanttune-cli train --method qzo|mezo|sparse-zo|qlora|adamw|qgalore --model M --data D [--config FILE] [options]
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "backend/backend_factory.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/model_path.h"
#include "gguf/gguf_file.h"
#include "memory/training_memory_plan.h"
#include "train/training_methods.h"
#include "train/metrics_log.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"
#include "train/training_session.h"

namespace qt::cli {
namespace {

std::string human_bytes(double b) {
    const char* units[] = {"B", "KiB", "MiB", "GiB"};
    int u = 0;
    while (b >= 1024 && u < 3) {
        b /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", b, units[u]);
    return buf;
}

std::string duration(double s) {
    char buf[32];
    if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
    else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
    else std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600, static_cast<int>(s) % 3600 / 60);
    return buf;
}

// Command-line options override the config file; each maps to a TrainConfig key.
TrainConfig config_from_args(const Args& args) {
    TrainConfig c;
    if (args.has("config")) c = load_train_config(args.str("config", ""));
    // A method named here brings its own default learning rate (unless --lr says otherwise).
    if (args.has("method")) {
        try {
            use_method(c, args.str("method", c.method));
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    }
    c.model = args.str("model", c.model);
    c.data = args.str("data", c.data);
    c.out_dir = args.str("out", c.out_dir);
    c.steps = args.integer("steps", c.steps);
    c.batch_size = static_cast<int>(args.integer("batch-size", c.batch_size));
    // Before --lr/--eps/--clip: those given with --relative-eps are relative ones.
    if (args.flag("relative-eps")) use_relative_eps(c);
    if (args.flag("absolute-eps")) c.auto_eps_unit = false;
    c.lr = args.number("lr", c.lr);
    c.eps = args.number("eps", c.eps);
    c.clip = args.number("clip", c.clip);
    c.seed = static_cast<uint64_t>(args.integer("seed", static_cast<long long>(c.seed)));
    c.schedule = args.str("schedule", c.schedule);
    c.warmup_steps = args.integer("warmup-steps", c.warmup_steps);
    c.min_lr_ratio = args.number("min-lr-ratio", c.min_lr_ratio);
    c.eval_every = args.integer("eval-every", c.eval_every);
    c.eval_examples = args.integer("eval-examples", c.eval_examples);
    c.patience = args.integer("patience", c.patience);
    c.checkpoint_every = args.integer("checkpoint-every", c.checkpoint_every);
    c.checkpoint_minutes = args.number("checkpoint-minutes", c.checkpoint_minutes);
    c.on_write_error = args.str("on-write-error", c.on_write_error);
    if (args.flag("no-guard")) c.guard = false;
    c.guard_spike_factor = args.number("guard-spike-factor", c.guard_spike_factor);
    c.guard_drift_factor = args.number("guard-drift-factor", c.guard_drift_factor);
    c.guard_snapshot_every = args.integer("guard-snapshot-every", c.guard_snapshot_every);
    c.guard_lr_factor = args.number("guard-lr-factor", c.guard_lr_factor);
    c.guard_max_rollbacks = args.integer("guard-max-rollbacks", c.guard_max_rollbacks);
    c.max_length = static_cast<int>(args.integer("max-length", c.max_length));
    c.validation_fraction = args.number("validation-fraction", c.validation_fraction);
    c.threads = static_cast<int>(args.integer("threads", c.threads));
    if (args.flag("train-min")) c.train_min = true;
    c.lora_rank = static_cast<int>(args.integer("lora-rank", c.lora_rank));
    c.lora_alpha = args.number("lora-alpha", c.lora_alpha);
    c.lora_targets = args.str("lora-targets", c.lora_targets);
    c.weight_decay = args.number("weight-decay", c.weight_decay);
    c.max_grad_norm = args.number("max-grad-norm", c.max_grad_norm);
    if (args.flag("no-activation-checkpointing")) c.checkpoint_activations = false;
    if (args.flag("no-tf32")) c.tf32 = false;
    c.merge_type = args.str("merge-type", c.merge_type);
    c.galore_rank = static_cast<int>(args.integer("galore-rank", c.galore_rank));
    c.galore_update_gap = args.integer("galore-gap", c.galore_update_gap);
    c.galore_threshold = args.number("galore-threshold", c.galore_threshold);
    c.galore_queue = static_cast<int>(args.integer("galore-queue", c.galore_queue));
    c.galore_scale = args.number("galore-scale", c.galore_scale);
    c.galore_weight_group = static_cast<int>(args.integer("galore-weight-group", c.galore_weight_group));
    c.galore_proj_group = static_cast<int>(args.integer("galore-proj-group", c.galore_proj_group));
    if (args.flag("no-stochastic-rounding")) c.galore_stochastic_round = false;
    if (args.flag("plain-galore")) c.galore_quantized = false;
    c.sparse_mask = args.str("mask", c.sparse_mask);
    if (args.flag("sparse-train-scales")) c.sparse_train_scales = true;
    if (c.model.empty()) throw UsageError("train needs --model FILE (or \"model\" in the config)");
    if (c.data.empty()) throw UsageError("train needs --data FILE (or \"data\" in the config)");
    try {
        validate(c);
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    return c;
}

}  // namespace

// The defaults quoted are TrainConfig's (train/train_config.h).
const CommandSpec& train_spec() {
    // The method choices come from the method table (train/training_methods.h).
    static const std::string methods = [] {
        std::string m;
        for (const TrainingMethodInfo& info : training_methods()) {
            if (!m.empty()) m += '|';
            m += info.name;
        }
        return m;
    }();
    static const std::string method_help = [] {
        std::string h;
        for (const TrainingMethodInfo& info : training_methods()) {
            char lr[32];
            std::snprintf(lr, sizeof lr, "%g", info.default_lr);
            if (!h.empty()) h += "; ";
            h.append(info.name).append(": ").append(info.title).append(" (lr ").append(lr).append(")");
        }
        return h + " (default qzo)";
    }();
    static const CommandSpec spec{
        "train", "--model FILE --data FILE [options]",
        "Fine-tune a quantized model: zeroth order with QZO (its quantization scales), MeZO (its linear weights) or "
        "sparse ZO (0.1% sensitive weights, from a mask file), "
        "or first order with QLoRA (low-rank adapters on the frozen 4-bit model), Q-GaLore (every linear weight as "
        "INT8, low-rank gradients, 8-bit Adam) or AdamW (every linear weight in float32, for small models).",
        {
            {"config", "FILE", "read the settings from a JSON config (as --save-config writes); options given here "
                               "override it"},
            {"method", methods.c_str(), method_help.c_str()},
            {"model", "FILE", "the GGUF model or a Hugging Face folder to fine-tune (required, here or in the config)"},
            quantize_to_option(),
            {"data", "FILE", "the training dataset (required, here or in the config)"},
            {"out", "DIR", "write metrics.jsonl, checkpoint.qtck and the trained model-METHOD.gguf there "
                           "(default: nothing written)"},
            {"steps", "N", "training steps (default 200)"},
            {"batch-size", "B", "examples per step (default 4)"},
            {"lr", "LR", "learning rate (default: the method's, see --method; QZO 4e-5 with --relative-eps)"},
            {"eps", "E", "perturbation scale of the two-sided loss difference (default 1e-4; 2e-3 with --relative-eps)"},
            {"clip", "C", "QZO: clip the directional derivative to [-C, C]; 0: off (default 500; 25 with "
                          "--relative-eps)"},
            {"seed", "S", "seed of the perturbations, the data order and the validation split (default 42)"},
            {"schedule", "constant|linear|cosine", "learning-rate schedule after the warm-up (default constant)"},
            {"warmup-steps", "N", "steps over which the learning rate rises linearly to --lr (default 0)"},
            {"min-lr-ratio", "R", "where linear and cosine schedules end, as a fraction of --lr, in [0, 1] (default 0)"},
            {"eval-every", "N", "steps between validation evaluations; 0: only at the start and the end (default 0)"},
            {"eval-examples", "N", "validation examples per evaluation; 0: all (default 64)"},
            {"patience", "N", "stop after N evaluations without a better validation loss; 0: never (default 0)"},
            {"checkpoint-every", "N", "steps between checkpoints in --out; 0: only at the end (default 0)"},
            {"checkpoint-minutes", "M", "also write a checkpoint when M minutes have passed since the last; 0: off "
                                        "(default 0)"},
            {"on-write-error", "continue|stop", "when a checkpoint cannot be written (disk full, ...): keep training "
                                                "and try again at the next one, or stop; the previous checkpoint stays "
                                                "either way (default continue)"},
            {"no-guard", nullptr, "turn the divergence guard off: a non-finite loss then stops the run, and loss "
                                  "spikes are trained on"},
            {"guard-spike-factor", "F", "divergence guard: a loss above F times its running average's low is rolled "
                                        "back (default 3)"},
            {"guard-drift-factor", "F", "divergence guard: a running average of the loss above F times its low "
                                        "(once 20 steps are in it) is rolled back; 0: off (default 1.5)"},
            {"guard-snapshot-every", "N", "divergence guard: steps between the copies a rollback returns to "
                                          "(default 10)"},
            {"guard-lr-factor", "F", "divergence guard: the learning rate is multiplied by F per rollback (default "
                                     "0.25)"},
            {"guard-max-rollbacks", "N", "divergence guard: stop after N rollbacks in a row (default 5)"},
            {"restart", nullptr, "start over in an --out folder that holds an unfinished run's checkpoint "
                                 "(overwrites it)"},
            {"max-length", "N", "tokens per example, longer ones are truncated (default 256)"},
            {"validation-fraction", "F", "part of the dataset held out for validation, in [0, 1) (default 0.1)"},
            {"threads", "N", "CPU threads; 0: all cores (default 0)"},
            {"resume", "CKPT|last", "go on from a checkpoint that a run with the same settings wrote; last: the "
                                    "one in --out"},
            {"save-config", "FILE", "write the settings of this run as a JSON config (for --config) before training"},
            {"device", "auto|cpu|cuda|cuda:N", "where to train; auto takes the first GPU, else the CPU (default auto)"},
            {"lora-rank", "R", "QLoRA: rank of each adapter (default 16)"},
            {"lora-alpha", "A", "QLoRA: the adapters' output is scaled by A / R (default 32)"},
            {"lora-targets", "LIST", "QLoRA: linears that get adapters, among q,k,v,o,gate,up,down (default all seven)"},
            {"weight-decay", "W", "first order: AdamW's decoupled weight decay (default 0)"},
            {"max-grad-norm", "N", "first order: clip the gradient's global norm to N; 0: off (default 1)"},
            {"merge-type", "same|q8_0|f16|f32", "QLoRA, Q-GaLore: type of the trained tensors in the merged export; "
                                                "same re-quantizes to each tensor's own type (default same)"},
            {"galore-rank", "R", "Q-GaLore: rank of the gradient projection (default 128)"},
            {"galore-gap", "N", "Q-GaLore: steps between a layer's SVDs at first; doubles once its subspace settles "
                                "(default 200)"},
            {"galore-threshold", "T", "Q-GaLore: mean |cosine| of successive subspaces that counts as settled "
                                      "(default 0.4)"},
            {"galore-queue", "N", "Q-GaLore: how many successive similarities that mean covers (default 5)"},
            {"galore-scale", "A", "Q-GaLore: the back-projected update is scaled by A (default 0.25)"},
            {"galore-weight-group", "G", "Q-GaLore: values per INT8 weight group (default 256)"},
            {"galore-proj-group", "G", "Q-GaLore: values per INT4 projection group, even (default 256)"},
            {"no-stochastic-rounding", nullptr, "Q-GaLore: round the updated INT8 weights to nearest (small updates "
                                                "then vanish)"},
            {"mask", "FILE", "sparse ZO: the mask of sensitive entries to train (quanttune-cli sensitivity writes it)"},
            {"sparse-train-scales", nullptr, "sparse ZO: also train QZO's block scales, with the same perturbation"},
            {"plain-galore", nullptr, "Q-GaLore: plain GaLore instead (float32 weights and projections, 32-bit Adam)"},
            {"no-activation-checkpointing", nullptr, "first order: keep every block's activations for the backward "
                                                     "instead of recomputing them (faster, more memory)"},
            {"no-tf32", nullptr, "first order on a GPU: plain float32 products instead of TF32 tensor cores "
                                 "(slower, exact to float32)"},
            {"train-min", nullptr, "QZO: also train the Q4_1/Q5_1 block minimums and the K-quant dmin"},
            {"relative-eps", nullptr, "QZO: --eps, --lr and --clip in units of each weight's median |scale| (chosen "
                                      "automatically where the absolute defaults would wreck the scales: K-quant files)"},
            {"absolute-eps", nullptr, "QZO: keep eps absolute even where the scales are too small for it (no automatic switch)"},
            {"no-export", nullptr, "with --out, do not export the trained model as GGUF at the end"},
            {"quiet", nullptr, "do not print a progress line per step"},
        }};
    return spec;
}

int run_train(const Args& args) {
    if (!args.positionals().empty()) throw UsageError("train takes no positional arguments (use --model, --data)");
    TrainConfig config = config_from_args(args);
    if (args.has("save-config")) {
        std::FILE* f = std::fopen(args.str("save-config", "").c_str(), "w");
        if (!f) throw std::runtime_error(args.str("save-config", "") + ": cannot write the config");
        std::fputs((nlohmann::json(config).dump(2) + "\n").c_str(), f);
        std::fclose(f);
    }
    // A Hugging Face folder trains as its cached GGUF conversion (after --save-config,
    // which keeps the folder, so a later run converts or finds the cache again).
    config.model = resolve_model_path(config.model, args);

    // The first GPU when there is one (--device cpu keeps to the CPU), as generate does.
    BackendChoice choice = make_backend(args.str("device", "auto"), config.threads);
    std::fprintf(stderr, "device: %s\n", choice.message.c_str());
    auto& backend = choice.backend;
    TrainingSession session(config, *backend);
    const DatasetStats& ds = session.data_stats();
    std::fprintf(stderr, "data: %s (%s): %zu examples kept, %zu skipped, %zu truncated; %zu train / %zu validation\n",
                 config.data.c_str(), ds.format.c_str(), ds.rows_kept, ds.rows_skipped, ds.rows_truncated,
                 session.data().train.size(), session.data().validation.size());
    std::fprintf(stderr, "method: %s, %lld trainable values (%s float32) on %s\n", config.method.c_str(),
                 static_cast<long long>(session.params().size()),
                 human_bytes(static_cast<double>(session.params().trainable_bytes())).c_str(),
                 backend->name().c_str());
    {
        // What the GUI's memory view plans for this run, to compare with the ledger printed at the end.
        const MemoryPlanShape shape = memory_plan_shape(config, backend->preferred_batch_tokens());
        // The plan's row is the method as it runs (plain GaLore is qgalore's "galore").
        for (const TrainingMemoryPlan& p : plan_training_memory(*session.model().file, shape))
            if (p.method == session.params().method_name())
                std::fprintf(stderr, "plan: %s, activations %s (%s)\n", human_bytes(static_cast<double>(p.total())).c_str(),
                             human_bytes(static_cast<double>(p.bytes[static_cast<int>(MemoryCategory::Activations)])).c_str(),
                             p.basis.c_str());
    }
    for (const StartupMessage& m : session.messages())
        std::fprintf(stderr, "%s: %s\n", m.warning ? "warning" : "note", m.text.c_str());
    // A run killed before its end left a checkpoint behind: go on from it, or start over on request.
    std::string resume_from = args.str("resume", "");
    const std::string checkpoint_path = session.checkpoint_path();
    if (resume_from == "last") {
        if (checkpoint_path.empty()) throw UsageError("--resume last needs --out DIR (the folder of the run)");
        resume_from = checkpoint_path;
    }
    if (resume_from.empty() && !checkpoint_path.empty() && std::filesystem::exists(checkpoint_path) &&
        !args.flag("restart")) {
        const CheckpointInfo info = read_checkpoint_info(checkpoint_path);
        if (is_unfinished(info, config.steps))
            throw UsageError(checkpoint_path + ": an unfinished run stopped after step " +
                             std::to_string(info.state.next_step) + " of " + std::to_string(config.steps) +
                             " is here: pass --resume last to go on from it, or --restart to start over (its "
                             "checkpoint and log are replaced)");
    }
    // A finished run's checkpoint stays until this one writes its own; an unfinished
    // one's goes with --restart.
    std::unique_ptr<MetricsLog> log = open_run_folder(session, resume_from, args.flag("restart"));
    if (!resume_from.empty())
        std::fprintf(stderr, "resumed from %s at step %lld\n", resume_from.c_str(),
                     static_cast<long long>(session.trainer().state().next_step));
    const bool tty = isatty(fileno(stdout)) && !args.flag("quiet");
    Trainer& trainer = session.trainer();
    auto report_eval = [&](const EvalRecord& e) {
        if (log) log->write(eval_json(e));
        std::printf("%seval after step %lld: validation loss %.4f over %lld tokens", tty ? "\n" : "",
                    static_cast<long long>(e.step), e.val_loss, static_cast<long long>(e.val_tokens));
        if (e.accuracy) std::printf(", accuracy %.3f", *e.accuracy);
        std::printf("%s\n", e.improved ? " (best)" : "");
        std::fflush(stdout);
    };
    if (trainer.state().next_step == 0) report_eval(trainer.evaluate());

    const auto t0 = std::chrono::steady_clock::now();
    const int64_t first = trainer.state().next_step;
    while (!trainer.finished()) {
        SessionStep done_step;
        try {
            done_step = session.step();
        } catch (const TrainingDiverged& e) {
            if (log) log->write(stopped_json(e.what()));
            std::fprintf(stderr, "%serror: %s\n", tty ? "\n" : "", e.what());
            std::fprintf(stderr, "the last checkpoint that passed the guard is %s\n",
                         checkpoint_path.empty() ? "not kept (no --out)" : checkpoint_path.c_str());
            return 1;
        }
        const StepRecord& r = done_step.record;
        if (log) log->write(step_json(r));
        if (done_step.rollback) {
            const RollbackEvent& rb = *done_step.rollback;
            if (log) log->write(rollback_json(rb));
            std::fprintf(stderr, "%srollback at step %lld: %s; back to the state before step %lld, learning rate now "
                         "%g x the setting (%lld in a row)\n", tty ? "\n" : "", static_cast<long long>(rb.step + 1),
                         rb.reason.c_str(), static_cast<long long>(rb.to_step + 1), rb.lr_scale,
                         static_cast<long long>(rb.in_a_row));
        }
        if (!done_step.checkpoint_error.empty())
            std::fprintf(stderr, "%swarning: checkpoint not written: %s; training goes on and tries again at the next "
                         "one\n", tty ? "\n" : "", done_step.checkpoint_error.c_str());
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const int64_t done = r.step + 1 - first;
        const double eta = elapsed / static_cast<double>(done) * static_cast<double>(config.steps - r.step - 1);
        if (!args.flag("quiet")) {
            // The gradient signal: the projected gradient d (zeroth order) or the gradient's norm (first order).
            char signal[64];
            if (r.first_order)
                std::snprintf(signal, sizeof signal, "|g| %.3g%s", r.grad_norm, r.grad_clipped ? " (clipped)" : "");
            else
                std::snprintf(signal, sizeof signal, "d %+.3g%s", r.result.projected_grad,
                              r.result.clipped ? " (clipped)" : "");
            std::printf("%sstep %lld/%lld  loss %.4f  %s  lr %.2e  %.0f tok/s  ETA %s  mem %s%s", tty ? "\r" : "",
                        static_cast<long long>(r.step + 1), static_cast<long long>(config.steps), r.loss, signal, r.lr,
                        r.seconds > 0 ? static_cast<double>(r.tokens) / r.seconds : 0.0, duration(eta).c_str(),
                        human_bytes(static_cast<double>(r.memory.total_live)).c_str(), tty ? "  " : "\n");
            std::fflush(stdout);
        }
        if (trainer.evaluation_due()) report_eval(trainer.evaluate());
    }
    if (tty) std::printf("\n");
    if (trainer.state().stopped_early)
        std::printf("stopped early after step %lld: no better validation loss in %lld evaluations (best %.4f at step %lld)\n",
                    static_cast<long long>(trainer.state().next_step), static_cast<long long>(config.patience),
                    trainer.state().best_val_loss, static_cast<long long>(trainer.state().best_step));
    const MemorySnapshot m = backend->ledger().snapshot();
    std::printf("memory (live / peak):");
    for (int k = 0; k < kMemoryCategoryCount; ++k)
        std::printf("%s %s %s / %s", k ? "," : "", std::string(memory_category_name(static_cast<MemoryCategory>(k))).c_str(),
                    human_bytes(static_cast<double>(m.live[k])).c_str(), human_bytes(static_cast<double>(m.peak[k])).c_str());
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);  // ru_maxrss: KiB on Linux
    std::printf("; total %s / %s; process peak RSS %s\n", human_bytes(static_cast<double>(m.total_live)).c_str(),
                human_bytes(static_cast<double>(m.total_peak)).c_str(),
                human_bytes(static_cast<double>(ru.ru_maxrss) * 1024.0).c_str());
    if (!checkpoint_path.empty()) {
        session.save_checkpoint(checkpoint_path);  // throws, naming the file, when it cannot be written
        std::printf("checkpoint: %s\n", checkpoint_path.c_str());
        if (!args.flag("no-export")) {
            const std::string out = config.out_dir + "/model-" + config.method + ".gguf";
            const TrainingSession::ExportReport report = session.export_gguf(out);
            for (const std::string& f : report.files) std::printf("exported: %s\n", f.c_str());
            for (const std::string& line : report.notes) std::printf("export: %s\n", line.c_str());
        }
    }
    return 0;
}

}  // namespace qt::cli
