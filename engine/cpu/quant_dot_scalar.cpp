// Portable scalar dot kernels, one per weight type: integer dots per block, then
// one float multiply-add per block with the two scales, in ggml's reference order.
#include <cstring>

#include "cpu/quant_blocks.h"
#include "cpu/quant_dot.h"
#include "cpu/quant_dot_kernels.h"
#include "quant/half.h"

namespace qt::dot_kernels {
namespace {

float h2f(uint16_t h) { return fp16_to_fp32(h); }

uint32_t load_u32(const uint8_t* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// The legacy types share one loop: blocks of 32 weights, byte j of a block giving
// the codes of weights j and j + 16 (Codes returns them), an integer dot with the
// block's 8-bit activations, and Combine turning it into the block's float term.
struct CodePair {
    int lo, hi;
};

template <class W, class X, class Codes, class Combine>
float blocks_of_32(int64_t n, const void* wv, const void* xv, Codes codes, Combine combine) {
    const auto* w = static_cast<const W*>(wv);
    const auto* x = static_cast<const X*>(xv);
    float sum = 0;
    for (int64_t b = 0; b < n / 32; ++b) {
        int acc = 0;
        for (int j = 0; j < 16; ++j) {
            const CodePair c = codes(w[b], j);
            acc += c.lo * x[b].qs[j] + c.hi * x[b].qs[j + 16];
        }
        sum += combine(w[b], x[b], acc);
    }
    return sum;
}

// Q4_0, Q5_0, Q8_0: sum = d d_x (q . p).
template <class W>
float symmetric_term(const W& w, const BlockQ8_0& x, int acc) {
    return static_cast<float>(acc) * (h2f(w.d) * h2f(x.d));
}
// Q4_1, Q5_1: sum_j (d q_j + m) d_x p_j = d d_x sum(q p) + m s_x, with s_x = d_x sum(p).
template <class W>
float with_min_term(const W& w, const BlockQ8_1& x, int acc) {
    return (h2f(w.d) * h2f(x.d)) * static_cast<float>(acc) + h2f(w.m) * h2f(x.s);
}

CodePair nibbles(const uint8_t* qs, int j) { return {qs[j] & 0x0f, qs[j] >> 4}; }
// Q5: the nibbles plus bit j (and j + 16) of qh as their fifth bit.
CodePair five_bits(const uint8_t* qs, const uint8_t* qh_bytes, int j) {
    const uint32_t qh = load_u32(qh_bytes);
    const CodePair c = nibbles(qs, j);
    return {c.lo | static_cast<int>(((qh >> j) & 1u) << 4), c.hi | static_cast<int>(((qh >> (j + 16)) & 1u) << 4)};
}

float q4_0_q8_0(int64_t n, const void* wv, const void* xv) {
    return blocks_of_32<BlockQ4_0, BlockQ8_0>(
        n, wv, xv,
        [](const BlockQ4_0& w, int j) {
            const CodePair c = nibbles(w.qs, j);
            return CodePair{c.lo - 8, c.hi - 8};
        },
        symmetric_term<BlockQ4_0>);
}

float q4_1_q8_1(int64_t n, const void* wv, const void* xv) {
    return blocks_of_32<BlockQ4_1, BlockQ8_1>(
        n, wv, xv, [](const BlockQ4_1& w, int j) { return nibbles(w.qs, j); }, with_min_term<BlockQ4_1>);
}

float q5_0_q8_0(int64_t n, const void* wv, const void* xv) {
    return blocks_of_32<BlockQ5_0, BlockQ8_0>(
        n, wv, xv,
        [](const BlockQ5_0& w, int j) {
            const CodePair c = five_bits(w.qs, w.qh, j);
            return CodePair{c.lo - 16, c.hi - 16};
        },
        symmetric_term<BlockQ5_0>);
}

float q5_1_q8_1(int64_t n, const void* wv, const void* xv) {
    return blocks_of_32<BlockQ5_1, BlockQ8_1>(
        n, wv, xv, [](const BlockQ5_1& w, int j) { return five_bits(w.qs, w.qh, j); }, with_min_term<BlockQ5_1>);
}

float q8_0_q8_0(int64_t n, const void* wv, const void* xv) {
    return blocks_of_32<BlockQ8_0W, BlockQ8_0>(
        n, wv, xv, [](const BlockQ8_0W& w, int j) { return CodePair{w.qs[j], w.qs[j + 16]}; },
        symmetric_term<BlockQ8_0W>);
}

// Q2_K: sum = d d_x sum_g sc_g (q . p)_g - dmin d_x sum_g m_g bsum_g over 16 groups of 16.
// Group g = 8 * chunk + 2 * shift + half holds bit pair `shift` of bytes
// qs[32 * chunk + 16 * half ...]. Loops are laid out so that the compiler can vectorize them.
float q2_k_q8_k(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const BlockQ2_K*>(wv);
    const auto* x = static_cast<const BlockQ8_K*>(xv);
    float sum = 0;
    for (int64_t b = 0; b < n / kQK; ++b) {
        int mins = 0;
        for (int g = 0; g < 16; ++g) mins += x[b].bsums[g] * (w[b].scales[g] >> 4);
        int acc = 0;
        for (int chunk = 0; chunk < 2; ++chunk) {
            for (int shift = 0; shift < 4; ++shift) {
                for (int half = 0; half < 2; ++half) {
                    const uint8_t* q = w[b].qs + 32 * chunk + 16 * half;
                    const int8_t* p = x[b].qs + 128 * chunk + 32 * shift + 16 * half;
                    int group = 0;
                    for (int l = 0; l < 16; ++l) group += ((q[l] >> (2 * shift)) & 3) * p[l];
                    acc += (w[b].scales[8 * chunk + 2 * shift + half] & 0x0f) * group;
                }
            }
        }
        sum += x[b].d * h2f(w[b].d) * static_cast<float>(acc) - x[b].d * h2f(w[b].dmin) * static_cast<float>(mins);
    }
    return sum;
}

// Q3_K: as Q2_K's layout for the two low bits, minus 4 where the hmask bit
// (bit 4 * chunk + shift of hmask[l]) is clear; 16 signed scales.
float q3_k_q8_k(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const BlockQ3_K*>(wv);
    const auto* x = static_cast<const BlockQ8_K*>(xv);
    float sum = 0;
    for (int64_t b = 0; b < n / kQK; ++b) {
        int acc = 0;
        for (int chunk = 0; chunk < 2; ++chunk) {
            for (int shift = 0; shift < 4; ++shift) {
                const int hbit = 4 * chunk + shift;
                for (int half = 0; half < 2; ++half) {
                    const uint8_t* q = w[b].qs + 32 * chunk + 16 * half;
                    const uint8_t* hm = w[b].hmask + 16 * half;
                    const int8_t* p = x[b].qs + 128 * chunk + 32 * shift + 16 * half;
                    int group = 0;
                    for (int l = 0; l < 16; ++l)
                        group += (((q[l] >> (2 * shift)) & 3) - (((hm[l] >> hbit) & 1) ? 0 : 4)) * p[l];
                    acc += q3_k_scale(w[b].scales, 8 * chunk + 2 * shift + half) * group;
                }
            }
        }
        sum += h2f(w[b].d) * x[b].d * static_cast<float>(acc);
    }
    return sum;
}

// Q4_K and Q5_K share scales and mins; `high` adds the fifth bit (Q5_K) or is null.
float q45_k_q8_k(const BlockQ4_K* w4, const BlockQ5_K* w5, const BlockQ8_K& x) {
    const uint8_t* scales = w4 ? w4->scales : w5->scales;
    const uint8_t* qs = w4 ? w4->qs : w5->qs;
    int acc = 0, mins = 0;
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        k_scale_min(scales, j, sc, m);
        mins += m * (x.bsums[2 * j] + x.bsums[2 * j + 1]);
        int group = 0;
        for (int l = 0; l < 32; ++l) {
            // Sub-block j: nibble (j % 2) of byte qs[(j / 2) * 32 + l].
            int q = (qs[(j / 2) * 32 + l] >> (4 * (j % 2))) & 0x0f;
            if (w5 && (w5->qh[l] & (1u << j))) q += 16;
            group += q * x.qs[j * 32 + l];
        }
        acc += sc * group;
    }
    const float d = h2f(w4 ? w4->d : w5->d) * x.d;
    const float dmin = h2f(w4 ? w4->dmin : w5->dmin) * x.d;
    return d * static_cast<float>(acc) - dmin * static_cast<float>(mins);
}

float q4_k_q8_k(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const BlockQ4_K*>(wv);
    const auto* x = static_cast<const BlockQ8_K*>(xv);
    float sum = 0;
    for (int64_t b = 0; b < n / kQK; ++b) sum += q45_k_q8_k(&w[b], nullptr, x[b]);
    return sum;
}

float q5_k_q8_k(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const BlockQ5_K*>(wv);
    const auto* x = static_cast<const BlockQ8_K*>(xv);
    float sum = 0;
    for (int64_t b = 0; b < n / kQK; ++b) sum += q45_k_q8_k(nullptr, &w[b], x[b]);
    return sum;
}

// Q6_K: in 128-chunk c, quarter k (32 elements) takes nibble k / 2 of ql[64 c + 32 (k % 2) + l]
// and bit pair k of qh[32 c + l]; 16 groups of 16 with int8 scales; codes offset by 32.
float q6_k_q8_k(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const BlockQ6_K*>(wv);
    const auto* x = static_cast<const BlockQ8_K*>(xv);
    float sum = 0;
    for (int64_t b = 0; b < n / kQK; ++b) {
        int acc = 0;
        for (int c = 0; c < 2; ++c) {
            for (int k = 0; k < 4; ++k) {
                for (int half = 0; half < 2; ++half) {
                    const uint8_t* ql = w[b].ql + 64 * c + 32 * (k % 2) + 16 * half;
                    const uint8_t* qh = w[b].qh + 32 * c + 16 * half;
                    const int8_t* p = x[b].qs + 128 * c + 32 * k + 16 * half;
                    const int nibble_shift = 4 * (k / 2);
                    int group = 0;
                    for (int l = 0; l < 16; ++l) {
                        const int q = ((ql[l] >> nibble_shift) & 0x0f) | (((qh[l] >> (2 * k)) & 3) << 4);
                        group += (q - 32) * p[l];
                    }
                    acc += w[b].scales[8 * c + 2 * k + half] * group;
                }
            }
        }
        sum += h2f(w[b].d) * x[b].d * static_cast<float>(acc);
    }
    return sum;
}

}  // namespace

DotKernel scalar_kernel(GgmlType weight_type) {
    switch (weight_type) {
        case GgmlType::Q4_0: return q4_0_q8_0;
        case GgmlType::Q4_1: return q4_1_q8_1;
        case GgmlType::Q5_0: return q5_0_q8_0;
        case GgmlType::Q5_1: return q5_1_q8_1;
        case GgmlType::Q8_0: return q8_0_q8_0;
        case GgmlType::Q2_K: return q2_k_q8_k;
        case GgmlType::Q3_K: return q3_k_q8_k;
        case GgmlType::Q4_K: return q4_k_q8_k;
        case GgmlType::Q5_K: return q5_k_q8_k;
        case GgmlType::Q6_K: return q6_k_q8_k;
        default: return nullptr;
    }
}

}  // namespace qt::dot_kernels
