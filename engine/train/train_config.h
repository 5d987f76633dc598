#pragma once
// The settings of a training run: what `quanttune-cli train --config FILE` reads
// and the GUI saves. JSON keys are the field names; a key the schema does not
// know is an error naming it, so a typo never silently falls back to a default.
#include <cstdint>
#include <optional>
#include <string>

#include "memory/training_memory_plan.h"
#include "quant/ggml_type.h"

#include <nlohmann/json_fwd.hpp>

namespace qt {

// QZO's step settings for each kind of perturbation (QzoOptions::relative_eps).
// Absolute: the engine's tested defaults on the default Q4_1 model (median block
// scale s = 0.051). Relative: the same step expressed in units of s, so a Q4_1
// model trains as with the absolute ones while K-quant and Q8_0 weights, whose
// scales are 15-300x smaller, are no longer swamped:
//   eps_rel  = eps / s     = 1e-4 / 0.051  ~ 2e-3
//   the estimate is measured per unit of s, g_rel = s * g_abs, so C_rel = s * C ~ 25
//   the step lr_rel * g_rel * s must equal lr * g_abs: lr_rel = lr / s^2 ~ 4e-5
// Measured with quanttune-cli train on the fine-food reviews: bench/NOTES_qzo_relative_eps.md.
struct ZoStepDefaults {
    double lr, eps, clip;
};
inline constexpr ZoStepDefaults kAbsoluteQzoDefaults{1e-7, 1e-4, 500.0};
inline constexpr ZoStepDefaults kRelativeQzoDefaults{4e-5, 2e-3, 25.0};
// Sparse ZO's learning rate on its values S (eps and clip as QZO's absolute ones).
// On the default model and the fine-food reviews (batch 4): with 1e-5 the batch loss
// rose from 2.76 to 5.59 in 15 steps (the sensitive entries' projected gradients are
// in the hundreds, so each step moves them by ~lr * 500); with 1e-6 the validation
// loss fell from 2.65 to 2.25 in 40 (bench/NOTES_sparse_zo.md).
inline constexpr double kSparseZoDefaultLr = 1e-6;

struct TrainConfig {
    std::string method = "qzo";  // a name of train/training_methods.h: qzo, mezo, sparse-zo, qlora, adamw, qgalore
    std::string model;           // GGUF path
    std::string data;            // dataset path
    std::string out_dir;         // checkpoints, metrics.jsonl, exported model ("" = none)

    int64_t steps = 200;
    int batch_size = 4;
    double lr = kAbsoluteQzoDefaults.lr;      // eta
    double eps = kAbsoluteQzoDefaults.eps;    // SPSA perturbation scale (absolute, or relative_eps)
    double clip = kAbsoluteQzoDefaults.clip;  // QZO's directional derivative clipping threshold C (<= 0: off)
    uint64_t seed = 42;
    std::string schedule = "constant";  // constant | linear | cosine
    int64_t warmup_steps = 0;
    double min_lr_ratio = 0.0;
    bool train_min = false;       // QZO: also train Q4_1/Q5_1 m and K-quant dmin
    // QZO: eps, lr and clip in units of each weight's median scale (QzoOptions); in a
    // config file that turns it on, a missing eps, lr or clip takes kRelativeQzoDefaults.
    bool relative_eps = false;
    // QZO: let the session choose the unit from the model: relative_eps (with its
    // defaults) where the absolute default eps would move some weight's scales by
    // more than 10% of themselves (K-quant files such as Q4_K_M), absolute elsewhere
    // (Q4_0/Q4_1). Only while eps, lr and clip are at their absolute defaults.
    bool auto_eps_unit = true;

    // First-order methods (qlora, adamw).
    int lora_rank = 16;
    double lora_alpha = 32.0;
    std::string lora_targets = "q,k,v,o,gate,up,down";
    double adam_beta1 = 0.9;
    double adam_beta2 = 0.999;
    double adam_eps = 1e-8;
    double weight_decay = 0.0;
    double max_grad_norm = 1.0;         // global gradient-norm clipping (<= 0: off)
    bool checkpoint_activations = true; // recompute each block's activations in the backward
    // First order on a GPU: the float32 products of the forward and backward on TF32
    // tensor cores (10-bit mantissa, float32 accumulation: PyTorch's allow_tf32); off:
    // plain float32. No effect on the CPU, nor on evaluation and zeroth-order methods.
    bool tf32 = true;
    // QLoRA's merged export: "same" re-quantizes each tensor to its own type (small
    // updates may round away: the export says how much survives); "q8_0", "f16" or
    // "f32" write the adapted tensors in that type instead.
    std::string merge_type = "same";

    // Q-GaLore (qgalore): gradients projected to galore_rank by an SVD refreshed every
    // galore_update_gap steps at first, the gap doubling per layer once the subspace
    // settles (mean |cosine| of the last galore_queue refreshes >= galore_threshold);
    // the update scaled by galore_scale. INT8 weights in groups of galore_weight_group,
    // INT4 projections in groups of galore_proj_group, Adam with 8-bit states;
    // galore_quantized = false is plain GaLore (float32 weights and projections, 32-bit Adam).
    int galore_rank = 128;
    int64_t galore_update_gap = 200;
    double galore_threshold = 0.4;
    int galore_queue = 5;
    double galore_scale = 0.25;
    int galore_weight_group = 256;
    int galore_proj_group = 256;
    bool galore_stochastic_round = true;
    bool galore_quantized = true;

    // Sparse ZO (sparse-zo): the mask file of sensitive entries (quanttune-cli
    // sensitivity; methods/sparse_mask.h), and whether QZO's block scales train too.
    std::string sparse_mask;
    bool sparse_train_scales = false;

    int64_t eval_every = 0;       // steps between evaluations (0: only at the end)
    int64_t eval_examples = 64;   // validation examples per evaluation (0: all)
    int64_t patience = 0;         // evaluations without a better validation loss before stopping (0: never)
    int64_t checkpoint_every = 0; // steps between checkpoints (0: only at the end)
    double checkpoint_minutes = 0;// also write one when this many minutes have passed since the last (0: off)
    // A checkpoint that cannot be written (disk full, ...): "continue" training and try
    // again at the next one (the previous checkpoint stays), or "stop" the run.
    std::string on_write_error = "continue";

    // The divergence guard (train/divergence_guard.h): rejects a step whose loss or
    // gradient is not finite, whose loss spikes above guard_spike_factor x its
    // running average's low, or whose running average drifts above
    // guard_drift_factor x its low, restores the copy of the state taken every
    // guard_snapshot_every steps (two copies in host memory: the ledger's "rollback
    // copies"), multiplies the learning rate by guard_lr_factor, and stops the run
    // after guard_max_rollbacks rollbacks in a row. Off: a non-finite loss stops the run.
    bool guard = true;
    double guard_spike_factor = 3.0;
    double guard_drift_factor = 1.5;  // 0: no drift test
    int64_t guard_warmup = 1;
    int64_t guard_snapshot_every = 10;
    double guard_lr_factor = 0.25;
    int64_t guard_max_rollbacks = 5;

    int max_length = 256;         // tokens per example
    double validation_fraction = 0.1;
    int threads = 0;              // 0: all cores
};

// The memory plan's shape of a run with these settings on a device whose
// Backend::preferred_batch_tokens is `device_batch_tokens` (the CLI's and the GUI's plan).
MemoryPlanShape memory_plan_shape(const TrainConfig& c, int device_batch_tokens);

// The defaults of lr, eps and clip for the perturbation relative_eps asks for.
const ZoStepDefaults& qzo_step_defaults(bool relative_eps);
// Turns relative_eps on. A config that was absolute also gets the relative lr, eps
// and clip: its own were meant for absolute units (quanttune-cli train
// --relative-eps; --lr, --eps, --clip given with it are applied afterwards).
void use_relative_eps(TrainConfig& c);

struct GuardSettings;
// The guard's settings in this config.
GuardSettings guard_settings(const TrainConfig& c);

// merge_type as a ggml type; nullopt for "same". Throws std::invalid_argument naming the value.
std::optional<GgmlType> merge_type_of(const std::string& merge_type);

// Switches to `method`; an lr still at the old method's default becomes the new one's.
void use_method(TrainConfig& c, const std::string& method);

void to_json(nlohmann::json& j, const TrainConfig& c);
// Throws std::invalid_argument naming an unknown key, or a key of the wrong type.
void from_json(const nlohmann::json& j, TrainConfig& c);
// Checks ranges; throws std::invalid_argument naming the setting and the allowed values.
void validate(const TrainConfig& c);

TrainConfig load_train_config(const std::string& path);

}  // namespace qt
