#include "train/training_methods.h"

#include <algorithm>
#include <stdexcept>

#include "methods/full_finetune.h"
#include "methods/lora_adapters.h"
#include "methods/mezo_weights.h"
#include "methods/qgalore.h"
#include "methods/qzo_scales.h"
#include "methods/sparse_zo.h"

namespace qt {
namespace {

std::unique_ptr<ZoParameters> make_qzo(const TrainConfig& c, LlamaModel& model) {
    QzoOptions o;
    o.train_min = c.train_min;
    o.relative_eps = c.relative_eps;
    return std::make_unique<QzoScales>(model, o);
}

std::unique_ptr<ZoParameters> make_mezo(const TrainConfig&, LlamaModel& model) {
    return std::make_unique<MezoWeights>(model);
}

std::unique_ptr<ZoParameters> make_sparse_zo(const TrainConfig& c, LlamaModel& model) {
    const SparseMask mask = load_sparse_mask(c.sparse_mask);
    check_sparse_mask_fits(mask, model, c.sparse_mask);
    SparseZoOptions o;
    o.train_scales = c.sparse_train_scales;
    o.qzo.train_min = c.train_min;
    o.qzo.relative_eps = c.relative_eps;
    return std::make_unique<SparseZo>(model, mask, o);
}

std::unique_ptr<FirstOrderMethod> make_qlora(const TrainConfig& c, LlamaModel& model) {
    LoraSettings s;
    s.rank = c.lora_rank;
    s.alpha = c.lora_alpha;
    s.targets = parse_lora_targets(c.lora_targets);
    s.seed = c.seed;
    return std::make_unique<LoraAdapters>(model, s);
}

std::unique_ptr<FirstOrderMethod> make_full(const TrainConfig&, LlamaModel& model) {
    return std::make_unique<FullFinetune>(model);
}

std::unique_ptr<FirstOrderMethod> make_qgalore(const TrainConfig& c, LlamaModel& model) {
    return std::make_unique<Qgalore>(model, qgalore_settings_of(c));
}

}  // namespace

QgaloreSettings qgalore_settings_of(const TrainConfig& c) {
    QgaloreSettings s;
    s.projector.rank = c.galore_rank;
    s.projector.gap = static_cast<int>(std::min<int64_t>(c.galore_update_gap, 1 << 30));
    s.projector.threshold = c.galore_threshold;
    s.projector.queue = c.galore_queue;
    s.projector.group = c.galore_proj_group;
    s.scale = c.galore_scale;
    s.weight_group = c.galore_weight_group;
    s.stochastic_round = c.galore_stochastic_round;
    s.quantized = c.galore_quantized;
    s.beta1 = c.adam_beta1;
    s.beta2 = c.adam_beta2;
    s.eps = c.adam_eps;
    s.weight_decay = c.weight_decay;
    s.seed = c.seed;
    return s;
}

namespace {

// Q-GaLore's fields, with the ranges validate() (train_config.cpp) allows.
std::vector<MethodSetting> qgalore_settings() {
    using K = MethodSettingKind;
    return {
        {"galore_rank", "Projection rank",
         "The rank r each weight's gradient is projected to before Adam sees it, so that Adam keeps r values per "
         "row or column instead of the whole matrix (capped at the weight's smaller side). A larger rank learns "
         "more like full fine-tuning and needs more memory; the paper uses 128 to 512.",
         K::Int, 1, 16384, 8},
        {"galore_update_gap", "Steps between SVDs",
         "How many steps a layer keeps its projection before an SVD of its gradient computes a new one, at first. "
         "Once a layer's subspace has settled (see the similarity threshold) its gap doubles: the lazy rule that "
         "saves SVDs. GaLore refreshes every 200 steps.",
         K::Int, 1, 1 << 30, 50},
        {"galore_threshold", "Similarity threshold",
         "When the mean |cosine| between a layer's successive subspaces reaches this, the subspace counts as "
         "settled and the layer's gap between SVDs doubles. Lower skips more SVDs; 1 hardly ever skips one.",
         K::Double, 0, 1, 0.05},
        {"galore_queue", "Similarity window",
         "How many of a layer's latest subspace changes the mean for the similarity threshold covers.", K::Int, 1,
         1000, 1},
        {"galore_scale", "Update scale (alpha)",
         "The update, projected back to the weight's full size, is multiplied by this before it is added "
         "(GaLore's alpha; 0.25 in the papers).",
         K::Double, 0.001, 1000, 0.05},
        {"galore_weight_group", "Weight group size",
         "How many weights share one INT8 scale and zero point. Smaller groups round more precisely and store a "
         "little more.",
         K::Int, 2, 1 << 20, 64, "galore_quantized"},
        {"galore_proj_group", "Projection group size",
         "How many values of a projection matrix share one INT4 scale and zero point; even, since two 4-bit codes "
         "share a byte.",
         K::Int, 2, 1 << 20, 64, "galore_quantized"},
        {"galore_stochastic_round", "Stochastic rounding",
         "Round each updated INT8 weight up or down at random, in proportion to how near it is, so that updates "
         "smaller than one INT8 step still add up over many steps. Off: round to nearest, and such updates are lost.",
         K::Bool, 0, 1, 1, "galore_quantized"},
        {"galore_quantized", "Quantized (off: plain GaLore)",
         "On: Q-GaLore, with INT8 weights, INT4 projections and 8-bit Adam states. Off: plain GaLore, with float32 "
         "weights and projections and 32-bit Adam states: more memory, the reference to compare with.",
         K::Bool, 0, 1, 1},
    };
}

std::vector<MethodSetting> sparse_zo_settings() {
    using K = MethodSettingKind;
    return {
        {"sparse_train_scales", "Also train the 4-bit scales",
         "Train QZO's block scales beside the sparse values, with the same perturbation: more of the model adapts, "
         "at no extra memory but the scales' float32 copies.",
         K::Bool, 0, 1, 1},
    };
}

const char* sparse_zo_memory_label(const TrainConfig& c, MemoryCategory m) {
    switch (m) {
        case MemoryCategory::TrainableParameters: return c.sparse_train_scales ? "QZO scale masters" : nullptr;
        case MemoryCategory::SparseValues: return "sparse values S (float32)";
        case MemoryCategory::SparseMask: return "sensitive-entry mask";
        default: return nullptr;
    }
}

// The ledger categories Q-GaLore fills, named by what they hold (qgalore.h).
const char* qgalore_memory_label(const TrainConfig& c, MemoryCategory m) {
    switch (m) {
        case MemoryCategory::TrainableParameters: return c.galore_quantized ? "INT8 weights" : "float32 weights";
        case MemoryCategory::Projections: return c.galore_quantized ? "INT4 projections" : "float32 projections";
        case MemoryCategory::OptimizerStates: return c.galore_quantized ? "8-bit Adam states" : "Adam states";
        default: return nullptr;
    }
}

}  // namespace

const std::vector<TrainingMethodInfo>& training_methods() {
    static const std::vector<TrainingMethodInfo> list = {
        {"qzo", "QZO: zeroth-order on the 4-bit scales",
         "Trains only the continuous scales of the quantized blocks from two forward passes per step with a "
         "seeded random perturbation, the projected gradient clipped (Shang et al. 2025). No gradients, no "
         "optimizer states: inference memory.",
         false, kAbsoluteQzoDefaults.lr, make_qzo, nullptr, {}, nullptr, false, true, TrainedPart::BlockScales},
        {"mezo", "MeZO: zeroth-order on float32 weights",
         "SPSA on every linear weight expanded to float32 (Malladi et al. 2023): the zeroth-order baseline.", false,
         kAbsoluteQzoDefaults.lr, make_mezo, nullptr, {}, nullptr},
        {"sparse-zo", "Sparse ZO: zeroth-order on 0.1% sensitive weights",
         "Trains a float32 value S at a small set of sensitive weights, chosen once from squared gradients on "
         "generic text (a mask file: quanttune-cli sensitivity), added to the frozen 4-bit model: W = dequant(Q) "
         "+ S. Two forward passes per step as in QZO, with the same perturbation, clipping and schedules "
         "(Guo et al. 2025). Optionally the 4-bit block scales train too.",
         false, kSparseZoDefaultLr, make_sparse_zo, nullptr, sparse_zo_settings(), sparse_zo_memory_label, true, true,
         TrainedPart::SparseEntries},
        {"qlora", "QLoRA: low-rank adapters on the frozen 4-bit model",
         "Trains small float32 adapters B A beside chosen linears of the frozen quantized model with AdamW, from "
         "the backward pass (Hu et al. 2021; Dettmers et al. 2023). Memory: the quantized weights, the adapters "
         "and their optimizer states, and the activations the backward needs.",
         true, 2e-4, nullptr, make_qlora, {}, nullptr, false, false, TrainedPart::Adapters},
        {"adamw", "Full fine-tuning with AdamW (float32)",
         "Every linear weight as a float32 master copy trained by AdamW: the reference point, 16 bytes a "
         "weight; only for small models.",
         true, 1e-5, nullptr, make_full, {}, nullptr},
        {"qgalore", "Q-GaLore: INT8 weights, low-rank gradients, 8-bit Adam",
         "Trains every linear weight, held as INT8 in groups and updated by stochastic rounding, from gradients "
         "projected to a low rank by INT4 projections that each layer refreshes lazily, with 8-bit Adam states "
         "(Zhang et al. 2024). Each layer's gradient is applied and freed during the backward. galore_quantized "
         "off gives plain GaLore (float32 weights and projections, 32-bit Adam).",
         true, 1e-4, nullptr, make_qgalore, qgalore_settings(), qgalore_memory_label},
    };
    return list;
}

const TrainingMethodInfo* find_training_method(const std::string& name) {
    for (const TrainingMethodInfo& m : training_methods())
        if (name == m.name) return &m;
    return nullptr;
}

const TrainingMethodInfo& training_method(const std::string& name) {
    if (const TrainingMethodInfo* m = find_training_method(name)) return *m;
    throw std::invalid_argument("unknown method \"" + name + "\" (" + training_method_names() + ")");
}

std::string training_method_names() {
    std::string s;
    for (const TrainingMethodInfo& m : training_methods()) s += (s.empty() ? "" : ", ") + std::string(m.name);
    return s;
}

}  // namespace qt
