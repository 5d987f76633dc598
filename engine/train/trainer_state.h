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
};

}  // namespace qt
