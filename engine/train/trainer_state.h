#pragma once
// Everything besides the parameters that a resumed run needs to continue exactly:
// the noise of step s is z(seed, s), batches and the learning rate are functions
// of the step, so the step counter and the early-stopping record are all there is.
#include <cstdint>
#include <limits>

namespace qt {

struct TrainerState {
    uint64_t seed = 0;
    int64_t next_step = 0;  // steps 0 .. next_step-1 are done
    double best_val_loss = std::numeric_limits<double>::infinity();
    int64_t best_step = -1;
    int64_t evals_since_best = 0;
    bool stopped_early = false;

    // The divergence guard (train/divergence_guard.h): what it has learnt of the
    // loss and what it has done, so that a resumed run judges as the first did.
    double lr_scale = 1.0;         // the schedule's learning rate times this (halved per rollback)
    double loss_average = 0.0;     // running average of the accepted steps' losses
    double loss_floor = 0.0;       // its lowest value since the warm-up (0: none yet): the spike test's reference
    double average_low = 0.0;      // its lowest since its window filled (0: none yet): the drift test's reference
    int64_t losses_seen = 0;       // accepted steps that entered the average
    int64_t rollbacks = 0;         // in the whole run
    int64_t rollbacks_in_a_row = 0;// since the last state that passed
};

}  // namespace qt
