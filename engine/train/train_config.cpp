#include "train/train_config.h"

#include "methods/sparse_mask.h"

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "methods/lora_adapters.h"
#include "train/divergence_guard.h"
#include "train/lr_schedule.h"
#include "train/training_methods.h"

namespace qt {
namespace {

// One table of (key, field) for both directions.
template <class Visit>
void for_each_field(TrainConfig& c, Visit&& v) {
    v("method", c.method);
    v("model", c.model);
    v("data", c.data);
    v("out_dir", c.out_dir);
    v("steps", c.steps);
    v("batch_size", c.batch_size);
    v("lr", c.lr);
    v("eps", c.eps);
    v("clip", c.clip);
    v("seed", c.seed);
    v("schedule", c.schedule);
    v("warmup_steps", c.warmup_steps);
    v("min_lr_ratio", c.min_lr_ratio);
    v("train_min", c.train_min);
    v("relative_eps", c.relative_eps);
    v("auto_eps_unit", c.auto_eps_unit);
    v("lora_rank", c.lora_rank);
    v("lora_alpha", c.lora_alpha);
    v("lora_targets", c.lora_targets);
    v("adam_beta1", c.adam_beta1);
    v("adam_beta2", c.adam_beta2);
    v("adam_eps", c.adam_eps);
    v("weight_decay", c.weight_decay);
    v("max_grad_norm", c.max_grad_norm);
    v("checkpoint_activations", c.checkpoint_activations);
    v("tf32", c.tf32);
    v("merge_type", c.merge_type);
    v("galore_rank", c.galore_rank);
    v("galore_update_gap", c.galore_update_gap);
    v("galore_threshold", c.galore_threshold);
    v("galore_queue", c.galore_queue);
    v("galore_scale", c.galore_scale);
    v("galore_weight_group", c.galore_weight_group);
    v("galore_proj_group", c.galore_proj_group);
    v("galore_stochastic_round", c.galore_stochastic_round);
    v("galore_quantized", c.galore_quantized);
    v("sparse_mask", c.sparse_mask);
    v("sparse_train_scales", c.sparse_train_scales);
    v("eval_every", c.eval_every);
    v("eval_examples", c.eval_examples);
    v("patience", c.patience);
    v("checkpoint_every", c.checkpoint_every);
    v("checkpoint_minutes", c.checkpoint_minutes);
    v("on_write_error", c.on_write_error);
    v("guard", c.guard);
    v("guard_spike_factor", c.guard_spike_factor);
    v("guard_drift_factor", c.guard_drift_factor);
    v("guard_warmup", c.guard_warmup);
    v("guard_snapshot_every", c.guard_snapshot_every);
    v("guard_lr_factor", c.guard_lr_factor);
    v("guard_max_rollbacks", c.guard_max_rollbacks);
    v("max_length", c.max_length);
    v("validation_fraction", c.validation_fraction);
    v("threads", c.threads);
}

template <class T>
bool json_has_type(const nlohmann::json& j) {
    if constexpr (std::is_same_v<T, std::string>) return j.is_string();
    else if constexpr (std::is_same_v<T, bool>) return j.is_boolean();
    else if constexpr (std::is_floating_point_v<T>) return j.is_number();
    else if constexpr (std::is_unsigned_v<T>) return j.is_number_unsigned();
    else return j.is_number_integer();
}

// Whether an integer of the right type fits the field: get<int>() would wrap
// 4294967297 to 1, get<int64_t>() 2^64-1 to -1, without a word.
template <class T>
bool json_fits(const nlohmann::json& j) {
    if constexpr (!std::is_integral_v<T> || std::is_same_v<T, bool> || std::is_same_v<T, uint64_t>) return true;
    else if (j.is_number_unsigned()) return j.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<T>::max());
    else return j.get<int64_t>() >= std::numeric_limits<T>::min() && j.get<int64_t>() <= std::numeric_limits<T>::max();
}

}  // namespace

const ZoStepDefaults& qzo_step_defaults(bool relative_eps) {
    return relative_eps ? kRelativeQzoDefaults : kAbsoluteQzoDefaults;
}

void use_relative_eps(TrainConfig& c) {
    if (c.relative_eps) return;
    c.relative_eps = true;
    c.lr = kRelativeQzoDefaults.lr;
    c.eps = kRelativeQzoDefaults.eps;
    c.clip = kRelativeQzoDefaults.clip;
}

MemoryPlanShape memory_plan_shape(const TrainConfig& c, int device_batch_tokens) {
    MemoryPlanShape shape = plan_shape_for_device(c.max_length, c.batch_size, device_batch_tokens);
    shape.qzo_train_min = c.train_min;
    shape.lora_rank = c.lora_rank;
    shape.lora_targets = c.lora_targets;
    shape.checkpoint_activations = c.checkpoint_activations;
    shape.galore_rank = c.galore_rank;
    shape.galore_weight_group = c.galore_weight_group;
    shape.galore_proj_group = c.galore_proj_group;
    shape.sparse_train_scales = c.sparse_train_scales;
    if (!c.sparse_mask.empty()) {
        try {  // the mask's own size where it can be read; else the default fraction
            shape.sparse_fraction = load_sparse_mask(c.sparse_mask).fraction;
        } catch (const std::exception&) {
        }
    }
    return shape;
}

GuardSettings guard_settings(const TrainConfig& c) {
    GuardSettings s;
    s.enabled = c.guard;
    s.spike_factor = c.guard_spike_factor;
    s.drift_factor = c.guard_drift_factor;
    s.warmup = c.guard_warmup;
    s.lr_factor = c.guard_lr_factor;
    s.max_rollbacks = c.guard_max_rollbacks;
    s.snapshot_every = c.guard_snapshot_every;
    return s;
}

std::optional<GgmlType> merge_type_of(const std::string& merge_type) {
    if (merge_type == "same") return std::nullopt;
    if (merge_type == "q8_0") return GgmlType::Q8_0;
    if (merge_type == "f16") return GgmlType::F16;
    if (merge_type == "f32") return GgmlType::F32;
    throw std::invalid_argument("merge_type must be same, q8_0, f16 or f32, got \"" + merge_type + "\"");
}

void use_method(TrainConfig& c, const std::string& method) {
    const TrainingMethodInfo& from = training_method(c.method);
    const TrainingMethodInfo& to = training_method(method);
    if (c.lr == from.default_lr && !c.relative_eps) c.lr = to.default_lr;
    c.method = method;
}

void to_json(nlohmann::json& j, const TrainConfig& c) {
    j = nlohmann::json::object();
    TrainConfig copy = c;
    for_each_field(copy, [&](const char* key, auto& field) { j[key] = field; });
}

void from_json(const nlohmann::json& j, TrainConfig& c) {
    if (!j.is_object()) throw std::invalid_argument("training config must be a JSON object");
    std::string known;
    for_each_field(c, [&](const char* key, auto&) { known += std::string(known.empty() ? "" : ", ") + key; });
    for (auto it = j.begin(); it != j.end(); ++it) {
        bool found = false;
        for_each_field(c, [&](const char* key, auto& field) {
            if (it.key() != key) return;
            found = true;
            using T = std::decay_t<decltype(field)>;
            if (!json_has_type<T>(it.value()))
                throw std::invalid_argument("training config key \"" + it.key() + "\" has the wrong type (" +
                                            std::string(it.value().type_name()) + ")");
            if (!json_fits<T>(it.value()))
                throw std::invalid_argument("training config key \"" + it.key() + "\" is out of range (" +
                                            it.value().dump() + ")");
            field = it.value().template get<T>();
        });
        if (!found) throw std::invalid_argument("training config: unknown key " +
                                                nlohmann::json(it.key()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                                                " (known: " + known + ")");
    }
    // The absolute defaults are ~300x too small a step in relative units: a file that
    // asks for relative_eps without a step gets the relative one.
    // A method's own learning rate where the file gives none.
    if (!j.contains("lr") && !c.relative_eps)
        if (const TrainingMethodInfo* m = find_training_method(c.method)) c.lr = m->default_lr;
    if (c.relative_eps) {
        if (!j.contains("lr")) c.lr = kRelativeQzoDefaults.lr;
        if (!j.contains("eps")) c.eps = kRelativeQzoDefaults.eps;
        if (!j.contains("clip")) c.clip = kRelativeQzoDefaults.clip;
    }
}

void validate(const TrainConfig& c) {
    auto bad = [](const std::string& what) { throw std::invalid_argument("training config: " + what); };
    if (!find_training_method(c.method)) bad("method must be one of " + training_method_names() + ", got \"" + c.method + "\"");
    if (c.steps < 1) bad("steps must be at least 1");
    if (c.batch_size < 1) bad("batch_size must be at least 1");
    if (!(c.lr >= 0)) bad("lr must be non-negative");
    if (!(c.eps > 0)) bad("eps must be positive");
    if (c.relative_eps && c.method != "qzo" && !(c.method == "sparse-zo" && c.sparse_train_scales))
        bad("relative_eps is a QZO setting (block scales); " + c.method + " has none");
    if (training_method(c.method).needs_sparse_mask && c.sparse_mask.empty())
        bad("sparse-zo needs sparse_mask: a mask file from quanttune-cli sensitivity (--mask FILE)");
    parse_lr_schedule(c.schedule);
    if (c.warmup_steps < 0) bad("warmup_steps must be non-negative");
    if (!(c.min_lr_ratio >= 0 && c.min_lr_ratio <= 1)) bad("min_lr_ratio must lie in [0, 1]");
    if (c.eval_every < 0 || c.eval_examples < 0 || c.patience < 0 || c.checkpoint_every < 0)
        bad("eval_every, eval_examples, patience and checkpoint_every must be non-negative");
    if (!(c.checkpoint_minutes >= 0)) bad("checkpoint_minutes must be non-negative");
    if (c.on_write_error != "continue" && c.on_write_error != "stop")
        bad("on_write_error must be continue or stop, got \"" + c.on_write_error + "\"");
    if (!(c.guard_spike_factor > 1)) bad("guard_spike_factor must be above 1");
    if (!(c.guard_drift_factor == 0 || c.guard_drift_factor > 1)) bad("guard_drift_factor must be 0 (off) or above 1");
    if (c.guard_warmup < 0) bad("guard_warmup must be non-negative");
    if (c.guard_snapshot_every < 1) bad("guard_snapshot_every must be at least 1 step");
    if (!(c.guard_lr_factor > 0 && c.guard_lr_factor <= 1)) bad("guard_lr_factor must lie in (0, 1]");
    if (c.guard_max_rollbacks < 0) bad("guard_max_rollbacks must be non-negative");
    if (c.max_length < 2) bad("max_length must be at least 2");
    if (!(c.validation_fraction >= 0 && c.validation_fraction < 1)) bad("validation_fraction must lie in [0, 1)");
    if (c.threads < 0) bad("threads must be non-negative");
    if (training_method(c.method).first_order) {
        if (c.lora_rank < 1 || c.lora_rank > 4096) bad("lora_rank must lie in 1..4096");
        if (!(c.lora_alpha > 0)) bad("lora_alpha must be positive");
        try {
            parse_lora_targets(c.lora_targets);
        } catch (const std::invalid_argument& e) {
            bad(std::string("lora_targets: ") + e.what());
        }
        if (!(c.adam_beta1 >= 0 && c.adam_beta1 < 1) || !(c.adam_beta2 >= 0 && c.adam_beta2 < 1))
            bad("adam_beta1 and adam_beta2 must lie in [0, 1)");
        if (!(c.adam_eps > 0)) bad("adam_eps must be positive");
        if (!(c.weight_decay >= 0)) bad("weight_decay must be non-negative");
        if (!(c.lr < 1)) bad("lr of a first-order method must be below 1 (AdamW takes steps of about lr)");
        try {
            merge_type_of(c.merge_type);
        } catch (const std::invalid_argument& e) {
            bad(e.what());
        }
        if (c.galore_rank < 1 || c.galore_rank > 16384) bad("galore_rank must lie in 1..16384");
        if (c.galore_update_gap < 1) bad("galore_update_gap must be at least 1 step");
        if (!(c.galore_threshold >= 0 && c.galore_threshold <= 1)) bad("galore_threshold must lie in [0, 1]");
        if (c.galore_queue < 1 || c.galore_queue > 1000) bad("galore_queue must lie in 1..1000");
        if (!(c.galore_scale > 0)) bad("galore_scale must be positive");
        if (c.galore_weight_group < 2 || c.galore_weight_group > (1 << 20))
            bad("galore_weight_group must lie in 2..1048576");
        if (c.galore_proj_group < 2 || c.galore_proj_group % 2 != 0 || c.galore_proj_group > (1 << 20))
            bad("galore_proj_group must be even, in 2..1048576 (two INT4 codes a byte)");
    }
}

TrainConfig load_train_config(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open the training config");
    nlohmann::json j;
    try {
        in >> j;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(path + ": not valid JSON: " + e.what());
    }
    TrainConfig c;
    try {
        from_json(j, c);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    return c;
}

}  // namespace qt
