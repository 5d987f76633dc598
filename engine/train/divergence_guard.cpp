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
    } else if (state.losses_seen >= std::max<int64_t>(s.warmup, 1) && r.loss > s.spike_factor * state.loss_floor) {
        v.reject = true;
        std::snprintf(text, sizeof text, "loss spike: %.4g is more than %g x the running average's low %.4g", r.loss,
                      s.spike_factor, state.loss_floor);
        v.reason = text;
    }
    return v;
}

void accept_loss(TrainerState& state, double loss, const GuardSettings& s) {
    const int64_t window = std::max<int64_t>(s.average_window, 1);
    ++state.losses_seen;
    const double weight = 1.0 / static_cast<double>(std::min(state.losses_seen, window));
    state.loss_average += weight * (loss - state.loss_average);
    // The floor follows the average from the warm-up on; before it, it is the average itself.
    if (state.losses_seen <= std::max<int64_t>(s.warmup, 1))
        state.loss_floor = state.loss_average;
    else
        state.loss_floor = std::min(state.loss_floor, state.loss_average);
}

}  // namespace qt
