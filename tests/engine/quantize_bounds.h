#pragma once
// How far dequantize(quantize(x)) may lie from x under gguf-py's rounding, one
// block at a time: half a quantization step, plus the distance to the range
// the codes can reach (Q4_0/Q5_0 map the block's extreme to code 0, so values
// of the other sign beyond (c - 1/2) steps clip to the top code), plus what
// storing d (and m) as fp16 moves the reconstruction. A quantizer that
// truncates instead of rounding, or uses the wrong scale, is off by up to a
// whole step and breaks it. Shared by test_quantize.cpp and test_merged_export.cpp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "quant/ggml_type.h"
#include "quant/half.h"

namespace qt::test {

struct ElementBound {
    double bound = 0;      // the largest |dequantized - x| allowed
    double half_step = 0;  // half the block's quantization step (0 for F32 / F16)
};

inline float stored_fp16(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return fp16_to_fp32(h);
}

// `x` is the block of floats the quantizer saw (block_size values, 1 for F32/F16),
// `blk` the bytes it wrote; `j` the element within the block.
inline ElementBound quantization_error_bound(GgmlType type, const float* x, const uint8_t* blk, int j) {
    ElementBound e;
    const int n = static_cast<int>(ggml_traits(type).block_size);
    float lo = x[0], hi = x[0], amax = 0, extreme = x[0];
    for (int k = 0; k < n; ++k) {
        lo = std::min(lo, x[k]);
        hi = std::max(hi, x[k]);
        if (std::fabs(x[k]) > amax) {
            amax = std::fabs(x[k]);
            extreme = x[k];
        }
    }
    const double rel = 4.0 * 1.1920929e-07;  // a few float roundings of the scaled value
    switch (type) {
        case GgmlType::F32: return e;
        case GgmlType::F16:
            e.bound = std::fabs(x[j]) * std::ldexp(1.0, -11) + std::ldexp(1.0, -25);
            return e;
        case GgmlType::Q8_0: {
            const double d = amax / 127.0f;
            e.half_step = 0.5 * d;
            e.bound = e.half_step + 127.0 * std::fabs(stored_fp16(blk) - d) + rel * amax;
            return e;
        }
        case GgmlType::Q4_0:
        case GgmlType::Q5_0: {
            const double c = type == GgmlType::Q4_0 ? 8 : 16;
            const double d = extreme / -static_cast<float>(c);
            const double end1 = -c * d, end2 = (c - 1) * d;  // codes 0 and top
            const double clip = std::max({0.0, std::min(end1, end2) - x[j], x[j] - std::max(end1, end2)});
            e.half_step = 0.5 * std::fabs(d);
            e.bound = e.half_step + clip + c * std::fabs(stored_fp16(blk) - d) + rel * amax;
            return e;
        }
        case GgmlType::Q4_1:
        case GgmlType::Q5_1: {
            const double top = type == GgmlType::Q4_1 ? 15 : 31;
            const double d = (hi - lo) / static_cast<float>(top);
            e.half_step = 0.5 * d;
            e.bound = e.half_step + top * std::fabs(stored_fp16(blk) - d) + std::fabs(stored_fp16(blk + 2) - lo) +
                      rel * std::max(std::fabs(lo), std::fabs(hi));
            return e;
        }
        default: break;
    }
    e.bound = -1;  // no bound known: every comparison fails
    return e;
}

}  // namespace qt::test
