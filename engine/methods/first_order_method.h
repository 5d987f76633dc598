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

    // A method that applies each linear's update inside the backward, as soon as
    // its gradient exists (Q-GaLore), instead of through the trainer's AdamW: the
    // trainer then runs the whole mini-batch in one backward pass, tells the method
    // the step and learning rate before it, and asks for the gradient norm after.
    virtual bool updates_in_backward() const { return false; }
    virtual void begin_step(int64_t /*step*/, double /*lr*/) {}
    // The norm of the gradients the step's backward produced.
    virtual double end_step() { return 0.0; }

    // A method that trains whole linear weights in its own format (Q-GaLore): which
    // ones, and each one's values ([rows][cols], host memory). The export writes
    // them in place of the base file's tensors, re-quantized.
    virtual std::vector<LinearId> trained_linears() const { return {}; }
    virtual std::vector<float> trained_values(LinearId) { return {}; }

protected:
    Backend& backend_;

private:
    FlatParts parameters() const;  // the blocks' parameters back to back
};

}  // namespace qt
