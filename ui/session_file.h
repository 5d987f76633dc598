#pragma once
// A session (model, data, method, hyperparameters) is a TrainConfig written as
// the JSON that `quanttune-cli train --config FILE` reads (train/train_config.h).
#include <QString>

#include "train/train_config.h"

namespace qt::ui {

// Throw std::runtime_error naming the file and the problem.
void save_session(const QString& path, const TrainConfig& config);
TrainConfig load_session(const QString& path);

}  // namespace qt::ui
