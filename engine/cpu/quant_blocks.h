#pragma once
// Weight block layouts as they lie in a GGUF file (ggml's block_q4_0 ... block_q6_K),
// so that the dot kernels can name fields instead of byte offsets. Scales are fp16
// bit patterns. Every struct has 2-byte alignment at most, so a row of blocks at
// any even address (GGUF data is 32-byte aligned, rows are whole blocks) is valid.
#include <cstdint>

namespace qt {

// w = (q - 8) * d; low nibbles hold elements 0-15, high nibbles 16-31.
struct BlockQ4_0 {
    uint16_t d;
    uint8_t qs[16];
};
// w = q * d + m.
struct BlockQ4_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qs[16];
};
// As Q4_0 with bit j of qh the fifth bit of element j; w = (q - 16) * d.
struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4];
    uint8_t qs[16];
};
// As Q4_1 with a fifth bit per element; w = q * d + m.
struct BlockQ5_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[16];
};
// The weight-side Q8_0 (same layout as the activation BlockQ8_0).
struct BlockQ8_0W {
    uint16_t d;
    int8_t qs[32];
};

// K-quants: super-blocks of 256.
constexpr int kQK = 256;

// 16 sub-blocks of 16; scales[j] low nibble = scale, high nibble = min;
// w = d * sc * q - dmin * m, q the 2-bit code.
struct BlockQ2_K {
    uint8_t scales[16];
    uint8_t qs[64];
    uint16_t d;
    uint16_t dmin;
};
// 16 sub-blocks of 16; 6-bit signed (offset 32) scales packed into 12 bytes;
// q = 2 low bits from qs, minus 4 where the hmask bit is clear.
struct BlockQ3_K {
    uint8_t hmask[32];
    uint8_t qs[64];
    uint8_t scales[12];
    uint16_t d;
};
// 8 sub-blocks of 32 with 6-bit scales and mins packed into 12 bytes;
// w = d * sc * q - dmin * m.
struct BlockQ4_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qs[128];
};
// As Q4_K with a fifth bit per element in qh.
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[12];
    uint8_t qh[32];
    uint8_t qs[128];
};
// 16 sub-blocks of 16 with int8 scales; q = 4 low bits (ql) | 2 high bits (qh) << 4,
// w = d * scale * (q - 32).
struct BlockQ6_K {
    uint8_t ql[128];
    uint8_t qh[64];
    int8_t scales[16];
    uint16_t d;
};

static_assert(sizeof(BlockQ4_0) == 18 && sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22 && sizeof(BlockQ5_1) == 24 && sizeof(BlockQ8_0W) == 34);
static_assert(sizeof(BlockQ2_K) == 84 && sizeof(BlockQ3_K) == 110 && sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176 && sizeof(BlockQ6_K) == 210);

// The 6-bit scale and min of sub-block j (0..7) of a Q4_K/Q5_K super-block:
// j < 4: low 6 bits of bytes j and j+4; j >= 4: a nibble of byte j+4 plus
// the top two bits of bytes j-4 (scale) and j (min).
inline void k_scale_min(const uint8_t* s, int j, int& scale, int& min) {
    if (j < 4) {
        scale = s[j] & 63;
        min = s[j + 4] & 63;
    } else {
        scale = (s[j + 4] & 0x0f) | ((s[j - 4] >> 6) << 4);
        min = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// The signed scale of sub-block j (0..15) of a Q3_K super-block: 4 low bits from
// a nibble of bytes 0-7, 2 high bits from bytes 8-11, minus 32.
inline int q3_k_scale(const uint8_t* s, int j) {
    const int low = j < 8 ? (s[j] & 0x0f) : (s[j - 8] >> 4);
    const int high = (s[8 + (j & 3)] >> (2 * (j >> 2))) & 3;
    return (low | (high << 4)) - 32;
}

}  // namespace qt
