#pragma once
// The engine's table of training methods (train/training_methods.h) in the
// interface language: its titles, summaries, settings, memory labels and the
// titles of the methods' per-layer metrics are plain English in the engine (no Qt
// there), translated here under the context "TrainingMethod".
#include <QString>

#include "train/training_methods.h"

namespace qt::ui {

QString method_title(const TrainingMethodInfo& method);
QString method_summary(const TrainingMethodInfo& method);
QString method_setting_label(const MethodSetting& setting);
QString method_setting_tooltip(const MethodSetting& setting);
// A text the engine gave in English at run time: a TrainingMethodInfo::memory_label,
// or a LayerSeries title ("SVDs done").
QString method_text(const QString& english);

}  // namespace qt::ui
