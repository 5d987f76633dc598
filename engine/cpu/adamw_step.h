#pragma once
// One AdamW step's settings (Loshchilov & Hutter 2019), as torch.optim.AdamW computes it:
//   p *= 1 - lr wd;  m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
//   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
#include <cstdint>

namespace qt {

struct AdamWStep {
    double lr = 1e-4, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    int64_t t = 1;  // step number, from 1
};

}  // namespace qt
