#include "image/frechet_distance.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "cpu/blas_gemm.h"

#if defined(QUANTTUNE_WITH_LAPACKE)
#include <lapacke.h>
#endif

namespace qt {

GaussianStats gaussian_stats(const float* features, int64_t n, int dim) {
    if (n < 2 || dim < 1)
        throw std::invalid_argument("a covariance needs 2 or more feature rows of 1 or more values; got " +
                                    std::to_string(n) + " of " + std::to_string(dim));
    GaussianStats s;
    s.dim = dim;
    s.count = n;
    s.mean.assign(static_cast<size_t>(dim), 0.0);
    for (int64_t r = 0; r < n; ++r)
        for (int j = 0; j < dim; ++j) s.mean[static_cast<size_t>(j)] += features[r * dim + j];
    for (double& m : s.mean) m /= static_cast<double>(n);
    // Centred rows, then cov = X^T X / (n - 1) as one product.
    std::vector<double> x(static_cast<size_t>(n) * dim);
    for (int64_t r = 0; r < n; ++r)
        for (int j = 0; j < dim; ++j)
            x[static_cast<size_t>(r * dim + j)] = features[r * dim + j] - s.mean[static_cast<size_t>(j)];
    s.cov.assign(static_cast<size_t>(dim) * dim, 0.0);
    gemm(true, false, dim, dim, n, 1.0 / static_cast<double>(n - 1), x.data(), dim, x.data(), dim, 0.0, s.cov.data(),
         dim);
    return s;
}

#if defined(QUANTTUNE_WITH_LAPACKE)
namespace {

// Eigenvalues (ascending) of the symmetric matrix a ([d][d], overwritten by the
// eigenvectors as columns when vectors is set).
std::vector<double> symmetric_eigen(std::vector<double>& a, int d, bool vectors) {
    std::vector<double> w(static_cast<size_t>(d));
    const lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, vectors ? 'V' : 'N', 'U', d, a.data(), d, w.data());
    if (info != 0)
        throw std::runtime_error("LAPACK dsyevd failed on a " + std::to_string(d) + " x " + std::to_string(d) +
                                 " covariance (info " + std::to_string(info) + ")" +
                                 (info > 0 ? ": it did not converge; the features may hold NaN or Inf" : ""));
    return w;
}

}  // namespace
#endif

double frechet_distance(const GaussianStats& a, const GaussianStats& b) {
    if (a.dim != b.dim || a.dim < 1)
        throw std::invalid_argument("Fréchet distance between features of " + std::to_string(a.dim) + " and " +
                                    std::to_string(b.dim) + " dimensions");
    const int d = a.dim;
    double mean_term = 0, trace = 0;
    for (int j = 0; j < d; ++j) {
        const double diff = a.mean[static_cast<size_t>(j)] - b.mean[static_cast<size_t>(j)];
        mean_term += diff * diff;
        trace += a.cov[static_cast<size_t>(j * d + j)] + b.cov[static_cast<size_t>(j * d + j)];
    }
#if defined(QUANTTUNE_WITH_LAPACKE)
    // R = S1^(1/2) = V diag(sqrt(l)) V^T. A covariance is positive semi-definite;
    // rounding leaves its null directions' eigenvalues at about -1e-16 |S1|, which
    // belong at zero.
    std::vector<double> v = a.cov;
    const std::vector<double> l = symmetric_eigen(v, d, true);
    std::vector<double> vs(static_cast<size_t>(d) * d);  // V diag(sqrt l)
    for (int i = 0; i < d; ++i)
        for (int k = 0; k < d; ++k)
            vs[static_cast<size_t>(i * d + k)] = v[static_cast<size_t>(i * d + k)] * std::sqrt(std::max(0.0, l[static_cast<size_t>(k)]));
    std::vector<double> r(static_cast<size_t>(d) * d), t(static_cast<size_t>(d) * d), m(static_cast<size_t>(d) * d);
    gemm(false, true, d, d, d, 1.0, vs.data(), d, v.data(), d, 0.0, r.data(), d);
    // M = R S2 R, symmetric PSD; tr((S1 S2)^(1/2)) = sum of sqrt of M's eigenvalues.
    gemm(false, false, d, d, d, 1.0, r.data(), d, b.cov.data(), d, 0.0, t.data(), d);
    gemm(false, false, d, d, d, 1.0, t.data(), d, r.data(), d, 0.0, m.data(), d);
    for (int i = 0; i < d; ++i)  // symmetrize away the products' rounding before dsyevd reads one triangle
        for (int k = i + 1; k < d; ++k) {
            const double s = 0.5 * (m[static_cast<size_t>(i * d + k)] + m[static_cast<size_t>(k * d + i)]);
            m[static_cast<size_t>(i * d + k)] = m[static_cast<size_t>(k * d + i)] = s;
        }
    double sqrt_trace = 0;
    for (double e : symmetric_eigen(m, d, false)) sqrt_trace += std::sqrt(std::max(0.0, e));
    return mean_term + trace - 2 * sqrt_trace;
#else
    (void)mean_term;
    (void)trace;
    throw std::runtime_error("this build has no LAPACK (liblapacke-dev): the Fréchet distance cannot be computed");
#endif
}

}  // namespace qt
