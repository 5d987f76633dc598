// quanttune-cli sensitivity --model M --out MASK [--calibration FILE ...] [options]
// Sparse ZO's mask: the entries of the linear weights with the largest squared
// gradients on generic text (methods/sensitivity.h), or the paper's baselines
// (largest |weight|, random) of the same size, written to a .qtsparse file that
// `train --method sparse-zo --mask FILE` reads.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "backend/backend_factory.h"
#include "backend/cuda_backend.h"
#include "cli/cli_args.h"
#include "cli/commands.h"
#include "cli/model_path.h"
#include "methods/sensitivity.h"
#include "model/loaded_model.h"
#include "train/calibration_text.h"

namespace qt::cli {

const CommandSpec& sensitivity_spec() {
    static const CommandSpec spec{
        "sensitivity", "--model FILE --out MASK [options]",
        "Choose sparse ZO's sensitive weights: accumulate squared gradients over calibration text and keep the top "
        "fraction of the linear weights' entries, as a mask file for train --method sparse-zo --mask.",
        {
            {"model", "FILE", "the GGUF model or a Hugging Face folder (required)"},
            quantize_to_option(),
            {"out", "FILE", "the mask file to write, .qtsparse (required)"},
            {"calibration", "FILES", "plain-text files, comma-separated (default: the Jane Austen novels that "
                                     "scripts/setup.sh puts in the data folder)"},
            {"sequences", "N", "calibration windows, one backward each (default 128)"},
            {"length", "N", "tokens per window (default 256)"},
            {"fraction", "F", "share of the linear weights to keep, 1e-4 to 1e-2 in the paper (default 1e-3)"},
            {"scope", "global|per-matrix", "the top fraction of all linears together, or of each (default global)"},
            {"criterion", "gradient|magnitude|random",
             "squared gradients (the method), or the paper's baselines: largest |weight| or a random draw of the "
             "same size (default gradient)"},
            {"seed", "S", "the random criterion's seed (default 42)"},
            {"accumulator-mib", "MIB", "squared-gradient accumulators held at once; more linears than fit take "
                                       "further passes over the text (default 512)"},
            {"device", "auto|cpu|cuda", "where to run (default auto: the first GPU when there is one)"},
            {"threads", "N", "CPU threads (default: all cores)"},
            {"tf32", nullptr, "on a GPU: the backward's float32 products on TF32 tensor cores (faster; the ranking "
                              "of squared gradients hardly changes)"},
            {"quiet", nullptr, "no progress lines"},
        }};
    return spec;
}

int run_sensitivity(const Args& args) {
    if (!args.positionals().empty()) throw UsageError("sensitivity takes no positional arguments");
    if (!args.has("model")) throw UsageError("sensitivity needs --model FILE");
    if (!args.has("out")) throw UsageError("sensitivity needs --out FILE (the mask to write)");
    SensitivityOptions o;
    try {
        o.criterion = parse_sensitivity_criterion(args.str("criterion", "gradient"));
        o.scope = parse_mask_scope(args.str("scope", "global"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(e.what());
    }
    o.fraction = args.number("fraction", o.fraction);
    if (!(o.fraction > 0 && o.fraction < 1)) throw UsageError("--fraction must lie in (0, 1)");
    o.seed = static_cast<uint64_t>(args.integer("seed", static_cast<long long>(o.seed)));
    const long long mib = args.integer("accumulator-mib", 512);
    if (mib < 1) throw UsageError("--accumulator-mib must be at least 1");
    o.accumulator_bytes = static_cast<int64_t>(mib) << 20;
    o.tf32 = args.flag("tf32");
    CalibrationOptions cal;
    cal.sequences = args.integer("sequences", cal.sequences);
    cal.length = static_cast<int>(args.integer("length", cal.length));
    if (cal.sequences < 1 || cal.length < 2) throw UsageError("--sequences must be at least 1 and --length at least 2");

    BackendChoice choice = make_backend(args.str("device", "auto"), static_cast<int>(args.integer("threads", 0)));
    std::fprintf(stderr, "device: %s\n", choice.message.c_str());
    LoadedModel lm = LoadedModel::open(resolve_model_path(args.str("model", ""), args), *choice.backend);
    std::vector<Example> calibration;
    if (o.criterion == SensitivityCriterion::Gradient) {
        std::vector<std::string> files;
        if (args.has("calibration")) {
            std::stringstream list(args.str("calibration", ""));
            for (std::string f; std::getline(list, f, ',');)
                if (!f.empty()) files.push_back(f);
        } else {
            files = default_calibration_files();
            if (files.empty())
                throw UsageError("no calibration text: pass --calibration FILES, or run scripts/setup.sh, which puts "
                                 "Jane Austen's novels in " + default_data_dir() + "/austen");
        }
        calibration = load_calibration_text(files, *lm.tokenizer, cal);
        std::fprintf(stderr, "calibration: %zu windows of %d tokens from %zu file(s)\n", calibration.size(), cal.length,
                     files.size());
    }
    const bool quiet = args.flag("quiet");
    const SparseMask mask = compute_sparse_mask(*lm.model, calibration, o, [&](const SensitivityProgress& p) {
        if (!quiet && (p.sequence == p.sequences || p.sequence % 16 == 0))
            std::fprintf(stderr, "pass %d/%d: %lld/%lld\n", p.pass + 1, p.passes, static_cast<long long>(p.sequence),
                         static_cast<long long>(p.sequences));
        return true;
    });
    save_sparse_mask(args.str("out", ""), mask);
    std::printf("mask: %s, %lld entries (%.4g%% of %lld weights), %s, %s", args.str("out", "").c_str(),
                static_cast<long long>(mask.entries()), 100.0 * mask.fraction,
                static_cast<long long>(mask.details.value("weights", int64_t{0})), mask.criterion.c_str(),
                mask.scope.c_str());
    if (mask.details.contains("captured_share"))
        std::printf(", carrying %.1f%% of the summed squared gradient", 100.0 * mask.details["captured_share"].get<double>());
    std::printf(", %d pass(es), %.1f s\n", mask.details.value("passes", 0), mask.details.value("seconds", 0.0));
    // What computing the mask needed: the ledger's peak by category, and the GPU's own count.
    const MemorySnapshot m = choice.backend->ledger().snapshot();
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    std::printf("memory peak: %.2f GiB (weights %.2f, squared-gradient accumulators and dW %.2f, activations %.2f)",
                static_cast<double>(m.total_peak) / kGiB, static_cast<double>(m.peak[0]) / kGiB,
                static_cast<double>(m.peak[static_cast<int>(MemoryCategory::Gradients)]) / kGiB,
                static_cast<double>(m.peak[static_cast<int>(MemoryCategory::Activations)]) / kGiB);
    size_t free_b = 0, total_b = 0;
    if (cuda_memory_info(*choice.backend, free_b, total_b))
        std::printf("; device memory in use %.2f GiB", static_cast<double>(total_b - free_b) / kGiB);
    std::printf("\n");
    return 0;
}

}  // namespace qt::cli
