#pragma once
// The settings of a training run: what `quanttune-cli train --config FILE` reads
// and the GUI saves. JSON keys are the field names; a key the schema does not
// know is an error naming it, so a typo never silently falls back to a default.
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace qt {

struct TrainConfig {
    std::string method = "qzo";  // "qzo" or "mezo"
    std::string model;           // GGUF path
    std::string data;            // dataset path
    std::string out_dir;         // checkpoints, metrics.jsonl, exported model ("" = none)

    int64_t steps = 200;
    int batch_size = 4;
    double lr = 1e-7;             // eta
    double eps = 1e-4;            // SPSA perturbation scale (absolute, on scales of ~1e-2: ~1%)
    double clip = 500.0;          // QZO's directional derivative clipping threshold C (<= 0: off)
    uint64_t seed = 42;
    std::string schedule = "constant";  // constant | linear | cosine
    int64_t warmup_steps = 0;
    double min_lr_ratio = 0.0;
    bool train_min = false;       // QZO: also train Q4_1/Q5_1 m and K-quant dmin
    bool relative_eps = false;    // QZO: eps, lr and clip in units of each weight's median scale (QzoOptions)

    int64_t eval_every = 0;       // steps between evaluations (0: only at the end)
    int64_t eval_examples = 64;   // validation examples per evaluation (0: all)
    int64_t patience = 0;         // evaluations without a better validation loss before stopping (0: never)
    int64_t checkpoint_every = 0; // steps between checkpoints (0: only at the end)

    int max_length = 256;         // tokens per example
    double validation_fraction = 0.1;
    int threads = 0;              // 0: all cores
};

void to_json(nlohmann::json& j, const TrainConfig& c);
// Throws std::invalid_argument naming an unknown key, or a key of the wrong type.
void from_json(const nlohmann::json& j, TrainConfig& c);
// Checks ranges; throws std::invalid_argument naming the setting and the allowed values.
void validate(const TrainConfig& c);

TrainConfig load_train_config(const std::string& path);

}  // namespace qt
