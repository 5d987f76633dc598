#pragma once
// Dense row-major matrix products: C = alpha op(A) op(B) + beta C, op(A): [m][k],
// op(B): [k][n], leading dimensions as CBLAS takes them. Through OpenBLAS's CBLAS
// wherever the build found it (scripts/setup.sh installs it); float and double, so
// that the gradient tests run the same code path in double. A build without
// OpenBLAS (the GPU machine's image, whose CPU path is only a reference there)
// gets plain loops.
#include <cstdint>

#ifdef QUANTTUNE_WITH_OPENBLAS
#include <cblas.h>
#endif

namespace qt {

#ifdef QUANTTUNE_WITH_OPENBLAS
inline void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                 int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
                static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

inline void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                 int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                static_cast<blasint>(m), static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
                static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}
#else
template <class T>
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
          int64_t ldb, T beta, T* c, int64_t ldc) {
#pragma omp parallel for if (m * n * k > 65536)
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
            double s = 0;
            for (int64_t p = 0; p < k; ++p)
                s += static_cast<double>(trans_a ? a[p * lda + i] : a[i * lda + p]) *
                     (trans_b ? b[j * ldb + p] : b[p * ldb + j]);
            T& out = c[i * ldc + j];
            out = static_cast<T>(alpha * s + (beta == T(0) ? T(0) : beta * out));
        }
}
#endif

}  // namespace qt
