#pragma once
// A weight matrix expanded once from its blocks into a float32 copy that replaces
// it in the model, so the forward runs on floats (Backend::matmul_f32) and a method
// can change every value: MeZO's perturbed weights, full fine-tuning's master weights.
#include <vector>

#include "backend/backend.h"

namespace qt {

// The matrix's values as float32 on the host, row after row.
std::vector<float> host_float_values(const WeightTensor& w, Backend& backend);

// The quantized matrix is released (or, if mapped, no longer counted); the copy
// counts under `category`.
void replace_with_float32_copy(WeightTensor& w, Backend& backend, MemoryCategory category);

}  // namespace qt
