#pragma once
// What a zeroth-order method perturbs and updates: a flat vector theta of size()
// float32 values, value i paired with the noise z_i = philox_normal(seed, step, i)
// (train/philox_normal.h), so that z is regenerated on each pass and never stored.
#include <cstdint>
#include <string>

#include "backend/backend.h"

namespace qt {

class ZoParameters {
public:
    virtual ~ZoParameters() = default;
    virtual std::string method_name() const = 0;
    virtual int64_t size() const = 0;
    // Bytes of float32 training state (the master copy) the method holds.
    virtual int64_t trainable_bytes() const = 0;

    // From here on the model computes with theta + alpha * z(noise) (whatever
    // perturbation of the same step came before).
    virtual void perturb(ZoNoise noise, float alpha) = 0;
    // Ends the step: removes the perturbation and applies the method's update
    // theta <- rule(theta - coeff * z(noise)); coeff == 0 only restores.
    virtual void finish_step(ZoNoise noise, float coeff) = 0;

    // theta[offset .. offset+count) as float32, for checkpoints; write() also makes
    // the model compute with the new values. Only between steps.
    virtual void read(int64_t offset, int64_t count, float* dst) = 0;
    virtual void write(int64_t offset, int64_t count, const float* src) = 0;
};

}  // namespace qt
