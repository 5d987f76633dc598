#pragma once
// A first-order method (QLoRA, full fine-tuning; later Q-GaLore): float32 tensors
// trained from the backward pass's gradients (model/llama_backprop.h), which reach
// the method through the model's training hooks. The trainer (train/fo_trainer.h)
// zeroes the gradients, runs the backward over a mini-batch and hands the blocks
// to the optimizer (methods/adamw_optimizer.h). The flat vector checkpoints read
// is the blocks' parameters back to back.
#include <vector>

#include "methods/flat_parts.h"
#include "methods/trainable_state.h"
#include "model/training_hooks.h"

namespace qt {

// A trained float32 tensor and its gradient, both in backend memory.
struct ParameterBlock {
    float* param = nullptr;
    float* grad = nullptr;
    int64_t count = 0;
};

class FirstOrderMethod : public TrainingHooks, public TrainableState {
public:
    explicit FirstOrderMethod(Backend& backend) : backend_(backend) {}
    virtual std::vector<ParameterBlock> parameter_blocks() const = 0;

    int64_t size() const override;
    int64_t trainable_bytes() const override { return size() * static_cast<int64_t>(sizeof(float)); }
    void read(int64_t offset, int64_t count, float* dst) override;
    void write(int64_t offset, int64_t count, const float* src) override;
    void zero_gradients();

protected:
    Backend& backend_;

private:
    FlatParts parameters() const;  // the blocks' parameters back to back
};

}  // namespace qt
