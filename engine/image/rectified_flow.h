#pragma once
// Rectified flow (Esser et al. 2024, SD3) for the DiT (image/dit_backprop.h):
// x_t = (1 - t) x0 + t eps, eps ~ N(0, I); the network predicts v = eps - x0 and
// is trained on the mean squared error; t is logit-normal (t = sigmoid(m + s z));
// the class is dropped to the null class for a fraction of examples so that one
// network gives both halves of classifier-free guidance. Sampling: Euler steps
// from t = 1 (noise) to t = 0, x <- x - dt v, with v = v_u + w (v_c - v_u).
// Every random number comes from the counter-based generator (util/philox_normal.h),
// so a (seed, step) pair gives the same batch and a seed the same samples.
#include <cstdint>
#include <span>
#include <vector>

#include "image/dit_backprop.h"

namespace qt {

struct RectifiedFlowSettings {
    double logit_mean = 0.0, logit_std = 1.0;  // t = sigmoid(logit_mean + logit_std z)
    double drop_class = 0.1;                   // probability of the null class
};

// One training batch: the noisy images, their times and (possibly dropped) classes,
// and the velocity target.                       x_t, target: [n][C][S][S]; t, classes: [n]
struct FlowBatch {
    std::vector<float> x_t, t, target;
    std::vector<int32_t> classes;
};

// Draws step `step`'s noise, times and class drops for images x0 ([n][C][S][S], values
// in the model's range) with labels ([n], 0..n_classes-1).
FlowBatch make_flow_batch(const DitConfig& c, std::span<const float> x0, std::span<const int32_t> labels,
                          uint64_t seed, uint64_t step, const RectifiedFlowSettings& s = {});

// The mean over every value of (v_theta(x_t, t, class) - target)^2; with `backward`,
// also adds its gradient into the DiT's parameter gradients.
double flow_matching_loss(DitBackprop& dit, const FlowBatch& batch, bool backward);

struct SamplerSettings {
    int steps = 20;
    double guidance = 1.0;  // w: 1 is the conditional prediction alone, 0 the unconditional
    uint64_t seed = 0;
};

// One image per class in `classes` ([n], 0..n_classes, n_classes being "no class"),
// [n][C][S][S], from the Euler sampler; the same seed gives the same images.
std::vector<float> sample_images(DitBackprop& dit, std::span<const int32_t> classes, const SamplerSettings& s);

}  // namespace qt
