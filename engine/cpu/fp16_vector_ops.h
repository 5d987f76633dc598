#pragma once
// Row operations on fp16 data for the CPU attention: F16C/AVX2 where the build has
// them, plain loops otherwise. Conversions round to nearest even either way, so
// the two paths give the same fp16 values.
#include <cstdint>

#include "quant/half.h"

#if defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define QT_HAVE_F16C_AVX2 1
#endif

namespace qt {

// dst[i] = fp16(src[i])
inline void fp32_to_fp16_row(const float* src, uint16_t* dst, int n) {
    int i = 0;
#ifdef QT_HAVE_F16C_AVX2
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
#endif
    for (; i < n; ++i) dst[i] = fp32_to_fp16(src[i]);
}

// dst[i] = float(fp16(src[i])): what a value becomes when it meets fp16 arithmetic.
inline void round_through_fp16(const float* src, float* dst, int n) {
    int i = 0;
#ifdef QT_HAVE_F16C_AVX2
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT)));
#endif
    for (; i < n; ++i) dst[i] = fp16_to_fp32(fp32_to_fp16(src[i]));
}

// sum_i a[i] * float(b[i])
inline float dot_f32_f16(const float* a, const uint16_t* b, int n) {
    int i = 0;
    float sum = 0;
#ifdef QT_HAVE_F16C_AVX2
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i),
                               _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8),
                               _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i + 8))), acc1);
    }
    const __m256 acc = _mm256_add_ps(acc0, acc1);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    sum = _mm_cvtss_f32(s);
#endif
    for (; i < n; ++i) sum += a[i] * fp16_to_fp32(b[i]);
    return sum;
}

// y[i] += a * float(x[i])
inline void axpy_f16(float a, const uint16_t* x, float* y, int n) {
    int i = 0;
#ifdef QT_HAVE_F16C_AVX2
    const __m256 av = _mm256_set1_ps(a);
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))),
                                                _mm256_loadu_ps(y + i)));
#endif
    for (; i < n; ++i) y[i] += a * fp16_to_fp32(x[i]);
}

}  // namespace qt
