#pragma once
// What each training method of the registry (train/training_methods.h) would
// train in one opened model, in one line: the wording lives here once, chosen
// by the method's TrainedPart and first_order flag, and filled from the model's
// trainable linears and their types as the engine reported them
// (quant_scale_fields says whether a type has block scales).
#include <QString>

#include "engine_events.h"
#include "train/training_methods.h"

namespace qt::ui {

// "block scales of 210 linears (Q4_1), from two forward passes a step", or why
// the method has nothing to train there ("nothing: F16 weights have no block
// scale").
QString method_reach(const TrainingMethodInfo& method, const ModelSummary& model);
// "qwen2, 24 layers, width 896, 14 heads (2 KV), head 64"
QString architecture_line(const ModelSummary& model);

}  // namespace qt::ui
