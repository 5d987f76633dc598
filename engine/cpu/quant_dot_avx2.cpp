// x86 SIMD dot kernels (AVX2 + FMA + F16C; AVX512-VNNI's 256-bit dpbusd/dpwssd where
// the target has them) and the Q8_0/Q8_1 activation quantizers. Built only when the
// compiler targets those extensions (QUANTTUNE_NATIVE on a capable machine);
// otherwise simd_kernel() returns nullptr and the scalar kernels run.
//
// Each kernel takes a whole row with its accumulators in registers: per 32-element
// block the weight codes are widened to 32 bytes (nibbles split with a shift and a
// mask, fifth bits spread from a 32-bit mask), multiplied with the 32 activation
// bytes into 8 int32 partial sums, converted to float and fused-multiply-added with
// the product of the two block scales. Integer results equal the scalar kernels'
// exactly; only the order of the float additions differs.
#include "cpu/quant_dot_kernels.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

#include <immintrin.h>

#include <cstring>

#include "cpu/quant_blocks.h"
#include "cpu/quant_dot.h"

namespace qt::dot_kernels {
namespace {

#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
constexpr bool kVnni = true;
#else
constexpr bool kVnni = false;
#endif

inline float h2f(uint16_t h) { return _cvtsh_ss(h); }

inline uint32_t load_u32(const void* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

inline __m256i load256(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// Two adjacent fp16 values (d, m of a weight block; d, s of a Q8_1 block) as floats in lanes 0, 1.
inline __m128 load_fp16_pair(const void* p) { return _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(load_u32(p)))); }

// acc + 8 int32 sums of 4 adjacent products of unsigned bytes u and signed bytes s.
inline __m256i dot_u8_i8(__m256i acc, __m256i u, __m256i s) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpbusd_epi32(acc, u, s);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

// The same for signed x signed bytes: |x| moves into the unsigned operand and x's sign
// onto y. Exact for x in [-128, 127] and y in [-127, 127] (activations never hold -128).
inline __m256i dot_i8_i8(__m256i x, __m256i y) {
    return dot_u8_i8(_mm256_setzero_si256(), _mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

// acc + pairwise int16 products summed into int32.
inline __m256i madd_acc(__m256i acc, __m256i a, __m256i b) {
#if defined(__AVX512VNNI__) && defined(__AVX512VL__)
    return _mm256_dpwssd_epi32(acc, a, b);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
#endif
}

// 16 bytes of nibbles -> 32 bytes 0..15: low nibbles in bytes 0-15, high nibbles in 16-31.
inline __m256i unpack_nibbles(const uint8_t* p) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(b), _mm_srli_epi16(b, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0f));
}

// Byte j is 0xFF where bit j of the little-endian 32-bit mask at p is set, else 0.
inline __m256i bits_to_bytes(const uint8_t* p) {
    const __m256i bits = _mm256_set1_epi32(static_cast<int>(load_u32(p)));
    // Byte j takes mask byte j / 8 (each 128-bit lane holds all four bytes) ...
    const __m256i spread = _mm256_shuffle_epi8(
        bits, _mm256_setr_epi64x(0, 0x0101010101010101LL, 0x0202020202020202LL, 0x0303030303030303LL));
    // ... and keeps bit j % 8 of it.
    const __m256i select = _mm256_set1_epi64x(static_cast<long long>(0x8040201008040201ULL));
    return _mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select);
}

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 1));
    return _mm_cvtsi128_si32(s);
}

// Rows of 32-element blocks: `Block(w, x, acc, extra)` adds one block; two accumulator
// chains hide the FMA latency.
template <typename W, typename X, typename BlockFn>
inline float row_of_blocks(int64_t n, const void* wv, const void* xv, BlockFn block) {
    const auto* w = static_cast<const W*>(wv);
    const auto* x = static_cast<const X*>(xv);
    const int64_t nb = n / 32;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m128 extra0 = _mm_setzero_ps(), extra1 = _mm_setzero_ps();
    int64_t b = 0;
    for (; b + 1 < nb; b += 2) {
        block(w[b], x[b], acc0, extra0);
        block(w[b + 1], x[b + 1], acc1, extra1);
    }
    if (b < nb) block(w[b], x[b], acc0, extra0);
    // Lane 1 of `extra` holds the sum of the m * s terms (Q4_1, Q5_1).
    const __m128 extra = _mm_add_ps(extra0, extra1);
    return hsum(_mm256_add_ps(acc0, acc1)) + _mm_cvtss_f32(_mm_movehdup_ps(extra));
}

// Block scale product d_w * d_x for the types with a single fp16 scale, broadcast. Each
// scale is read as 32 bits (the scale and the next two code bytes of its block) and
// converted in a vector register: fewer instructions than a scalar load-and-convert.
inline __m256 scale_product(const uint16_t& dw, const uint16_t& dx) {
    return _mm256_broadcastss_ps(_mm_mul_ss(load_fp16_pair(&dw), load_fp16_pair(&dx)));
}

// For Q4_1/Q5_1 x Q8_1: lanes (d_w d_x, m_w s_x); the FMA scale is lane 0 and lane 1 is accumulated.
inline __m256 scale_and_min(const void* w, const void* x, __m128& extra) {
    const __m128 prod = _mm_mul_ps(load_fp16_pair(w), load_fp16_pair(x));
    extra = _mm_add_ps(extra, prod);
    return _mm256_broadcastss_ps(prod);
}

float q4_0_q8_0(int64_t n, const void* w, const void* x) {
    return row_of_blocks<BlockQ4_0, BlockQ8_0>(n, w, x, [](const BlockQ4_0& wb, const BlockQ8_0& xb, __m256& acc, __m128&) {
        // sum (q - 8) y = sum q y - sum 8 y, both as unsigned x signed byte dots.
        const __m256i y = load256(xb.qs);
        const __m256i p = _mm256_sub_epi32(dot_u8_i8(_mm256_setzero_si256(), unpack_nibbles(wb.qs), y),
                                           dot_u8_i8(_mm256_setzero_si256(), _mm256_set1_epi8(8), y));
        acc = _mm256_fmadd_ps(scale_product(wb.d, xb.d), _mm256_cvtepi32_ps(p), acc);
    });
}

float q4_1_q8_1(int64_t n, const void* w, const void* x) {
    return row_of_blocks<BlockQ4_1, BlockQ8_1>(n, w, x, [](const BlockQ4_1& wb, const BlockQ8_1& xb, __m256& acc, __m128& extra) {
        const __m256i p = dot_u8_i8(_mm256_setzero_si256(), unpack_nibbles(wb.qs), load256(xb.qs));
        acc = _mm256_fmadd_ps(scale_and_min(&wb.d, &xb.d, extra), _mm256_cvtepi32_ps(p), acc);
    });
}

float q5_0_q8_0(int64_t n, const void* w, const void* x) {
    return row_of_blocks<BlockQ5_0, BlockQ8_0>(n, w, x, [](const BlockQ5_0& wb, const BlockQ8_0& xb, __m256& acc, __m128&) {
        // q - 16 as int8: where the fifth bit is clear the value is nibble - 16 = nibble | 0xF0.
        const __m256i high = _mm256_andnot_si256(bits_to_bytes(wb.qh), _mm256_set1_epi8(static_cast<char>(0xf0)));
        const __m256i q = _mm256_or_si256(unpack_nibbles(wb.qs), high);
        const __m256i p = dot_i8_i8(q, load256(xb.qs));
        acc = _mm256_fmadd_ps(scale_product(wb.d, xb.d), _mm256_cvtepi32_ps(p), acc);
    });
}

float q5_1_q8_1(int64_t n, const void* w, const void* x) {
    return row_of_blocks<BlockQ5_1, BlockQ8_1>(n, w, x, [](const BlockQ5_1& wb, const BlockQ8_1& xb, __m256& acc, __m128& extra) {
        const __m256i high = _mm256_and_si256(bits_to_bytes(wb.qh), _mm256_set1_epi8(0x10));
        const __m256i q = _mm256_or_si256(unpack_nibbles(wb.qs), high);
        const __m256i p = dot_u8_i8(_mm256_setzero_si256(), q, load256(xb.qs));
        acc = _mm256_fmadd_ps(scale_and_min(&wb.d, &xb.d, extra), _mm256_cvtepi32_ps(p), acc);
    });
}

float q8_0_q8_0(int64_t n, const void* w, const void* x) {
    return row_of_blocks<BlockQ8_0W, BlockQ8_0>(n, w, x, [](const BlockQ8_0W& wb, const BlockQ8_0& xb, __m256& acc, __m128&) {
        const __m256i p = dot_i8_i8(load256(wb.qs), load256(xb.qs));
        acc = _mm256_fmadd_ps(scale_product(wb.d, xb.d), _mm256_cvtepi32_ps(p), acc);
    });
}

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__)
// GCC 12's AVX-512 headers build inserts and extracts on _mm512_undefined_*() and then
// warn about them as uninitialized wherever they are inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// Q8_0 x Q8_0 with two blocks per 512-bit register (fewer instructions per block; this
// kernel runs over the tied output head, the largest matrix of small models).
float q8_0_q8_0_avx512(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const BlockQ8_0W*>(wv);
    const auto* x = static_cast<const BlockQ8_0*>(xv);
    const int64_t nb = n / 32;
    const __m512i block_of_lane = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    auto two_blocks = [&](int64_t b, __m512& acc) {
        const __m512i wq = _mm512_inserti64x4(_mm512_zextsi256_si512(load256(w[b].qs)), load256(w[b + 1].qs), 1);
        const __m512i xq = _mm512_inserti64x4(_mm512_zextsi256_si512(load256(x[b].qs)), load256(x[b + 1].qs), 1);
        // |w| (unsigned; -128 becomes 128) times x with w's sign.
        const __m512i xs = _mm512_mask_sub_epi8(xq, _mm512_movepi8_mask(wq), _mm512_setzero_si512(), xq);
        const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(wq), xs);
        const __m128i dw = _mm_insert_epi16(_mm_cvtsi32_si128(w[b].d), w[b + 1].d, 1);
        const __m128i dx = _mm_insert_epi16(_mm_cvtsi32_si128(x[b].d), x[b + 1].d, 1);
        const __m128 scales = _mm_mul_ps(_mm_cvtph_ps(dw), _mm_cvtph_ps(dx));
        acc = _mm512_fmadd_ps(_mm512_permutexvar_ps(block_of_lane, _mm512_zextps128_ps512(scales)),
                              _mm512_cvtepi32_ps(p), acc);
    };
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t b = 0;
    for (; b + 3 < nb; b += 4) {
        two_blocks(b, acc0);
        two_blocks(b + 2, acc1);
    }
    if (b + 1 < nb) {
        two_blocks(b, acc0);
        b += 2;
    }
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    if (b < nb) sum += q8_0_q8_0(32, &w[b], &x[b]);  // an odd last block
    return sum;
}
#pragma GCC diagnostic pop
#endif

// The 8 six-bit scales and 8 mins of a Q4_K/Q5_K super-block (layout in quant_blocks.h),
// decoded four at a time with 32-bit masks.
struct ScalesMins {
    uint8_t scales[8];
    uint8_t mins[8];
};
inline ScalesMins unpack_k_scales(const uint8_t* s) {
    const uint32_t a = load_u32(s), b = load_u32(s + 4), c = load_u32(s + 8);
    const uint32_t sc_lo = a & 0x3f3f3f3fu;
    const uint32_t mn_lo = b & 0x3f3f3f3fu;
    const uint32_t sc_hi = (c & 0x0f0f0f0fu) | (((a >> 6) & 0x03030303u) << 4);
    const uint32_t mn_hi = ((c >> 4) & 0x0f0f0f0fu) | (((b >> 6) & 0x03030303u) << 4);
    ScalesMins r;
    std::memcpy(r.scales, &sc_lo, 4);
    std::memcpy(r.scales + 4, &sc_hi, 4);
    std::memcpy(r.mins, &mn_lo, 4);
    std::memcpy(r.mins + 4, &mn_hi, 4);
    return r;
}

// sum_j mins[j] * (bsums[2j] + bsums[2j+1]), left as 8 int32 partial sums.
inline __m256i mins_dot_bsums(const uint8_t* mins, const int16_t* bsums) {
    const __m128i m = _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(mins)));
    const __m256i m_pairs = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi16(m, m)),
                                                    _mm_unpackhi_epi16(m, m), 1);
    return _mm256_madd_epi16(m_pairs, load256(bsums));
}

// Word j of each 128-bit lane copied to all its words (shuffle bytes 2j, 2j+1).
inline __m256i broadcast_word(__m256i v, int j) {
    return _mm256_shuffle_epi8(v, _mm256_set1_epi16(static_cast<short>(0x0100 + 0x0202 * j)));
}

// Q4_K and Q5_K x Q8_K; kFifthBit selects Q5_K.
template <bool kFifthBit, typename W>
float q45_k_q8_k(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const W*>(wv);
    const auto* x = static_cast<const BlockQ8_K*>(xv);
    const __m256i low4 = _mm256_set1_epi8(0x0f);
    __m256 acc = _mm256_setzero_ps(), acc_mins = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / kQK; ++b) {
        const ScalesMins sm = unpack_k_scales(w[b].scales);
        acc_mins = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w[b].dmin) * x[b].d),
                                   _mm256_cvtepi32_ps(mins_dot_bsums(sm.mins, x[b].bsums)), acc_mins);
        __m256i qh;
        if constexpr (kFifthBit) qh = load256(w[b].qh);
        // The 8 scales as int16 in both 128-bit lanes; word j is broadcast with a byte shuffle.
        const __m256i scales16 = _mm256_broadcastsi128_si256(
            _mm_cvtepu8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(sm.scales))));
        __m256i isum = _mm256_setzero_si256();
        for (int c = 0; c < 4; ++c) {  // 64 elements: sub-blocks 2c (low nibbles) and 2c+1 (high)
            const __m256i q4 = load256(w[b].qs + 32 * c);
            __m256i lo = _mm256_and_si256(q4, low4);
            __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q4, 4), low4);
            if constexpr (kFifthBit) {
                const __m256i one = _mm256_set1_epi8(1);
                lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c), one), 4));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2 * c + 1), one), 4));
            }
            const __m256i p_lo = _mm256_maddubs_epi16(lo, load256(x[b].qs + 64 * c));
            const __m256i p_hi = _mm256_maddubs_epi16(hi, load256(x[b].qs + 64 * c + 32));
            isum = madd_acc(isum, p_lo, broadcast_word(scales16, 2 * c));
            isum = madd_acc(isum, p_hi, broadcast_word(scales16, 2 * c + 1));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w[b].d) * x[b].d), _mm256_cvtepi32_ps(isum), acc);
    }
    return hsum(_mm256_sub_ps(acc, acc_mins));
}

float q4_k_q8_k(int64_t n, const void* w, const void* x) { return q45_k_q8_k<false, BlockQ4_K>(n, w, x); }
float q5_k_q8_k(int64_t n, const void* w, const void* x) { return q45_k_q8_k<true, BlockQ5_K>(n, w, x); }

// Q6_K x Q8_K: codes 0..63 are multiplied unsigned and the offset 32 is taken off once
// per super-block as 32 * sum_g scale_g * bsum_g.
float q6_k_q8_k(int64_t n, const void* wv, const void* xv) {
    const auto* w = static_cast<const BlockQ6_K*>(wv);
    const auto* x = static_cast<const BlockQ8_K*>(xv);
    const __m256i low4 = _mm256_set1_epi8(0x0f);
    const __m256i two = _mm256_set1_epi8(0x03);
    // Shuffles giving, for quarter k of a 128-chunk, scale 2k in the low lane and 2k+1 in the high.
    const __m256i pick[4] = {
        _mm256_setr_epi8(0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3),
        _mm256_setr_epi8(4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7, 6, 7),
        _mm256_setr_epi8(8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10,
                         11, 10, 11, 10, 11),
        _mm256_setr_epi8(12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 12, 13, 14, 15, 14, 15, 14, 15, 14,
                         15, 14, 15, 14, 15, 14, 15, 14, 15)};
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n / kQK; ++b) {
        const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].scales)));
        const __m256i offset = _mm256_slli_epi32(_mm256_madd_epi16(scales16, load256(x[b].bsums)), 5);
        __m256i isum = _mm256_setzero_si256();
        for (int c = 0; c < 2; ++c) {
            const __m256i ql0 = load256(w[b].ql + 64 * c);
            const __m256i ql1 = load256(w[b].ql + 64 * c + 32);
            const __m256i qh = load256(w[b].qh + 32 * c);
            const __m256i q[4] = {
                _mm256_or_si256(_mm256_and_si256(ql0, low4), _mm256_slli_epi16(_mm256_and_si256(qh, two), 4)),
                _mm256_or_si256(_mm256_and_si256(ql1, low4),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), two), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low4),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), two), 4)),
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low4),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), two), 4))};
            const __m128i half = c == 0 ? _mm256_castsi256_si128(scales16) : _mm256_extracti128_si256(scales16, 1);
            const __m256i chunk_scales = _mm256_broadcastsi128_si256(half);
            for (int k = 0; k < 4; ++k) {
                const __m256i p = _mm256_maddubs_epi16(q[k], load256(x[b].qs + 128 * c + 32 * k));
                isum = madd_acc(isum, p, _mm256_shuffle_epi8(chunk_scales, pick[k]));
            }
        }
        isum = _mm256_sub_epi32(isum, offset);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(h2f(w[b].d) * x[b].d), _mm256_cvtepi32_ps(isum), acc);
    }
    return hsum(acc);
}

// One 32-float block -> 32 codes q = round_half_even(x * id), as int8, plus their sum.
// Same arithmetic as quantize_q8_0_scalar: amax, d = amax / 127, id = 127 / amax.
inline float quantize_block(const float* x, int8_t* qs, int& sum) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 v[4];
    __m256 amax8 = _mm256_setzero_ps();
    for (int i = 0; i < 4; ++i) {
        v[i] = _mm256_loadu_ps(x + 8 * i);
        amax8 = _mm256_max_ps(amax8, _mm256_andnot_ps(sign, v[i]));
    }
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(amax8), _mm256_extractf128_ps(amax8, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    const float amax = _mm_cvtss_f32(m4);
    const float d = amax / 127.0f;
    const __m256 id = _mm256_set1_ps(amax != 0.0f ? 127.0f / amax : 0.0f);
    __m256i q[4];
    for (int i = 0; i < 4; ++i)
        q[i] = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v[i], id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    sum = hsum_i32(_mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3])));
    // Packing works per 128-bit lane, leaving 4-byte groups in the order 0 2 4 6 1 3 5 7; the
    // permute puts them back.
    const __m256i q16a = _mm256_packs_epi32(q[0], q[1]);
    const __m256i q16b = _mm256_packs_epi32(q[2], q[3]);
    const __m256i q8 = _mm256_packs_epi16(q16a, q16b);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs),
                        _mm256_permutevar8x32_epi32(q8, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
    return d;
}

}  // namespace

DotKernel simd_kernel(GgmlType weight_type) {
    switch (weight_type) {
        case GgmlType::Q4_0: return q4_0_q8_0;
        case GgmlType::Q4_1: return q4_1_q8_1;
        case GgmlType::Q5_0: return q5_0_q8_0;
        case GgmlType::Q5_1: return q5_1_q8_1;
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VNNI__)
        case GgmlType::Q8_0: return q8_0_q8_0_avx512;
#else
        case GgmlType::Q8_0: return q8_0_q8_0;
#endif
        case GgmlType::Q4_K: return q4_k_q8_k;
        case GgmlType::Q5_K: return q5_k_q8_k;
        case GgmlType::Q6_K: return q6_k_q8_k;
        default: return nullptr;
    }
}

const char* simd_isa() { return kVnni ? "avx512vnni" : "avx2"; }

bool quantize_q8_0_simd(const float* x, void* dst, int64_t n) {
    auto* y = static_cast<BlockQ8_0*>(dst);
    for (int64_t b = 0; b < n / 32; ++b) {
        int sum;
        y[b].d = static_cast<uint16_t>(_cvtss_sh(quantize_block(x + 32 * b, y[b].qs, sum), _MM_FROUND_TO_NEAREST_INT));
    }
    return true;
}

bool quantize_q8_1_simd(const float* x, void* dst, int64_t n) {
    auto* y = static_cast<BlockQ8_1*>(dst);
    for (int64_t b = 0; b < n / 32; ++b) {
        int sum;
        const float d = quantize_block(x + 32 * b, y[b].qs, sum);
        y[b].d = static_cast<uint16_t>(_cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT));
        y[b].s = static_cast<uint16_t>(_cvtss_sh(d * static_cast<float>(sum), _MM_FROUND_TO_NEAREST_INT));
    }
    return true;
}

}  // namespace qt::dot_kernels

#else  // no AVX2/FMA/F16C: the scalar kernels run

namespace qt::dot_kernels {
DotKernel simd_kernel(GgmlType) { return nullptr; }
const char* simd_isa() { return "none"; }
bool quantize_q8_0_simd(const float*, void*, int64_t) { return false; }
bool quantize_q8_1_simd(const float*, void*, int64_t) { return false; }
}  // namespace qt::dot_kernels

#endif
