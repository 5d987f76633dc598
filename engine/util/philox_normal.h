#pragma once
// Counter-based normal noise for zeroth-order training: z(seed, step, index) is a
// pure function of its arguments, so every pass of a step (perturb +, perturb -,
// restore, update) regenerates the same z without storing it, and the CPU and a
// GPU kernel produce the same numbers. Header-only and free of the standard
// library so that nvcc compiles it for the device too (QT_HD).
//
// Generator: Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers:
// as easy as 1, 2, 3", SC'11). Key = the 64-bit run seed; counter = (index / 4
// as 64 bits, step as 64 bits). Each counter gives 4 uniform words; word k
// serves index 4*(index/4) + k. Two words make two normals by Box-Muller.
//
// Box-Muller runs in double and is rounded to float once: CUDA's double log, sin
// and cos are accurate to 1-2 ulp of double, so the float results agree with the
// CPU's except when a value lies within ~1e-16 relative of a float rounding
// boundary (about one value in 10^8 may differ by one float ulp; a GPU test
// compares with a 1-ulp tolerance).
#include <cstdint>

#if defined(__CUDACC__)
#define QT_HD __host__ __device__
#else
#define QT_HD
#endif

namespace qt {

struct Philox4x32Result {
    uint32_t v[4];
};

// Philox4x32-10: ten rounds of two 32x32->64 products, with the published round
// multipliers and Weyl key increments; checked against Random123's known answers.
QT_HD inline Philox4x32Result philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0,
                                           uint32_t k1) {
    constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // round multipliers
    constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // Weyl key increments
    for (int round = 0; round < 10; ++round) {
        const uint64_t p0 = static_cast<uint64_t>(kM0) * c0;
        const uint64_t p1 = static_cast<uint64_t>(kM1) * c2;
        const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
        const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += kW0;
        k1 += kW1;
    }
    return {{c0, c1, c2, c3}};
}

// Four standard normals for indices 4*group .. 4*group+3 of (seed, step).
struct NormalQuad {
    float z[4];
};

QT_HD inline double qt_log(double x);
QT_HD inline void qt_sincos(double x, double* s, double* c);

// Philox's output words for group `group` of (seed, step).
QT_HD inline Philox4x32Result philox_words(uint64_t seed, uint64_t step, uint64_t group) {
    return philox4x32_10(static_cast<uint32_t>(group), static_cast<uint32_t>(group >> 32), static_cast<uint32_t>(step),
                         static_cast<uint32_t>(step >> 32), static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Box-Muller on words 2 pair and 2 pair + 1: normals 2 pair (cosine) and 2 pair + 1 (sine)
// of the group. A GPU thread that needs only one pair pays for one log and one sincos.
QT_HD inline void philox_normal_pair(const Philox4x32Result& r, int pair, float* z_cos, float* z_sin) {
    // u1 in (0, 1] so that log(u1) is finite; u2 in [0, 1).
    const double u1 = (static_cast<double>(r.v[2 * pair]) + 1.0) * 2.3283064365386963e-10;  // 2^-32
    const double u2 = static_cast<double>(r.v[2 * pair + 1]) * 2.3283064365386963e-10;
    const double radius = __builtin_sqrt(-2.0 * qt_log(u1));
    double s, c;
    qt_sincos(6.283185307179586 * u2, &s, &c);
    *z_cos = static_cast<float>(radius * c);
    *z_sin = static_cast<float>(radius * s);
}

QT_HD inline NormalQuad philox_normal_quad(uint64_t seed, uint64_t step, uint64_t group) {
    const Philox4x32Result r = philox_words(seed, step, group);
    NormalQuad q;
    for (int pair = 0; pair < 2; ++pair) philox_normal_pair(r, pair, &q.z[2 * pair], &q.z[2 * pair + 1]);
    return q;
}

// u(seed, step, index): one uniform in [0, 1) with 24 random bits (exact in float),
// the same word z(seed, step, index) would start from: stochastic rounding's draw.
QT_HD inline float philox_uniform(uint64_t seed, uint64_t step, uint64_t index) {
    return static_cast<float>(philox_words(seed, step, index >> 2).v[index & 3] >> 8) * 5.9604644775390625e-8f;  // 2^-24
}

// z(seed, step, index): one standard normal.
QT_HD inline float philox_normal(uint64_t seed, uint64_t step, uint64_t index) {
    return philox_normal_quad(seed, step, index >> 2).z[index & 3];
}

#if defined(__CUDA_ARCH__)
QT_HD inline double qt_log(double x) { return ::log(x); }
QT_HD inline void qt_sincos(double x, double* s, double* c) { ::sincos(x, s, c); }
#else
QT_HD inline double qt_log(double x) { return __builtin_log(x); }
QT_HD inline void qt_sincos(double x, double* s, double* c) {
    *s = __builtin_sin(x);
    *c = __builtin_cos(x);
}
#endif

}  // namespace qt
