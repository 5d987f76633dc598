#pragma once
// Sparse ZO's sensitive parameters (SensZOQ, Guo et al. 2025; docs/methods.md):
// the entries of the linear weights with the largest squared gradient of the
// causal-LM loss, summed over calibration sequences of generic text (a diagonal
// Fisher estimate), kept as a mask (methods/sparse_mask.h) of a fraction of them.
//
// Memory: a dense float per weight would be 27 GB for Llama-2-7B. The squared
// gradients are accumulated for a group of linears at a time, as many as fit in
// `accumulator_bytes`, with one pass over the calibration sequences per group;
// each group's accumulators are reduced to their candidates (at most the mask's
// size) before the next group starts. One pass covers SmolLM2-135M in 512 MiB.
// Each sequence is its own backward (batch 1), so the sum is over per-sequence
// squared gradients of the mean token loss, as the Fisher estimate wants.
//
// The baselines the paper compares with choose the same number of entries by
// another score: |dequantized weight| (magnitude) or a seeded uniform draw (random).
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "data/dataset.h"
#include "methods/sparse_mask.h"
#include "model/llama_model.h"

namespace qt {

enum class SensitivityCriterion { Gradient, Magnitude, Random };
enum class MaskScope { Global, PerMatrix };  // the top fraction of all linears, or of each one
const char* sensitivity_criterion_name(SensitivityCriterion c);  // "gradient", "magnitude", "random"
const char* mask_scope_name(MaskScope s);                          // "global", "per-matrix"
// Throw std::invalid_argument naming the value and the choices.
SensitivityCriterion parse_sensitivity_criterion(const std::string& s);
MaskScope parse_mask_scope(const std::string& s);

struct SensitivityOptions {
    SensitivityCriterion criterion = SensitivityCriterion::Gradient;
    MaskScope scope = MaskScope::Global;
    double fraction = 1e-3;                       // of the linears' weights, in (0, 1)
    int64_t accumulator_bytes = int64_t{512} << 20;  // squared-gradient accumulators held at once
    uint64_t seed = 42;                           // the random criterion's draw
    bool tf32 = false;                            // the backward's products on TF32 (GPU)
};

struct SensitivityProgress {
    int pass = 0, passes = 1;          // groups of linears, one pass over the sequences each
    int64_t sequence = 0, sequences = 0;  // done in this pass
};
// Called after each sequence; returning false cancels (compute_sparse_mask throws SensitivityCancelled).
using SensitivityProgressFn = std::function<bool(const SensitivityProgress&)>;

class SensitivityCancelled : public std::runtime_error {
public:
    SensitivityCancelled() : std::runtime_error("computing the sensitive-parameter mask was cancelled") {}
};

// The mask of `model`'s trainable linears. The gradient criterion needs
// calibration examples with targets (plain-text windows); the others ignore them.
// details records the calibration, the passes, the seconds and, for the gradient
// criterion, captured_share: the selected entries' share of the summed squared gradients.
// The model's training hooks are borrowed during the passes and restored.
SparseMask compute_sparse_mask(LlamaModel& model, std::span<const Example> calibration,
                               const SensitivityOptions& options, const SensitivityProgressFn& progress = {});

}  // namespace qt
