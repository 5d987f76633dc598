#pragma once
// One zeroth-order (SPSA) step, shared by QZO and MeZO (docs/methods.md):
//   l+ = L(theta + eps z);  l- = L(theta - eps z);  restore;
//   d  = (l+ - l-) / (2 eps)               the projected gradient
//   d' = clip(d, -C, C)                    QZO's directional derivative clipping
//                                          (Shang et al. 2025, Sec. "DDC"); MeZO: d' = d
//   theta <- rule(theta - eta d' z)        (ZoParameters::finish_step)
// z = philox_normal(seed, step, i): one seed per step, regenerated on every pass.
#include <functional>

#include "methods/zo_parameters.h"

namespace qt {

struct ZoStepSettings {
    double eps = 1e-3;
    double lr = 1e-6;
    bool clip = true;         // directional derivative clipping (QZO); off for MeZO
    double clip_value = 0.0;  // C > 0
};

struct ZoStepResult {
    double loss_plus = 0;
    double loss_minus = 0;
    double projected_grad = 0;  // d
    double clipped_grad = 0;    // d'
    bool clipped = false;       // |d| > C
    float update_coeff = 0;     // eta * d', as passed to finish_step
    bool non_finite = false;    // l+ or l- was NaN or infinite: theta restored, no update
};

double spsa_projected_gradient(double loss_plus, double loss_minus, double eps);
// clip(d, -C, C); C must be positive.
double clip_directional_derivative(double d, double clip_value);

// Runs one step at noise {seed, step}; `loss` evaluates the mini-batch loss with the
// model as it currently stands. A non-finite l+ or l- restores theta and skips the
// update (non_finite); what to do then is the divergence guard's call.
ZoStepResult zo_step(ZoParameters& params, ZoNoise noise, const ZoStepSettings& s, const std::function<double()>& loss);

}  // namespace qt
