#pragma once
// AdamW over a first-order method's parameter blocks, with float32 moments m and v
// in backend memory (ledger: OptimizerStates), after optional clipping of the
// global gradient norm (torch.nn.utils.clip_grad_norm_: all gradients scaled by
// max_norm / norm when the norm exceeds max_norm).
#include <vector>

#include "methods/first_order_method.h"

namespace qt {

struct AdamWSettings {
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    double max_grad_norm = 1.0;  // <= 0: no clipping
};

struct OptimizerStepInfo {
    double grad_norm = 0;  // before clipping
    bool clipped = false;
};

class AdamWOptimizer {
public:
    AdamWOptimizer(Backend& backend, std::vector<ParameterBlock> blocks, const AdamWSettings& settings);

    // sqrt(sum of every gradient value squared).
    double gradient_norm() const;
    // Clips, then one AdamW step at learning rate lr over every block.
    OptimizerStepInfo step(double lr);
    int64_t steps_taken() const { return t_; }
    void set_steps_taken(int64_t t) { t_ = t; }
    int64_t state_bytes() const { return state_bytes_; }
    // The moments as one flat float32 vector, m of every block then v, read and
    // written in ranges (checkpoints).
    int64_t state_size() const { return state_.size(); }
    void read_state(int64_t offset, int64_t count, float* dst) const { state_.read(backend_, offset, count, dst); }
    void write_state(int64_t offset, int64_t count, const float* src) { state_.write(backend_, offset, count, src); }

private:
    Backend& backend_;
    std::vector<ParameterBlock> blocks_;
    AdamWSettings settings_;
    std::vector<DeviceBuffer> m_, v_;
    FlatParts state_{"AdamW state"};  // m of every block, then v
    int64_t t_ = 0;
    int64_t state_bytes_ = 0;
};

}  // namespace qt
