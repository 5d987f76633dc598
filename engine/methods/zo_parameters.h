#pragma once
// What a zeroth-order method perturbs and updates: a flat vector theta of size()
// float32 values, value i paired with the noise z_i = philox_normal(seed, step, i)
// (util/philox_normal.h), so that z is regenerated on each pass and never stored.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "methods/trainable_state.h"

namespace qt {

class ZoParameters : public TrainableState {
public:
    // From here on the model computes with theta + alpha * z(noise) (whatever
    // perturbation of the same step came before).
    virtual void perturb(ZoNoise noise, float alpha) = 0;
    // Ends the step: removes the perturbation and applies the method's update
    // theta <- rule(theta - coeff * z(noise)); coeff == 0 only restores.
    virtual void finish_step(ZoNoise noise, float coeff) = 0;

    // The perturbation's unit (QZO's block scales; QzoOptions::relative_eps): whether
    // eps, the update and the clip are in units of each weight's median scale.
    // Methods that train no block scale have no unit to choose.
    virtual bool relative_eps() const { return false; }
    // One line per weight whose own scale an absolute `eps` would move by more than
    // max_share of itself, worst first (empty where none, or where the method has no scales).
    virtual std::vector<std::string> eps_warnings(double /*eps*/, double /*max_share*/ = 0.1) const { return {}; }
    // Switches the scales to the relative unit; only before the first step.
    // Throws std::logic_error where the method trains no block scale.
    virtual void use_relative_eps() {
        throw std::logic_error(method_name() + " trains no block scale, so its perturbation has no relative unit");
    }
    // What the method has to say before its first step with this eps: facts
    // (notes) and settings that look wrong (warnings), for the CLI and the GUI.
    virtual std::vector<StartupMessage> startup_messages(double /*eps*/) const { return {}; }
};

}  // namespace qt
