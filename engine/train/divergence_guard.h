#pragma once
// When a step has gone wrong: the divergence guard's judgement, for every method.
// A step is rejected when
//  - its loss is NaN or infinite, or a first-order method's gradient norm is;
//  - its loss spikes: above `spike_factor` times the lowest value the running
//    average of the loss has taken since the warm-up (the lowest, not the current
//    one, so that the reference does not climb with a loss that climbs);
//  - the loss drifts up: once the average has filled its window, the average itself
//    is above `drift_factor` times its lowest value since then. A learning rate a few
//    times too high raises the loss by some per cent a step, which no single step's
//    spike test catches.
// The session (train/training_session.h) acts on a rejection: it restores the last
// state that passed, with the loss record it had then, and lowers the learning rate.
#include <string>

#include "train/trainer.h"
#include "train/trainer_state.h"

namespace qt {

struct GuardSettings {
    bool enabled = true;
    double spike_factor = 3.0;   // a step's loss above this times the average's low is rejected
    double drift_factor = 1.5;   // the average above this times its low (after the window) is rejected; 0: off
    int64_t warmup = 1;          // accepted steps before the spike test is armed
    int64_t average_window = 20; // the running average: the plain mean of the first
                                 // `window` losses, then an EMA with weight 1/window
    double lr_factor = 0.25;     // the learning rate is multiplied by this per rollback
    int64_t max_rollbacks = 5;   // in a row (no state passing in between) before stopping
    int64_t snapshot_every = 10; // steps between the in-memory copies a rollback returns to
};

struct GuardVerdict {
    bool reject = false;
    std::string reason;  // for the log, the CLI and the loss plot ("" when accepted)
};

// What the divergence guard did in a step.
struct RollbackEvent {
    int64_t step = 0;       // the rejected step
    int64_t to_step = 0;    // the state returned to: as it was before this step
    std::string reason;     // judge_step's words
    double lr_scale = 1;    // the learning rate's factor from now on
    int64_t in_a_row = 0;   // rollbacks with no state passing in between, this one included
};

// Judges a finished step against the record in `state`; changes nothing.
GuardVerdict judge_step(const StepRecord& r, const TrainerState& state, const GuardSettings& s);

// Enters an accepted step's loss into the running average and its lows.
void accept_loss(TrainerState& state, double loss, const GuardSettings& s);

}  // namespace qt
