#pragma once
// What a zeroth-order method perturbs and updates: a flat vector theta of size()
// float32 values, value i paired with the noise z_i = philox_normal(seed, step, i)
// (util/philox_normal.h), so that z is regenerated on each pass and never stored.
#include <cstdint>
#include <string>

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
};

}  // namespace qt
