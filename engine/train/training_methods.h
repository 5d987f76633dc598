#pragma once
// Every training method the engine runs, in one table that the session, the CLI,
// the GUI and the memory plan read: its name, what to call it, its default
// learning rate, how to make its trained state, its own settings and what its
// memory holds. Adding a method is its own files (engine/methods/) plus one row here.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "memory/memory_ledger.h"
#include "methods/first_order_method.h"
#include "methods/qgalore.h"
#include "methods/zo_parameters.h"
#include "model/llama_model.h"
#include "train/method_settings.h"
#include "train/train_config.h"

namespace qt {

// What a method's steps change in the model, so that a page can say, for a given
// file, what each method would train there (the GUI's model page).
enum class TrainedPart : uint8_t {
    BlockScales,     // the fp16 scales inside quantized blocks (quant_scale_fields): none in F16/F32 weights
    LinearWeights,   // every trainable linear's weights, in a copy of the method's own precision
    SparseEntries,   // a float32 value at each entry of a sensitivity mask, beside the frozen weights
    Adapters,        // low-rank adapters beside chosen linears of the frozen model
};

struct TrainingMethodInfo {
    const char* name;     // what configs and --method say: "qzo"
    const char* title;    // one line for lists: "QZO: zeroth-order on the 4-bit scales"
    const char* summary;  // a few sentences for tooltips and --help
    bool first_order;     // gradients from the backward pass (else two forwards per step)
    double default_lr;
    // Exactly one of these is set, by first_order.
    std::unique_ptr<ZoParameters> (*make_zo)(const TrainConfig&, LlamaModel&);
    std::unique_ptr<FirstOrderMethod> (*make_first_order)(const TrainConfig&, LlamaModel&);
    // The settings only this method reads, for the GUI's fields (train/method_settings.h).
    // Settings shared by a kind of method (eps, LoRA's, AdamW's) are not listed here.
    std::vector<MethodSetting> settings;
    // What the ledger category holds in a run of this method with this config, in
    // the method's words ("INT8 weights" for Q-GaLore's TrainableParameters), or
    // nullptr where the category's usual name says it; nullptr for no such names.
    const char* (*memory_label)(const TrainConfig&, MemoryCategory);
    // Whether a run needs TrainConfig::sparse_mask, a mask of sensitive entries
    // (quanttune-cli sensitivity; the GUI's mask box).
    bool needs_sparse_mask = false;
    // Zeroth order: whether the projected gradient is clipped at TrainConfig::clip
    // (QZO's directional derivative clipping; MeZO as published does not clip).
    bool clips_projected_gradient = false;
    TrainedPart trains = TrainedPart::LinearWeights;
};

const std::vector<TrainingMethodInfo>& training_methods();
const TrainingMethodInfo* find_training_method(const std::string& name);
// Throws std::invalid_argument naming the method and the choices.
const TrainingMethodInfo& training_method(const std::string& name);
std::string training_method_names();

// Q-GaLore's settings in a config (the registry's qgalore row makes its method from them).
QgaloreSettings qgalore_settings_of(const TrainConfig& c);  // "qzo, mezo, qlora, adamw"

}  // namespace qt
