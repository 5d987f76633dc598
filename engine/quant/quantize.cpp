#include "quant/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "quant/half.h"
#include "quant/quantize_k.h"

// Every product and sum below must round on its own, as numpy's float32
// arithmetic in gguf/quants.py does: a fused multiply-add (which -march=native
// allows GCC to form) changes codes at rounding ties. The pragma turns
// contraction off for this file alone (engine/CMakeLists.txt does the same for
// dequantize.cpp with -ffp-contract=off); the bit-exact test against gguf-py
// (tests/engine/test_quantize.cpp) fails if it ever stops working.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace qt {
namespace {

constexpr int kQK = 32;  // weights per block of the simple types

void store_fp16(uint8_t* p, float v) {
    const uint16_t h = fp32_to_fp16(v);
    std::memcpy(p, &h, 2);
}

// numpy's `abs(blocks).argmax()` then take: the first element of largest
// magnitude, with its sign (the block's scale is it divided by -8 or -16, so
// that element gets code 0).
float signed_extreme(const float* x) {
    int best = 0;
    float amax = std::fabs(x[0]);
    for (int j = 1; j < kQK; ++j)
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            best = j;
        }
    return x[best];
}

void block_min_max(const float* x, float& lo, float& hi) {
    lo = hi = x[0];
    for (int j = 1; j < kQK; ++j) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
}

// np.trunc(t).astype(np.uint8).clip(0, top): t >= 0 for finite inputs, so the
// truncation is a cast; the clip catches the element mapped just past the top.
int truncated_code(float t, int top) {
    const int q = t > 0 ? static_cast<int>(t) : 0;
    return std::min(q, top);
}

// 1 / d, or 0 for an all-zero block (np.where(d == 0, 0, 1 / d)).
float inverse_or_zero(float d) { return d == 0.0f ? 0.0f : 1.0f / d; }

// Nibble packing shared by Q4 and Q5: element j < 16 in the low nibble of
// qs[j], element j + 16 in the high nibble.
void pack_nibbles(const int* q, uint8_t* qs) {
    for (int j = 0; j < 16; ++j) qs[j] = static_cast<uint8_t>((q[j] & 0x0f) | ((q[j + 16] & 0x0f) << 4));
}

// The fifth bits of Q5 codes: bit j of the little-endian u32 qh is bit 4 of code j.
void store_fifth_bits(const int* q, uint8_t* p) {
    uint32_t qh = 0;
    for (int j = 0; j < kQK; ++j) qh |= static_cast<uint32_t>((q[j] >> 4) & 1) << j;
    std::memcpy(p, &qh, 4);
}

// Q4_0 (18 bytes): fp16 d | qs[16]. d = extreme / -8; q = trunc(x / d + 8.5), at most 15.
void quantize_q4_0(const float* x, uint8_t* out, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, x += kQK, out += 18) {
        const float d = signed_extreme(x) / -8.0f;
        const float id = inverse_or_zero(d);
        int q[kQK];
        for (int j = 0; j < kQK; ++j) {
            const float scaled = x[j] * id;
            q[j] = truncated_code(scaled + 8.5f, 15);
        }
        store_fp16(out, d);
        pack_nibbles(q, out + 2);
    }
}

// Q4_1 (20 bytes): fp16 d | fp16 m | qs[16]. m = min, d = (max - min) / 15;
// q = trunc((x - min) / d + 0.5), at most 15.
void quantize_q4_1(const float* x, uint8_t* out, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, x += kQK, out += 20) {
        float lo, hi;
        block_min_max(x, lo, hi);
        const float d = (hi - lo) / 15.0f;
        const float id = inverse_or_zero(d);
        int q[kQK];
        for (int j = 0; j < kQK; ++j) {
            const float scaled = (x[j] - lo) * id;
            q[j] = truncated_code(scaled + 0.5f, 15);
        }
        store_fp16(out, d);
        store_fp16(out + 2, lo);
        pack_nibbles(q, out + 4);
    }
}

// Q5_0 (22 bytes): fp16 d | u32 qh | qs[16]. d = extreme / -16;
// q = trunc(x / d + 16.5), at most 31.
void quantize_q5_0(const float* x, uint8_t* out, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, x += kQK, out += 22) {
        const float d = signed_extreme(x) / -16.0f;
        const float id = inverse_or_zero(d);
        int q[kQK];
        for (int j = 0; j < kQK; ++j) {
            const float scaled = x[j] * id;
            q[j] = truncated_code(scaled + 16.5f, 31);
        }
        store_fp16(out, d);
        store_fifth_bits(q, out + 2);
        pack_nibbles(q, out + 6);
    }
}

// Q5_1 (24 bytes): fp16 d | fp16 m | u32 qh | qs[16]. m = min, d = (max - min) / 31;
// q = trunc((x - min) / d + 0.5), at most 31.
void quantize_q5_1(const float* x, uint8_t* out, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, x += kQK, out += 24) {
        float lo, hi;
        block_min_max(x, lo, hi);
        const float d = (hi - lo) / 31.0f;
        const float id = inverse_or_zero(d);
        int q[kQK];
        for (int j = 0; j < kQK; ++j) {
            const float scaled = (x[j] - lo) * id;
            q[j] = truncated_code(scaled + 0.5f, 31);
        }
        store_fp16(out, d);
        store_fp16(out + 2, lo);
        store_fifth_bits(q, out + 4);
        pack_nibbles(q, out + 8);
    }
}

// Q8_0 (34 bytes): fp16 d | int8 qs[32]. d = max|x| / 127; q = x / d rounded
// half away from zero (gguf-py's np_roundf, which is roundf for floats).
void quantize_q8_0(const float* x, uint8_t* out, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, x += kQK, out += 34) {
        float amax = 0.0f;
        for (int j = 0; j < kQK; ++j) amax = std::max(amax, std::fabs(x[j]));
        const float d = amax / 127.0f;
        const float id = inverse_or_zero(d);
        store_fp16(out, d);
        for (int j = 0; j < kQK; ++j) {
            const float scaled = x[j] * id;
            const auto q = static_cast<int8_t>(std::round(scaled));
            std::memcpy(out + 2 + j, &q, 1);
        }
    }
}

}  // namespace

bool quantizable(GgmlType type) {
    switch (type) {
        case GgmlType::F32:
        case GgmlType::F16:
        case GgmlType::Q4_0:
        case GgmlType::Q4_1:
        case GgmlType::Q5_0:
        case GgmlType::Q5_1:
        case GgmlType::Q8_0:
        case GgmlType::Q4_K: return true;
        default: return false;
    }
}

void quantize_row(GgmlType type, const float* x, void* blocks, int64_t n) {
    const auto& tr = ggml_traits(type);
    if (!quantizable(type))
        throw std::invalid_argument("quantize_row: quantization to " + std::string(tr.name) +
                                    " is not supported (F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and Q4_K are)");
    if (n < 0 || n % tr.block_size != 0)
        throw std::invalid_argument("quantize_row: " + std::to_string(n) + " weights of " + std::string(tr.name) +
                                    " is not a multiple of its block size " + std::to_string(tr.block_size));
    auto* out = static_cast<uint8_t*>(blocks);
    const int64_t nb = n / tr.block_size;
    switch (type) {
        case GgmlType::F32: std::memcpy(out, x, static_cast<size_t>(n) * 4); return;
        case GgmlType::F16:
            for (int64_t i = 0; i < n; ++i) store_fp16(out + 2 * i, x[i]);
            return;
        case GgmlType::Q4_0: quantize_q4_0(x, out, nb); return;
        case GgmlType::Q4_1: quantize_q4_1(x, out, nb); return;
        case GgmlType::Q5_0: quantize_q5_0(x, out, nb); return;
        case GgmlType::Q5_1: quantize_q5_1(x, out, nb); return;
        case GgmlType::Q8_0: quantize_q8_0(x, out, nb); return;
        case GgmlType::Q4_K: quantize_q4_k(x, out, nb); return;
        default: break;
    }
    throw std::logic_error("quantize_row: quantizable() and the dispatch disagree on " + std::string(tr.name));
}

}  // namespace qt
