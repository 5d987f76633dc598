#pragma once
// The step of a first-order method (QLoRA, full fine-tuning): the mini-batch's
// sequences through the model's forward and backward (model/llama_backprop.h),
// side by side where the backend prefers it, their gradients added up in the
// method's buffers for the batch's mean token loss, then one clipped AdamW step.
#include "methods/adamw_optimizer.h"
#include "methods/first_order_method.h"
#include "model/llama_backprop.h"
#include "train/trainer.h"

namespace qt {

class FoTrainer final : public Trainer {
public:
    // The method's hooks must be attached to `model` (LlamaModel::set_training_hooks).
    FoTrainer(LlamaModel& model, FirstOrderMethod& method, const TrainConfig& config, const TrainData& data);
    StepRecord step() override;
    // Also sets AdamW's step count: one optimizer step per training step.
    void set_state(const TrainerState& s) override;

    AdamWOptimizer& optimizer() { return optimizer_; }
    LlamaBackprop& backprop() { return backprop_; }

private:
    FirstOrderMethod& method_;
    LlamaBackprop backprop_;
    AdamWOptimizer optimizer_;
};

AdamWSettings adamw_settings(const TrainConfig& config);

}  // namespace qt
