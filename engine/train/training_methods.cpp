#include "train/training_methods.h"

#include <stdexcept>

#include "methods/full_finetune.h"
#include "methods/lora_adapters.h"
#include "methods/mezo_weights.h"
#include "methods/qzo_scales.h"

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

}  // namespace

const std::vector<TrainingMethodInfo>& training_methods() {
    static const std::vector<TrainingMethodInfo> list = {
        {"qzo", "QZO: zeroth-order on the 4-bit scales",
         "Trains only the continuous scales of the quantized blocks from two forward passes per step with a "
         "seeded random perturbation, the projected gradient clipped (Shang et al. 2025). No gradients, no "
         "optimizer states: inference memory.",
         false, kAbsoluteQzoDefaults.lr, make_qzo, nullptr},
        {"mezo", "MeZO: zeroth-order on float32 weights",
         "SPSA on every linear weight expanded to float32 (Malladi et al. 2023): the zeroth-order baseline.", false,
         kAbsoluteQzoDefaults.lr, make_mezo, nullptr},
        {"qlora", "QLoRA: low-rank adapters on the frozen 4-bit model",
         "Trains small float32 adapters B A beside chosen linears of the frozen quantized model with AdamW, from "
         "the backward pass (Hu et al. 2021; Dettmers et al. 2023). Memory: the quantized weights, the adapters "
         "and their optimizer states, and the activations the backward needs.",
         true, 2e-4, nullptr, make_qlora},
        {"adamw", "Full fine-tuning with AdamW (float32)",
         "Every linear weight as a float32 master copy trained by AdamW: the reference point, 16 bytes a "
         "weight; only for small models.",
         true, 1e-5, nullptr, make_full},
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
