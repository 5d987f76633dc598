#pragma once
// Device-side views of ggml's weight blocks and of the activation blocks the CPU
// backend quantizes to (engine/cpu/quant_dot.h, quant_blocks.h give the layouts).
// Two families of functions, each mirroring the CPU reference:
//   dequant_element<F>(block, e): weight e of a block, with the same float
//     operations in the same order as engine/quant/dequantize.cpp (products and
//     sums rounded separately: __fmul_rn/__fadd_rn keep nvcc from fusing them);
//   block_dot<F>(wblock, xblock): a weight block against an activation block,
//     the integer dot first, then the scales, as engine/cpu/quant_dot_scalar.cpp.
// Blocks are only 2-byte aligned, so codes are read a byte at a time.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

#include "cuda_ops.h"

namespace qt::cuda {

__device__ __forceinline__ float h2f(const uint8_t* p) {
    const uint16_t bits = static_cast<uint16_t>(p[0] | (p[1] << 8));
    return __half2float(__ushort_as_half(bits));
}
__device__ __forceinline__ uint32_t load_u32_bytes(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
           (static_cast<uint32_t>(p[3]) << 24);
}

// Activation block layouts: Q8_0 = fp16 d | int8 qs[32]; Q8_1 = fp16 d | fp16 s | qs[32];
// Q8_K = float d | int8 qs[256] | int16 bsums[16].
constexpr int kQ8_0Bytes = 34;
constexpr int kQ8_1Bytes = 36;
constexpr int kQ8_KBytes = 292;
struct Q8K {
    float d;
    int8_t qs[256];
    int16_t bsums[16];
};
static_assert(sizeof(Q8K) == kQ8_KBytes, "Q8_K layout");

// The activation format paired with each weight format, as vec_dot_type() on the CPU.
enum class ActFormat { F32, Q8_0, Q8_1, Q8_K };

template <WeightFormat F> struct Traits;
template <> struct Traits<WeightFormat::F32>  { static constexpr int qk = 32;  static constexpr int bytes = 128; static constexpr ActFormat act = ActFormat::F32; };
template <> struct Traits<WeightFormat::F16>  { static constexpr int qk = 32;  static constexpr int bytes = 64;  static constexpr ActFormat act = ActFormat::F32; };
template <> struct Traits<WeightFormat::BF16> { static constexpr int qk = 32;  static constexpr int bytes = 64;  static constexpr ActFormat act = ActFormat::F32; };
template <> struct Traits<WeightFormat::Q4_0> { static constexpr int qk = 32;  static constexpr int bytes = 18;  static constexpr ActFormat act = ActFormat::Q8_0; };
template <> struct Traits<WeightFormat::Q4_1> { static constexpr int qk = 32;  static constexpr int bytes = 20;  static constexpr ActFormat act = ActFormat::Q8_1; };
template <> struct Traits<WeightFormat::Q5_0> { static constexpr int qk = 32;  static constexpr int bytes = 22;  static constexpr ActFormat act = ActFormat::Q8_0; };
template <> struct Traits<WeightFormat::Q5_1> { static constexpr int qk = 32;  static constexpr int bytes = 24;  static constexpr ActFormat act = ActFormat::Q8_1; };
template <> struct Traits<WeightFormat::Q8_0> { static constexpr int qk = 32;  static constexpr int bytes = 34;  static constexpr ActFormat act = ActFormat::Q8_0; };
template <> struct Traits<WeightFormat::Q4_K> { static constexpr int qk = 256; static constexpr int bytes = 144; static constexpr ActFormat act = ActFormat::Q8_K; };
template <> struct Traits<WeightFormat::Q5_K> { static constexpr int qk = 256; static constexpr int bytes = 176; static constexpr ActFormat act = ActFormat::Q8_K; };
template <> struct Traits<WeightFormat::Q6_K> { static constexpr int qk = 256; static constexpr int bytes = 210; static constexpr ActFormat act = ActFormat::Q8_K; };

// Bytes of one activation block that pairs with F (F32: 32 floats).
__host__ __device__ constexpr int act_block_bytes(ActFormat a) {
    return a == ActFormat::Q8_0 ? kQ8_0Bytes : a == ActFormat::Q8_1 ? kQ8_1Bytes : a == ActFormat::Q8_K ? kQ8_KBytes : 128;
}

// 6-bit scale and min of sub-block j of a Q4_K/Q5_K super-block (12 packed bytes).
__device__ __forceinline__ void k_scale_min(const uint8_t* s, int j, int& sc, int& mn) {
    if (j < 4) {
        sc = s[j] & 63;
        mn = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 0x0f) | ((s[j - 4] >> 6) << 4);
        mn = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

// ---- weight e of a block ----
template <WeightFormat F> __device__ float dequant_element(const uint8_t* b, int e);

template <> __device__ __forceinline__ float dequant_element<WeightFormat::F32>(const uint8_t* b, int e) {
    return reinterpret_cast<const float*>(b)[e];
}
template <> __device__ __forceinline__ float dequant_element<WeightFormat::F16>(const uint8_t* b, int e) {
    return h2f(b + 2 * e);
}
template <> __device__ __forceinline__ float dequant_element<WeightFormat::BF16>(const uint8_t* b, int e) {
    const uint32_t bits = static_cast<uint32_t>(b[2 * e] | (b[2 * e + 1] << 8)) << 16;
    return __uint_as_float(bits);
}
__device__ __forceinline__ int nibble32(const uint8_t* qs, int e) { return e < 16 ? (qs[e] & 0x0f) : (qs[e - 16] >> 4); }
__device__ __forceinline__ int q5_code(const uint8_t* qs, uint32_t qh, int e) {
    return nibble32(qs, e) | static_cast<int>(((qh >> e) & 1u) << 4);
}

// Weight e of a block of the 32-weight types with its scale d given rather than read
// from the block's first two bytes (QZO's perturbed scale, quant_matmul_gemm.cu).
template <WeightFormat F> __device__ float dequant_element_d(const uint8_t* b, int e, float d);
template <> __device__ __forceinline__ float dequant_element_d<WeightFormat::Q4_0>(const uint8_t* b, int e, float d) {
    return __fmul_rn(d, static_cast<float>(nibble32(b + 2, e) - 8));
}
template <> __device__ __forceinline__ float dequant_element_d<WeightFormat::Q4_1>(const uint8_t* b, int e, float d) {
    return __fadd_rn(__fmul_rn(d, static_cast<float>(nibble32(b + 4, e))), h2f(b + 2));
}
template <> __device__ __forceinline__ float dequant_element_d<WeightFormat::Q5_0>(const uint8_t* b, int e, float d) {
    return __fmul_rn(d, static_cast<float>(q5_code(b + 6, load_u32_bytes(b + 2), e) - 16));
}
template <> __device__ __forceinline__ float dequant_element_d<WeightFormat::Q5_1>(const uint8_t* b, int e, float d) {
    return __fadd_rn(__fmul_rn(d, static_cast<float>(q5_code(b + 8, load_u32_bytes(b + 4), e))), h2f(b + 2));
}
template <> __device__ __forceinline__ float dequant_element_d<WeightFormat::Q8_0>(const uint8_t* b, int e, float d) {
    return __fmul_rn(static_cast<float>(static_cast<int8_t>(b[2 + e])), d);
}
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q4_0>(const uint8_t* b, int e) {
    return dequant_element_d<WeightFormat::Q4_0>(b, e, h2f(b));
}
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q4_1>(const uint8_t* b, int e) {
    return dequant_element_d<WeightFormat::Q4_1>(b, e, h2f(b));
}
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q5_0>(const uint8_t* b, int e) {
    return dequant_element_d<WeightFormat::Q5_0>(b, e, h2f(b));
}
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q5_1>(const uint8_t* b, int e) {
    return dequant_element_d<WeightFormat::Q5_1>(b, e, h2f(b));
}
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q8_0>(const uint8_t* b, int e) {
    return dequant_element_d<WeightFormat::Q8_0>(b, e, h2f(b));
}
// Q4_K: fp16 d | fp16 dmin | scales[12] | qs[128]; e = 64c + 32h + l is nibble h of qs[32c + l].
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q4_K>(const uint8_t* b, int e) {
    const int sub = e / 32, l = e % 32;
    int sc, mn;
    k_scale_min(b + 4, sub, sc, mn);
    const float ds = __fmul_rn(h2f(b), static_cast<float>(sc));
    const float dm = __fmul_rn(h2f(b + 2), static_cast<float>(mn));
    const int q = (b[16 + 32 * (sub / 2) + l] >> (4 * (sub % 2))) & 0x0f;
    return __fsub_rn(__fmul_rn(ds, static_cast<float>(q)), dm);
}
// Q5_K: as Q4_K with qh[32] before qs; the fifth bit is bit sub of qh[l].
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q5_K>(const uint8_t* b, int e) {
    const int sub = e / 32, l = e % 32;
    int sc, mn;
    k_scale_min(b + 4, sub, sc, mn);
    const float ds = __fmul_rn(h2f(b), static_cast<float>(sc));
    const float dm = __fmul_rn(h2f(b + 2), static_cast<float>(mn));
    const int q = ((b[48 + 32 * (sub / 2) + l] >> (4 * (sub % 2))) & 0x0f) | (((b[16 + l] >> sub) & 1) << 4);
    return __fsub_rn(__fmul_rn(ds, static_cast<float>(q)), dm);
}
// Q6_K: ql[128] | qh[64] | int8 scales[16] | fp16 d; e = 128h + 32s + l.
template <> __device__ __forceinline__ float dequant_element<WeightFormat::Q6_K>(const uint8_t* b, int e) {
    const int h = e / 128, s = (e / 32) % 4, l = e % 32;
    const int low = (b[64 * h + 32 * (s % 2) + l] >> (4 * (s / 2))) & 0x0f;
    const int high = (b[128 + 32 * h + l] >> (2 * s)) & 0x03;
    const float ds = __fmul_rn(h2f(b + 208), static_cast<float>(static_cast<int8_t>(b[192 + e / 16])));
    return __fmul_rn(ds, static_cast<float>((low | (high << 4)) - 32));
}

// ---- a weight block against an activation block ----
template <WeightFormat F> __device__ float block_dot(const uint8_t* w, const uint8_t* x);

template <WeightFormat F>
__device__ __forceinline__ float float_block_dot(const uint8_t* w, const uint8_t* xb) {
    const float* x = reinterpret_cast<const float*>(xb);
    float s = 0;
#pragma unroll 8
    for (int j = 0; j < 32; ++j) s += dequant_element<F>(w, j) * x[j];
    return s;
}
template <> __device__ __forceinline__ float block_dot<WeightFormat::F32>(const uint8_t* w, const uint8_t* x) { return float_block_dot<WeightFormat::F32>(w, x); }
template <> __device__ __forceinline__ float block_dot<WeightFormat::F16>(const uint8_t* w, const uint8_t* x) { return float_block_dot<WeightFormat::F16>(w, x); }
template <> __device__ __forceinline__ float block_dot<WeightFormat::BF16>(const uint8_t* w, const uint8_t* x) { return float_block_dot<WeightFormat::BF16>(w, x); }

template <> __device__ __forceinline__ float block_dot<WeightFormat::Q4_0>(const uint8_t* w, const uint8_t* x) {
    const uint8_t* qs = w + 2;
    const auto* p = reinterpret_cast<const int8_t*>(x + 2);
    int acc = 0;
#pragma unroll
    for (int j = 0; j < 16; ++j) acc += ((qs[j] & 0x0f) - 8) * p[j] + ((qs[j] >> 4) - 8) * p[j + 16];
    return static_cast<float>(acc) * (h2f(w) * h2f(x));
}
template <> __device__ __forceinline__ float block_dot<WeightFormat::Q4_1>(const uint8_t* w, const uint8_t* x) {
    const uint8_t* qs = w + 4;
    const auto* p = reinterpret_cast<const int8_t*>(x + 4);
    int acc = 0;
#pragma unroll
    for (int j = 0; j < 16; ++j) acc += (qs[j] & 0x0f) * p[j] + (qs[j] >> 4) * p[j + 16];
    return (h2f(w) * h2f(x)) * static_cast<float>(acc) + h2f(w + 2) * h2f(x + 2);
}
template <> __device__ __forceinline__ float block_dot<WeightFormat::Q5_0>(const uint8_t* w, const uint8_t* x) {
    const uint32_t qh = load_u32_bytes(w + 2);
    const uint8_t* qs = w + 6;
    const auto* p = reinterpret_cast<const int8_t*>(x + 2);
    int acc = 0;
#pragma unroll
    for (int j = 0; j < 32; ++j) acc += (q5_code(qs, qh, j) - 16) * p[j];
    return static_cast<float>(acc) * (h2f(w) * h2f(x));
}
template <> __device__ __forceinline__ float block_dot<WeightFormat::Q5_1>(const uint8_t* w, const uint8_t* x) {
    const uint32_t qh = load_u32_bytes(w + 4);
    const uint8_t* qs = w + 8;
    const auto* p = reinterpret_cast<const int8_t*>(x + 4);
    int acc = 0;
#pragma unroll
    for (int j = 0; j < 32; ++j) acc += q5_code(qs, qh, j) * p[j];
    return (h2f(w) * h2f(x)) * static_cast<float>(acc) + h2f(w + 2) * h2f(x + 2);
}
template <> __device__ __forceinline__ float block_dot<WeightFormat::Q8_0>(const uint8_t* w, const uint8_t* x) {
    const auto* q = reinterpret_cast<const int8_t*>(w + 2);
    const auto* p = reinterpret_cast<const int8_t*>(x + 2);
    int acc = 0;
#pragma unroll
    for (int j = 0; j < 32; ++j) acc += q[j] * p[j];
    return static_cast<float>(acc) * (h2f(w) * h2f(x));
}
// Q4_K / Q5_K: d d_x sum_j sc_j (q . p)_j - dmin d_x sum_j m_j bsum_j over 8 sub-blocks of 32.
template <bool kFifthBit>
__device__ __forceinline__ float q45_k_dot(const uint8_t* w, const Q8K& x) {
    const uint8_t* scales = w + 4;
    const uint8_t* qh = w + 16;
    const uint8_t* qs = w + (kFifthBit ? 48 : 16);
    int acc = 0, mins = 0;
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        k_scale_min(scales, j, sc, m);
        mins += m * (x.bsums[2 * j] + x.bsums[2 * j + 1]);
        int group = 0;
        for (int l = 0; l < 32; ++l) {
            int q = (qs[(j / 2) * 32 + l] >> (4 * (j % 2))) & 0x0f;
            if (kFifthBit && (qh[l] & (1u << j))) q += 16;
            group += q * x.qs[j * 32 + l];
        }
        acc += sc * group;
    }
    const float d = h2f(w) * x.d;
    const float dmin = h2f(w + 2) * x.d;
    return d * static_cast<float>(acc) - dmin * static_cast<float>(mins);
}
template <> __device__ __forceinline__ float block_dot<WeightFormat::Q4_K>(const uint8_t* w, const uint8_t* x) {
    return q45_k_dot<false>(w, *reinterpret_cast<const Q8K*>(x));
}
template <> __device__ __forceinline__ float block_dot<WeightFormat::Q5_K>(const uint8_t* w, const uint8_t* x) {
    return q45_k_dot<true>(w, *reinterpret_cast<const Q8K*>(x));
}
// Q6_K: 16 groups of 16 with int8 scales, codes offset by 32.
template <> __device__ __forceinline__ float block_dot<WeightFormat::Q6_K>(const uint8_t* w, const uint8_t* xv) {
    const Q8K& x = *reinterpret_cast<const Q8K*>(xv);
    const auto* scales = reinterpret_cast<const int8_t*>(w + 192);
    int acc = 0;
    for (int c = 0; c < 2; ++c) {
        for (int k = 0; k < 4; ++k) {
            for (int half = 0; half < 2; ++half) {
                const uint8_t* ql = w + 64 * c + 32 * (k % 2) + 16 * half;
                const uint8_t* qh = w + 128 + 32 * c + 16 * half;
                const int8_t* p = x.qs + 128 * c + 32 * k + 16 * half;
                const int nibble_shift = 4 * (k / 2);
                int group = 0;
                for (int l = 0; l < 16; ++l) {
                    const int q = ((ql[l] >> nibble_shift) & 0x0f) | (((qh[l] >> (2 * k)) & 3) << 4);
                    group += (q - 32) * p[l];
                }
                acc += scales[8 * c + 2 * k + half] * group;
            }
        }
    }
    return h2f(w + 208) * x.d * static_cast<float>(acc);
}

}  // namespace qt::cuda
