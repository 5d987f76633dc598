#include "cpu/group_quant.h"

#include <algorithm>

namespace qt {

void dequantize_groups_host(const uint8_t* codes, const float* scales, const float* zeros, int64_t count, int group,
                            int bits, float* out) {
    const int64_t groups = (count + group - 1) / group;
#pragma omp parallel for if (count > 65536)
    for (int64_t g = 0; g < groups; ++g) {
        const GroupScale s{scales[g], zeros[g]};
        const int64_t end = std::min(count, (g + 1) * group);
        for (int64_t i = g * group; i < end; ++i) out[i] = group_value(group_code_at(codes, i, bits), s);
    }
}

void quantize_groups_host(const float* x, int64_t count, int group, int bits, uint8_t* codes, float* scales,
                          float* zeros, bool stochastic, uint64_t seed, uint64_t stream) {
    const int64_t groups = (count + group - 1) / group;
#pragma omp parallel for if (count > 65536)
    for (int64_t g = 0; g < groups; ++g) {
        const int64_t begin = g * group, end = std::min(count, (g + 1) * group);
        float lo = x[begin], hi = x[begin];
        for (int64_t i = begin; i < end; ++i) {
            lo = std::min(lo, x[i]);
            hi = std::max(hi, x[i]);
        }
        const GroupScale s = group_scale_from_range(lo, hi, bits);
        scales[g] = s.scale;
        zeros[g] = s.zero;
        // Groups of a 4-bit tensor start on a byte (group is even), so each group owns its bytes.
        for (int64_t i = begin; i < end; ++i) {
            const uint8_t q = stochastic ? group_code_stochastic(x[i], s, bits, philox_uniform(seed, stream, i))
                                         : group_code_nearest(x[i], s, bits);
            if (bits == 8) {
                codes[i] = q;
            } else if (i & 1) {
                codes[i >> 1] = static_cast<uint8_t>((codes[i >> 1] & 0x0F) | (q << 4));
            } else {
                codes[i >> 1] = static_cast<uint8_t>((codes[i >> 1] & 0xF0) | q);
            }
        }
    }
}

}  // namespace qt
