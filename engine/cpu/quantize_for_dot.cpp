// Scalar activation quantizers. Our logits are compared against llama.cpp's, so
// Q8_0/Q8_1 follow what ggml's CPU backend runs on x86 (quantize_row_q8_0/q8_1 in
// ggml-cpu/arch/x86/quants.c, AVX path), not the portable *_ref functions:
//   d = amax / 127, id = 127 / amax (not 1 / d), q = x * id rounded half to even
//   (_mm256_round_ps with _MM_ROUND_NEAREST; the _ref code's roundf rounds half away),
//   Q8_1's s = fp16(d * sum of the integer codes).
// Q8_K follows quantize_row_q8_K_ref, which ggml's CPU backend uses on every arch:
//   the signed value of largest magnitude `max` gives iscale = -127 / max,
//   q = min(127, nearest_int(iscale * x)) (half to even), d = 1 / iscale.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "cpu/quant_dot.h"
#include "cpu/quant_dot_kernels.h"
#include "quant/half.h"

namespace qt::dot_kernels {

void quantize_q8_0_scalar(const float* x, void* dst, int64_t n) {
    auto* y = static_cast<BlockQ8_0*>(dst);
    for (int64_t b = 0; b < n / 32; ++b, x += 32) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[b].d = fp32_to_fp16(d);
        for (int j = 0; j < 32; ++j) y[b].qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
    }
}

void quantize_q8_1_scalar(const float* x, void* dst, int64_t n) {
    auto* y = static_cast<BlockQ8_1*>(dst);
    for (int64_t b = 0; b < n / 32; ++b, x += 32) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        int sum = 0;
        for (int j = 0; j < 32; ++j) {
            const int q = static_cast<int>(std::nearbyint(x[j] * id));
            y[b].qs[j] = static_cast<int8_t>(q);
            sum += q;
        }
        y[b].d = fp32_to_fp16(d);
        y[b].s = fp32_to_fp16(d * static_cast<float>(sum));
    }
}

void quantize_q8_K_scalar(const float* x, void* dst, int64_t n) {
    auto* y = static_cast<BlockQ8_K*>(dst);
    for (int64_t b = 0; b < n / 256; ++b, x += 256) {
        float amax = 0, max = 0;
        for (int j = 0; j < 256; ++j) {
            if (std::fabs(x[j]) > amax) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        if (amax == 0.0f) {  // ggml leaves bsums unset here; we zero them
            std::memset(&y[b], 0, sizeof(BlockQ8_K));
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < 256; ++j)
            y[b].qs[j] = static_cast<int8_t>(std::min(127, static_cast<int>(std::nearbyint(iscale * x[j]))));
        for (int g = 0; g < 16; ++g) {
            int sum = 0;
            for (int j = 0; j < 16; ++j) sum += y[b].qs[g * 16 + j];
            y[b].bsums[g] = static_cast<int16_t>(sum);
        }
        y[b].d = 1.0f / iscale;
    }
}

}  // namespace qt::dot_kernels
