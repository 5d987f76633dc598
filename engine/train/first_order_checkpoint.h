#pragma once
// What a first-order run's checkpoint holds besides the trainer state: the
// method's trained values, then AdamW's moments m and v, as one flat vector
// (train/checkpoint.h reads and writes it in ranges), so that a resumed run
// continues with the optimizer where it stopped. AdamW's step count is the
// trainer's next_step (FoTrainer steps the optimizer once a step).
#include "methods/adamw_optimizer.h"
#include "methods/first_order_method.h"

namespace qt {

class FirstOrderCheckpointState final : public TrainableState {
public:
    FirstOrderCheckpointState(FirstOrderMethod& method, AdamWOptimizer& optimizer)
        : method_(method), optimizer_(optimizer) {}

    std::string method_name() const override { return method_.method_name(); }
    int64_t size() const override { return method_.size() + optimizer_.state_size(); }
    int64_t trainable_bytes() const override { return method_.trainable_bytes(); }
    void read(int64_t offset, int64_t count, float* dst) override;
    void write(int64_t offset, int64_t count, const float* src) override;

private:
    // fn(in_method, offset within that part, count, position in [offset, offset + count)).
    template <class Fn>
    void split(int64_t offset, int64_t count, Fn&& fn) const;

    FirstOrderMethod& method_;
    AdamWOptimizer& optimizer_;
};

}  // namespace qt
