#pragma once
// Adam with block-wise 8-bit states, in the form of bitsandbytes' blockwise 8-bit
// optimizer (Dettmers et al. 2022, "8-bit Optimizers via Block-wise Quantization"):
// both moments are stored as dynamic-map codes (cpu/dynamic_map.h) times one
// float absolute maximum per block of kAdam8bitBlock values. A step dequantizes a
// block's moments, updates them and the parameters in float, then re-quantizes
// them against the block's new absolute maxima. Header-only for the CPU loop
// (backend/backend_galore_ops.cpp) and the CUDA kernel.
#include <cstdint>

#include "cpu/adamw_step.h"
#include "cpu/dynamic_map.h"

namespace qt {

inline constexpr int kAdam8bitBlock = 256;

// The new moments of one value: m, v in float from their codes.
QT_HD inline void adam8bit_moments(float g, float beta1, float beta2, float* m, float* v) {
    *m = *m * beta1 + (1.0f - beta1) * g;
    *v = *v * beta2 + (1.0f - beta2) * g * g;
}

// p after the step, from the new moments: decoupled weight decay, then
// p -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + eps * sqrt(1 - beta2^t)).
QT_HD inline float adam8bit_param(float p, float m, float v, float lr, float weight_decay, float step_size,
                                  float eps_hat) {
    if (weight_decay > 0.0f) p *= 1.0f - lr * weight_decay;
    return p - step_size * m / (__builtin_sqrtf(v) + eps_hat);
}

}  // namespace qt
