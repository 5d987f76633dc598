// float32 -> Q4_K, the rule of ggml's reference quantizer (quantize_row_q4_K_ref,
// what llama.cpp's quantizer runs for Q4_K tensors when no importance matrix is
// given), which gguf-py does not have: the test compares with the Q4_K tensors
// that llama.cpp's own llama_model_quantize writes (tests/engine/test_quantize_q4_k.cpp).
//
// A super-block of 256 weights is 8 sub-blocks of 32, each x ~ d * sc_j * q - dmin * m_j
// with q in 0..15 and 6-bit sc_j, m_j. Per sub-block a weighted least-squares
// search (below) finds its float scale and min; the 8 scales and mins are then
// quantized to 6 bits against the largest of each, and the codes recomputed
// with the scales and mins as stored. Layout (144 bytes): fp16 d | fp16 dmin |
// scales[12] (6-bit sc and m of 8 sub-blocks) | qs[128] (sub-blocks 2k and 2k+1
// in the low and high nibbles of 32 bytes).
#include "quant/quantize_k.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "quant/half.h"

// Every product and sum rounds on its own, as ggml's C does with contraction off
// (see quantize.cpp).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace qt {
namespace {

constexpr int kSuper = 256;
constexpr int kSub = 32;
constexpr int kSubBlocks = kSuper / kSub;

// Round half to even, as ggml's nearest_int (the 1.5 * 2^23 trick) does.
int nearest_int(float v) { return static_cast<int>(std::nearbyint(v)); }

// The scale and min of one sub-block: codes L in 0..nmax with x ~ scale * L + min,
// min <= 0, chosen by weighted least squares over nstep trial scales around the
// plain (max - min) / nmax one. Returns the scale; *neg_min is -min.
float fit_scale_min(const float* x, const float* w, int n, int nmax, uint8_t* L, float* neg_min) {
    constexpr float rmin = -1.0f, rdelta = 0.1f;
    constexpr int nstep = 20;
    float lo = x[0], hi = x[0];
    float sum_w = w[0], sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (lo > 0) lo = 0;
    if (hi == lo) {
        std::fill(L, L + n, uint8_t{0});
        *neg_min = -lo;
        return 0.0f;
    }
    float iscale = static_cast<float>(nmax) / (hi - lo);
    float scale = 1.0f / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        const int l = std::clamp(nearest_int(iscale * (x[i] - lo)), 0, nmax);
        L[i] = static_cast<uint8_t>(l);
        const float diff = scale * static_cast<float>(l) + lo - x[i];
        best_error += w[i] * (diff * diff);
    }
    uint8_t trial[kSub];
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * static_cast<float>(is) + static_cast<float>(nmax)) / (hi - lo);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            const int l = std::clamp(nearest_int(iscale * (x[i] - lo)), 0, nmax);
            trial[i] = static_cast<uint8_t>(l);
            const float fl = static_cast<float>(l);
            sum_l += w[i] * fl;
            sum_l2 += w[i] * fl * fl;
            sum_xl += w[i] * fl * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (!(D > 0)) continue;
        float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
        float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
        if (this_min > 0) {
            this_min = 0;
            this_scale = sum_xl / sum_l2;
        }
        float error = 0;
        for (int i = 0; i < n; ++i) {
            const float diff = this_scale * static_cast<float>(trial[i]) + this_min - x[i];
            error += w[i] * (diff * diff);
        }
        if (error < best_error) {
            std::copy(trial, trial + n, L);
            best_error = error;
            scale = this_scale;
            lo = this_min;
        }
    }
    *neg_min = -lo;
    return scale;
}

// Sub-block j's 6-bit scale and min from the 12 packed bytes: j < 4 in the low
// 6 bits of bytes j and j + 4; j >= 4 in the nibbles of byte j + 4 with their top
// two bits in the high bits of bytes j - 4 and j.
void store_scale_min(uint8_t* s, int j, int sc, int m) {
    if (j < 4) {
        s[j] = static_cast<uint8_t>(sc);
        s[j + 4] = static_cast<uint8_t>(m);
    } else {
        s[j + 4] = static_cast<uint8_t>((sc & 0xF) | ((m & 0xF) << 4));
        s[j - 4] |= static_cast<uint8_t>((sc >> 4) << 6);
        s[j] |= static_cast<uint8_t>((m >> 4) << 6);
    }
}

void load_scale_min(const uint8_t* s, int j, int& sc, int& m) {
    if (j < 4) {
        sc = s[j] & 63;
        m = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4);
        m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

void quantize_super_block(const float* x, uint8_t* out) {
    uint8_t L[kSuper];
    float scales[kSubBlocks], mins[kSubBlocks];
    float weights[kSub];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < kSubBlocks; ++j) {
        // Each weight counts by its sub-block's rms plus its own size: large weights fit best.
        float sum_x2 = 0;
        for (int l = 0; l < kSub; ++l) sum_x2 += x[kSub * j + l] * x[kSub * j + l];
        const float av_x = std::sqrt(sum_x2 / kSub);
        for (int l = 0; l < kSub; ++l) weights[l] = av_x + std::fabs(x[kSub * j + l]);
        scales[j] = fit_scale_min(x + kSub * j, weights, kSub, 15, L + kSub * j, &mins[j]);
        max_scale = std::max(max_scale, scales[j]);
        max_min = std::max(max_min, mins[j]);
    }
    uint8_t* packed = out + 4;
    std::memset(packed, 0, 12);
    const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
    for (int j = 0; j < kSubBlocks; ++j)
        store_scale_min(packed, j, std::min(nearest_int(inv_scale * scales[j]), 63),
                        std::min(nearest_int(inv_min * mins[j]), 63));
    const uint16_t d16 = fp32_to_fp16(max_scale / 63.0f);
    const uint16_t dmin16 = fp32_to_fp16(max_min / 63.0f);
    std::memcpy(out, &d16, 2);
    std::memcpy(out + 2, &dmin16, 2);
    // The codes again, against the scales and mins as stored.
    const float d = fp16_to_fp32(d16), dmin = fp16_to_fp32(dmin16);
    for (int j = 0; j < kSubBlocks; ++j) {
        int sc = 0, m = 0;
        load_scale_min(packed, j, sc, m);
        const float dj = d * static_cast<float>(sc);
        if (dj == 0.0f) continue;
        const float mj = dmin * static_cast<float>(m);
        for (int i = 0; i < kSub; ++i)
            L[kSub * j + i] = static_cast<uint8_t>(std::clamp(nearest_int((x[kSub * j + i] + mj) / dj), 0, 15));
    }
    uint8_t* qs = out + 16;
    for (int j = 0; j < kSuper; j += 64, qs += 32)
        for (int l = 0; l < 32; ++l) qs[l] = static_cast<uint8_t>(L[j + l] | (L[j + l + 32] << 4));
}

}  // namespace

void quantize_q4_k(const float* x, uint8_t* out, int64_t n_super_blocks) {
    for (int64_t b = 0; b < n_super_blocks; ++b) quantize_super_block(x + b * kSuper, out + b * 144);
}

}  // namespace qt
