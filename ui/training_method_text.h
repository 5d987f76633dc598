#pragma once
// The engine's table of training methods (train/training_methods.h) in the
// interface language: its titles and summaries are plain English in the engine
// (no Qt there), translated here under the context "TrainingMethod".
#include <QString>

#include "train/training_methods.h"

namespace qt::ui {

QString method_title(const TrainingMethodInfo& method);
QString method_summary(const TrainingMethodInfo& method);

}  // namespace qt::ui
