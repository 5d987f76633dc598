#include "quant/dequantize.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "quant/half.h"

// Compiled with -ffp-contract=off (engine/CMakeLists.txt): each product and sum
// rounds separately, in the order gguf-py's numpy code (gguf/quants.py) uses,
// so results are bit-exact with it. Every intermediate is float32, as numpy's
// are: fp16 scales are widened exactly to float32 first, integer codes are
// converted exactly, and then e.g. Q4_K computes (d * sc) * q - (dmin * m)
// with three roundings, just like `d * qs - dm` on float32 arrays.
namespace qt {
namespace {

constexpr int kQK = 32;    // weights per block of the simple types
constexpr int kQK_K = 256;  // weights per K-quant super-block

float load_fp16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return fp16_to_fp32(v);
}

uint32_t load_u32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// F16: IEEE half per weight. F32/BF16 are handled inline in dequantize_row.
void dequantize_f16(const uint8_t* src, float* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = load_fp16(src + 2 * i);
}

void dequantize_bf16(const uint8_t* src, float* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        uint16_t v;
        std::memcpy(&v, src + 2 * i, 2);
        dst[i] = bf16_to_fp32(v);
    }
}

// Q4_0 (18 bytes): fp16 d | qs[16]. Element j < 16 is the low nibble of qs[j],
// element j + 16 the high nibble. w = d * (q - 8).
void dequantize_q4_0(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 18, dst += kQK) {
        const float d = load_fp16(src);
        const uint8_t* qs = src + 2;
        for (int j = 0; j < 16; ++j) {
            dst[j] = d * static_cast<float>((qs[j] & 0x0f) - 8);
            dst[j + 16] = d * static_cast<float>((qs[j] >> 4) - 8);
        }
    }
}

// Q4_1 (20 bytes): fp16 d | fp16 m | qs[16], nibbles as Q4_0. w = d * q + m.
void dequantize_q4_1(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 20, dst += kQK) {
        const float d = load_fp16(src);
        const float m = load_fp16(src + 2);
        const uint8_t* qs = src + 4;
        for (int j = 0; j < 16; ++j) {
            dst[j] = d * static_cast<float>(qs[j] & 0x0f) + m;
            dst[j + 16] = d * static_cast<float>(qs[j] >> 4) + m;
        }
    }
}

// The 5-bit code of element j of a Q5_0/Q5_1 block: low nibble as Q4_0, fifth
// bit is bit j of the little-endian u32 qh.
int q5_code(const uint8_t* qs, uint32_t qh, int j) {
    const int low = j < 16 ? (qs[j] & 0x0f) : (qs[j - 16] >> 4);
    return low | static_cast<int>(((qh >> j) & 1u) << 4);
}

// Q5_0 (22 bytes): fp16 d | u32 qh | qs[16]. w = d * (q - 16).
void dequantize_q5_0(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 22, dst += kQK) {
        const float d = load_fp16(src);
        const uint32_t qh = load_u32(src + 2);
        const uint8_t* qs = src + 6;
        for (int j = 0; j < kQK; ++j) dst[j] = d * static_cast<float>(q5_code(qs, qh, j) - 16);
    }
}

// Q5_1 (24 bytes): fp16 d | fp16 m | u32 qh | qs[16]. w = d * q + m.
void dequantize_q5_1(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 24, dst += kQK) {
        const float d = load_fp16(src);
        const float m = load_fp16(src + 2);
        const uint32_t qh = load_u32(src + 4);
        const uint8_t* qs = src + 8;
        for (int j = 0; j < kQK; ++j) dst[j] = d * static_cast<float>(q5_code(qs, qh, j)) + m;
    }
}

// Q8_0 (34 bytes): fp16 d | int8 qs[32]. w = q * d.
void dequantize_q8_0(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 34, dst += kQK) {
        const float d = load_fp16(src);
        const auto* qs = reinterpret_cast<const int8_t*>(src + 2);
        for (int j = 0; j < kQK; ++j) dst[j] = static_cast<float>(qs[j]) * d;
    }
}

// Q2_K (84 bytes): scales[16] | qs[64] | fp16 d | fp16 dmin.
// Sixteen sub-blocks of 16; scales[i] holds the 4-bit scale (low) and min (high)
// of sub-block i. Element e = 128 * h + 32 * s + l (h < 2, s < 4, l < 32) is
// bits 2s..2s+1 of qs[32 * h + l]. w = (d * sc) * q - (dmin * mn).
void dequantize_q2_k(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 84, dst += kQK_K) {
        const uint8_t* scales = src;
        const uint8_t* qs = src + 16;
        const float d = load_fp16(src + 80);
        const float dmin = load_fp16(src + 82);
        float dl[16], ml[16];
        for (int i = 0; i < 16; ++i) {
            dl[i] = d * static_cast<float>(scales[i] & 0x0f);
            ml[i] = dmin * static_cast<float>(scales[i] >> 4);
        }
        for (int e = 0; e < kQK_K; ++e) {
            const int h = e / 128, s = (e / 32) % 4, l = e % 32;
            const int q = (qs[32 * h + l] >> (2 * s)) & 3;
            dst[e] = dl[e / 16] * static_cast<float>(q) - ml[e / 16];
        }
    }
}

// Q3_K (110 bytes): hmask[32] | qs[64] | scales[12] | fp16 d.
// Sixteen sub-blocks of 16 with signed 6-bit scales: low 4 bits of scale i are
// the nibble i / 8 of scales[i % 8], the top 2 bits are bits 2 * (i / 4) of
// scales[8 + i % 4]; the stored value is offset by 32. Element e's low 2 bits
// are laid out as in Q2_K; its high bit is bit e / 32 of hmask[e % 32], and a
// clear high bit subtracts 4. w = (d * (sc - 32)) * q.
void dequantize_q3_k(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 110, dst += kQK_K) {
        const uint8_t* hmask = src;
        const uint8_t* qs = src + 32;
        const uint8_t* scales = src + 96;
        const float d = load_fp16(src + 108);
        float dl[16];
        for (int i = 0; i < 16; ++i) {
            const int low = (scales[i % 8] >> (4 * (i / 8))) & 0x0f;
            const int high = (scales[8 + i % 4] >> (2 * (i / 4))) & 0x03;
            dl[i] = d * static_cast<float>((low | (high << 4)) - 32);
        }
        for (int e = 0; e < kQK_K; ++e) {
            const int h = e / 128, s = (e / 32) % 4, l = e % 32;
            const int low = (qs[32 * h + l] >> (2 * s)) & 3;
            const bool high_set = (hmask[l] >> (e / 32)) & 1;
            const int q = low - (high_set ? 0 : 4);
            dst[e] = dl[e / 16] * static_cast<float>(q);
        }
    }
}

// Unpacks the 6-bit scale and min of sub-block j (< 8) from the 12 packed
// bytes of Q4_K/Q5_K: for j < 4 they are the low 6 bits of bytes j and j + 4;
// for j >= 4 the low 4 bits come from byte j + 4 (scale: low nibble, min: high
// nibble) and the top 2 bits from the spare top bits of bytes j - 4 and j.
void k_scale_min(const uint8_t* packed, int j, int& sc, int& mn) {
    if (j < 4) {
        sc = packed[j] & 0x3f;
        mn = packed[j + 4] & 0x3f;
    } else {
        sc = (packed[j + 4] & 0x0f) | ((packed[j - 4] >> 2) & 0x30);
        mn = (packed[j + 4] >> 4) | ((packed[j] >> 2) & 0x30);
    }
}

// Q4_K (144 bytes): fp16 d | fp16 dmin | scales[12] | qs[128].
// Eight sub-blocks of 32; element e = 64 * c + 32 * h + l is nibble h of
// qs[32 * c + l]. w = (d * sc) * q - (dmin * mn).
void dequantize_q4_k(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 144, dst += kQK_K) {
        const float d = load_fp16(src);
        const float dmin = load_fp16(src + 2);
        const uint8_t* scales = src + 4;
        const uint8_t* qs = src + 16;
        for (int sub = 0; sub < 8; ++sub) {
            int sc, mn;
            k_scale_min(scales, sub, sc, mn);
            const float ds = d * static_cast<float>(sc);
            const float dm = dmin * static_cast<float>(mn);
            const uint8_t* q = qs + 32 * (sub / 2);
            const int shift = 4 * (sub % 2);
            for (int l = 0; l < 32; ++l)
                dst[32 * sub + l] = ds * static_cast<float>((q[l] >> shift) & 0x0f) - dm;
        }
    }
}

// Q5_K (176 bytes): fp16 d | fp16 dmin | scales[12] | qh[32] | qs[128].
// As Q4_K, plus a fifth bit: bit e / 32 of qh[e % 32]. w = (d * sc) * q - (dmin * mn).
void dequantize_q5_k(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 176, dst += kQK_K) {
        const float d = load_fp16(src);
        const float dmin = load_fp16(src + 2);
        const uint8_t* scales = src + 4;
        const uint8_t* qh = src + 16;
        const uint8_t* qs = src + 48;
        for (int sub = 0; sub < 8; ++sub) {
            int sc, mn;
            k_scale_min(scales, sub, sc, mn);
            const float ds = d * static_cast<float>(sc);
            const float dm = dmin * static_cast<float>(mn);
            const uint8_t* q = qs + 32 * (sub / 2);
            const int shift = 4 * (sub % 2);
            for (int l = 0; l < 32; ++l) {
                const int code = ((q[l] >> shift) & 0x0f) | (((qh[l] >> sub) & 1) << 4);
                dst[32 * sub + l] = ds * static_cast<float>(code) - dm;
            }
        }
    }
}

// Q6_K (210 bytes): ql[128] | qh[64] | int8 scales[16] | fp16 d.
// Sixteen sub-blocks of 16. Element e = 128 * h + 32 * s + l (h < 2, s < 4,
// l < 32): low 4 bits are nibble s / 2 of ql[64 * h + 32 * (s % 2) + l], high
// 2 bits are bits 2s..2s+1 of qh[32 * h + l]; stored offset by 32.
// w = (d * scale) * (q - 32).
void dequantize_q6_k(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 210, dst += kQK_K) {
        const uint8_t* ql = src;
        const uint8_t* qh = src + 128;
        const auto* scales = reinterpret_cast<const int8_t*>(src + 192);
        const float d = load_fp16(src + 208);
        float ds[16];
        for (int i = 0; i < 16; ++i) ds[i] = d * static_cast<float>(scales[i]);
        for (int e = 0; e < kQK_K; ++e) {
            const int h = e / 128, s = (e / 32) % 4, l = e % 32;
            const int low = (ql[64 * h + 32 * (s % 2) + l] >> (4 * (s / 2))) & 0x0f;
            const int high = (qh[32 * h + l] >> (2 * s)) & 0x03;
            dst[e] = ds[e / 16] * static_cast<float>((low | (high << 4)) - 32);
        }
    }
}

}  // namespace

void dequantize_row(GgmlType type, const void* src_v, float* dst, int64_t n) {
    const auto* src = static_cast<const uint8_t*>(src_v);
    const auto& tr = ggml_traits(type);
    if (n < 0 || n % tr.block_size != 0)
        throw std::invalid_argument("dequantize_row: " + std::to_string(n) + " weights of " + std::string(tr.name) +
                                    " is not a multiple of its block size " + std::to_string(tr.block_size));
    const int64_t nb = n / tr.block_size;
    switch (type) {
        case GgmlType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); return;
        case GgmlType::F16: dequantize_f16(src, dst, n); return;
        case GgmlType::BF16: dequantize_bf16(src, dst, n); return;
        case GgmlType::Q4_0: dequantize_q4_0(src, dst, nb); return;
        case GgmlType::Q4_1: dequantize_q4_1(src, dst, nb); return;
        case GgmlType::Q5_0: dequantize_q5_0(src, dst, nb); return;
        case GgmlType::Q5_1: dequantize_q5_1(src, dst, nb); return;
        case GgmlType::Q8_0: dequantize_q8_0(src, dst, nb); return;
        case GgmlType::Q2_K: dequantize_q2_k(src, dst, nb); return;
        case GgmlType::Q3_K: dequantize_q3_k(src, dst, nb); return;
        case GgmlType::Q4_K: dequantize_q4_k(src, dst, nb); return;
        case GgmlType::Q5_K: dequantize_q5_k(src, dst, nb); return;
        case GgmlType::Q6_K: dequantize_q6_k(src, dst, nb); return;
        default: break;
    }
    throw std::invalid_argument("dequantize_row: dequantization of " + std::string(tr.name) + " is not supported");
}

}  // namespace qt
