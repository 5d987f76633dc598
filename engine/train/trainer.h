#pragma once
// The training loop shared by every method: batches, learning-rate schedule,
// evaluation every N steps (validation loss, and accuracy when the data has
// classification items), early stopping on the validation loss, and a record per
// step for the progress display and the metrics log. Every choice that varies
// between runs is a function of (seed, step), so a resumed run reproduces the
// uninterrupted one. A method's trainer supplies step(): zeroth-order
// (train/zo_trainer.h) or first-order (train/fo_trainer.h).
#include <functional>
#include <optional>
#include <vector>

#include "memory/memory_ledger.h"
#include "methods/zo_step.h"
#include "train/batch_loss.h"
#include "train/lr_schedule.h"
#include "train/train_config.h"
#include "train/trainer_state.h"

namespace qt {

// Examples as data/ produces them; validation examples that carry label
// candidates are also scored for accuracy.
struct TrainData {
    std::vector<Example> train;
    std::vector<Example> validation;
};

struct StepRecord {
    int64_t step = 0;
    ZoStepResult result;  // zeroth-order methods
    double loss = 0;      // ZO: (l+ + l-) / 2; first order: the mini-batch's mean loss
    double lr = 0;
    bool first_order = false;
    bool non_finite = false;    // the loss was NaN or infinite: no update was applied (ZO, and FO unless
                                // the method updates inside the backward)
    double grad_norm = 0;       // first order: the gradient's norm before clipping
    bool grad_clipped = false;  // first order: the norm was clipped to max_grad_norm
    int64_t tokens = 0;  // tokens run through the model in this step
    double seconds = 0;
    MemorySnapshot memory;
    MethodMetrics method_metrics;  // the method's own per-layer numbers (methods/method_metrics.h)
};

struct EvalRecord {
    int64_t step = 0;  // evaluated after this many steps
    double val_loss = 0;
    int64_t val_tokens = 0;
    std::optional<double> accuracy;
    bool improved = false;
    double seconds = 0;
};

class Trainer {
public:
    // `model` computes with what the method trains; data must outlive the trainer.
    Trainer(LlamaModel& model, const TrainConfig& config, const TrainData& data);
    virtual ~Trainer() = default;

    const TrainerState& state() const { return state_; }
    virtual void set_state(const TrainerState& s);  // resume (the seed must match the config's)
    bool finished() const { return state_.stopped_early || state_.next_step >= config_.steps; }

    virtual StepRecord step() = 0;
    EvalRecord evaluate();
    // Whether an evaluation is due after the step just done.
    bool evaluation_due() const;
    // The examples of mini-batch `step`: epoch-wise shuffles of the training set,
    // each a function of (seed, epoch).
    std::vector<const Example*> batch(int64_t step);

    const LrSchedule& schedule() const { return schedule_; }
    // The learning rate of `step`: the schedule's, times the guard's lr_scale.
    double lr_at(int64_t step) const { return schedule_.at(step) * state_.lr_scale; }
    BatchLoss& loss() { return loss_; }

protected:
    LlamaModel& model_;
    TrainConfig config_;
    const TrainData& data_;
    BatchLoss loss_;
    LrSchedule schedule_;
    TrainerState state_;

private:
    int64_t perm_epoch_ = -1;
    std::vector<uint32_t> perm_;
};

// Fisher-Yates permutation of 0..n-1 driven by Philox(seed, epoch).
std::vector<uint32_t> shuffled_indices(size_t n, uint64_t seed, uint64_t epoch);

}  // namespace qt
