#pragma once
// Training checkpoints hold only what training changed: the trained values
// (QZO's float32 master scales, or MeZO's float32 weights), the trainer state and
// the config; the model file supplies the rest. Layout:
//   "QTCKPT01"  u64 header length  header (JSON: method, state, config, parameter count)
//   parameter count x f32 (little-endian)   u64 FNV-1a of every byte before it
// Written atomically: a temporary file in the same folder, fsync, rename, fsync
// of the folder, so a crash leaves the old checkpoint or the new one, never half.
#include <string>

#include <nlohmann/json.hpp>

#include "methods/trainable_state.h"
#include "train/trainer_state.h"

namespace qt {

struct CheckpointInfo {
    std::string method;
    TrainerState state;
    nlohmann::json config;
    int64_t parameter_count = 0;
};

void write_checkpoint(const std::string& path, const CheckpointInfo& info, TrainableState& params);
// Reads the header only.
CheckpointInfo read_checkpoint_info(const std::string& path);
// Checks method, size and checksum, then loads the values into `params`.
CheckpointInfo load_checkpoint(const std::string& path, TrainableState& params);

}  // namespace qt
