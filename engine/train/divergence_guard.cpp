#include "train/divergence_guard.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace qt {

GuardVerdict judge_step(const StepRecord& r, const TrainerState& state, const GuardSettings& s) {
    GuardVerdict v;
    char text[160];
    if (!std::isfinite(r.loss)) {
        v.reject = true;
        if (r.first_order)
            std::snprintf(text, sizeof text, "the loss is not finite (%g)", r.loss);
        else
            std::snprintf(text, sizeof text, "the loss is not finite (l+ %g, l- %g)", r.result.loss_plus,
                          r.result.loss_minus);
        v.reason = text;
    } else if (r.first_order && !std::isfinite(r.grad_norm)) {
        v.reject = true;
        std::snprintf(text, sizeof text, "the gradient is not finite (norm %g)", r.grad_norm);
        v.reason = text;
    } else if (state.loss_floor > 0 && r.loss > s.spike_factor * state.loss_floor) {
        v.reject = true;
        std::snprintf(text, sizeof text, "loss spike: %.4g is more than %g x the running average's low %.4g", r.loss,
                      s.spike_factor, state.loss_floor);
        v.reason = text;
    } else if (s.drift_factor > 0 && state.average_low > 0 && state.losses_seen > std::max<int64_t>(s.average_window, 1)) {
        // The average this step's loss would make.
        const double average = state.loss_average + (r.loss - state.loss_average) / static_cast<double>(s.average_window);
        if (average > s.drift_factor * state.average_low) {
            v.reject = true;
            std::snprintf(text, sizeof text,
                          "loss drifting up: the running average %.4g is more than %g x its low %.4g", average,
                          s.drift_factor, state.average_low);
            v.reason = text;
        }
    }
    return v;
}

void accept_loss(TrainerState& state, double loss, const GuardSettings& s) {
    const int64_t window = std::max<int64_t>(s.average_window, 1);
    ++state.losses_seen;
    const double weight = 1.0 / static_cast<double>(std::min(state.losses_seen, window));
    state.loss_average += weight * (loss - state.loss_average);
    // The lows are minima of the average, set once it has the warm-up's losses (the
    // floor) or a full window (the drift test's low); 0 means not set yet. A rollback
    // rewinds the average but keeps the lows, so no reference ever rises.
    if (state.losses_seen >= std::max<int64_t>(s.warmup, 1))
        state.loss_floor = state.loss_floor > 0 ? std::min(state.loss_floor, state.loss_average) : state.loss_average;
    if (state.losses_seen >= window)
        state.average_low = state.average_low > 0 ? std::min(state.average_low, state.loss_average) : state.loss_average;
}

}  // namespace qt
