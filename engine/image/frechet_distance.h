#pragma once
// The Fréchet distance between two Gaussians fitted to feature sets (FID:
// Heusel et al. 2017, eq. 6; Dowson & Landau 1982):
//   d^2 = |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)).
// Computed in double. tr((S1 S2)^(1/2)) is tr((R S2 R)^(1/2)) with R = S1^(1/2):
// S1 S2 and R S2 R have the same eigenvalues (AB and BA do, with A = R, B = R S2),
// and R S2 R is symmetric positive semi-definite, so both square roots come from
// LAPACK's symmetric eigensolver (dsyevd) and no complex roots or non-symmetric
// iterations (scipy's sqrtm) are needed. Builds without LAPACKE throw a clear error.
#include <cstdint>
#include <vector>

namespace qt {

struct GaussianStats {
    int dim = 0;
    int64_t count = 0;
    std::vector<double> mean;  // [dim]
    std::vector<double> cov;   // [dim][dim], unbiased (divided by count - 1)
};

// Mean and covariance of n feature rows ([n][dim]); throws std::invalid_argument for n < 2.
GaussianStats gaussian_stats(const float* features, int64_t n, int dim);

// d^2 above (the FID figure, not its square root); throws std::invalid_argument on
// different dimensions, std::runtime_error when LAPACK fails or is missing.
double frechet_distance(const GaussianStats& a, const GaussianStats& b);

}  // namespace qt
