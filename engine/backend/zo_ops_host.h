#pragma once
// The zeroth-order training ops of backend.h (zo_write_scales, zo_update_masters,
// zo_add_noise, matmul_f32) as loops over memory the CPU can address: the CPU
// backend calls them in place, the base class's fallback on downloaded copies.
#include <cstdint>

#include "backend/backend.h"

namespace qt {

void zo_write_scales_host(const BlockFieldView& f, const float* master, float alpha, ZoNoise noise, uint64_t index0,
                          int n_threads);
void zo_update_masters_host(float* master, int64_t count, float coeff, bool keep_sign, ZoNoise noise,
                            uint64_t index0, int n_threads);
void zo_add_noise_host(float* x, int64_t count, float alpha, ZoNoise noise, uint64_t index0, int n_threads);
// y[t][r] = sum_k w[r][k] x[t][k].   w: [rows][cols]; x: [n][cols]; y: [n][rows]
void matmul_f32_host(const float* w, int64_t rows, int64_t cols, const float* x, float* y, int n, int n_threads);

}  // namespace qt
