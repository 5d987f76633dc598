#pragma once
// Asymmetric min/max quantization of contiguous groups, the layout Q-GaLore keeps
// its INT8 weights and INT4 projections in (Zhang et al. 2024): a tensor is
// flattened and cut into groups of `group` values (the last may be shorter); a
// group holds codes q in [0, 2^bits - 1], a float scale and a float zero point,
// and stands for (q - zero) * scale. The per-value formulas are here, header-only
// and free of the standard library, so the CPU loops (cpu/group_quant.cpp) and
// the CUDA kernels compute the same codes.
//   scale = max(max - min, 1e-5) / (2^bits - 1)
//   zero  = -round(min / scale)
//   q     = clamp(round(x / scale) + zero, 0, 2^bits - 1)          (nearest)
//   q     = clamp(floor(x / scale) + [u < frac(x / scale)] + zero)   (stochastic, u ~ U[0, 1))
// Stochastic rounding rounds up with probability equal to the fractional part, so
// E[dequantized] = x inside the clamp range: an update far smaller than a step of
// the grid still moves the weight in expectation instead of vanishing.
#include <cstdint>

#include "util/philox_normal.h"  // QT_HD

namespace qt {

QT_HD inline float group_quant_max_code(int bits) { return static_cast<float>((1 << bits) - 1); }

struct GroupScale {
    float scale;
    float zero;
};

QT_HD inline GroupScale group_scale_from_range(float lo, float hi, int bits) {
    const float qmax = group_quant_max_code(bits);
    const float range = hi - lo > 1e-5f ? hi - lo : 1e-5f;
    const float scale = range / qmax;
    return {scale, -__builtin_rintf(lo / scale)};  // round half to even, as torch.round
}

QT_HD inline uint8_t group_code_nearest(float x, GroupScale s, int bits) {
    const float qmax = group_quant_max_code(bits);
    float q = __builtin_rintf(x / s.scale) + s.zero;
    q = q < 0.0f ? 0.0f : (q > qmax ? qmax : q);
    return static_cast<uint8_t>(q);
}

QT_HD inline uint8_t group_code_stochastic(float x, GroupScale s, int bits, float u) {
    const float qmax = group_quant_max_code(bits);
    const float t = x / s.scale;
    const float down = __builtin_floorf(t);
    float q = down + (u < t - down ? 1.0f : 0.0f) + s.zero;
    q = q < 0.0f ? 0.0f : (q > qmax ? qmax : q);
    return static_cast<uint8_t>(q);
}

QT_HD inline float group_value(uint8_t q, GroupScale s) { return (static_cast<float>(q) - s.zero) * s.scale; }

// Code i of a packed array: one byte each for 8 bits; two a byte for 4 bits, the
// even index in the low nibble.
QT_HD inline uint8_t group_code_at(const uint8_t* codes, int64_t i, int bits) {
    if (bits == 8) return codes[i];
    const uint8_t b = codes[i >> 1];
    return (i & 1) ? static_cast<uint8_t>(b >> 4) : static_cast<uint8_t>(b & 0x0F);
}

}  // namespace qt

#if !defined(__CUDACC__)
namespace qt {

// The host loops (cpu/group_quant.cpp), parallel over groups. codes: packed as
// group_code_at reads them; scales, zeros: one per group.
void dequantize_groups_host(const uint8_t* codes, const float* scales, const float* zeros, int64_t count, int group,
                            int bits, float* out);
// Stochastic when `stochastic`, with u(seed, stream, i) for value i.
void quantize_groups_host(const float* x, int64_t count, int group, int bits, uint8_t* codes, float* scales,
                          float* zeros, bool stochastic, uint64_t seed, uint64_t stream);

}  // namespace qt
#endif
