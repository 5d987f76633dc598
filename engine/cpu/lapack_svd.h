#pragma once
// The leading singular vectors of a float matrix, from LAPACK's divide-and-conquer
// SVD (sgesdd through LAPACKE). Builds without LAPACKE throw a clear error.
#include <vector>

namespace qt {

// g: [rows][cols], row-major. rows >= cols: out = V^T[0:rank] ([rank][cols]);
// else out = U[:, 0:rank] ([rows][rank]). Throws std::runtime_error if LAPACK fails
// or is not built in, std::invalid_argument on a rank outside 1..min(rows, cols).
void svd_top_vectors_lapack(const float* g, int rows, int cols, int rank, float* out);

}  // namespace qt
