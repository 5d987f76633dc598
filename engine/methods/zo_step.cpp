#include "methods/zo_step.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qt {

double spsa_projected_gradient(double loss_plus, double loss_minus, double eps) {
    return (loss_plus - loss_minus) / (2.0 * eps);
}

double clip_directional_derivative(double d, double clip_value) {
    if (!(clip_value > 0)) throw std::invalid_argument("clipping threshold C must be positive");
    return std::clamp(d, -clip_value, clip_value);
}

ZoStepResult zo_step(ZoParameters& params, ZoNoise noise, const ZoStepSettings& s, const std::function<double()>& loss) {
    ZoStepResult r;
    const auto eps = static_cast<float>(s.eps);
    params.perturb(noise, eps);
    r.loss_plus = loss();
    params.perturb(noise, -eps);
    r.loss_minus = loss();
    if (!std::isfinite(r.loss_plus) || !std::isfinite(r.loss_minus)) {
        params.finish_step(noise, 0.0f);
        r.non_finite = true;
        r.projected_grad = r.clipped_grad = std::nan("");
        return r;
    }
    // The estimate uses the eps that was asked for (as float, the value applied).
    r.projected_grad = spsa_projected_gradient(r.loss_plus, r.loss_minus, static_cast<double>(eps));
    r.clipped_grad = s.clip ? clip_directional_derivative(r.projected_grad, s.clip_value) : r.projected_grad;
    r.clipped = s.clip && std::fabs(r.projected_grad) > s.clip_value;
    r.update_coeff = static_cast<float>(s.lr * r.clipped_grad);
    params.finish_step(noise, r.update_coeff);
    return r;
}

}  // namespace qt
