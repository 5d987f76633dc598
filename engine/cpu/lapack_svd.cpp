#include "cpu/lapack_svd.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#if defined(QUANTTUNE_WITH_LAPACKE)
#include <lapacke.h>
#endif

namespace qt {

void svd_top_vectors_lapack(const float* g, int rows, int cols, int rank, float* out) {
    const int k = std::min(rows, cols);
    if (rank < 1 || rank > k)
        throw std::invalid_argument("SVD rank " + std::to_string(rank) + " outside 1.." + std::to_string(k) +
                                    " for a " + std::to_string(rows) + " x " + std::to_string(cols) + " matrix");
#if defined(QUANTTUNE_WITH_LAPACKE)
    std::vector<float> a(g, g + static_cast<size_t>(rows) * cols);  // sgesdd overwrites its input
    std::vector<float> s(static_cast<size_t>(k)), u(static_cast<size_t>(rows) * k), vt(static_cast<size_t>(k) * cols);
    const lapack_int info = LAPACKE_sgesdd(LAPACK_ROW_MAJOR, 'S', rows, cols, a.data(), cols, s.data(), u.data(), k,
                                           vt.data(), cols);
    if (info != 0)
        throw std::runtime_error("LAPACK sgesdd failed on a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                 " gradient (info " + std::to_string(info) + ")" +
                                 (info > 0 ? ": it did not converge; the gradient may hold NaN or Inf" : ""));
    if (rows >= cols) {
        std::copy(vt.begin(), vt.begin() + static_cast<std::ptrdiff_t>(rank) * cols, out);
    } else {
        for (int r = 0; r < rows; ++r)
            std::copy(u.begin() + static_cast<std::ptrdiff_t>(r) * k,
                      u.begin() + static_cast<std::ptrdiff_t>(r) * k + rank, out + static_cast<std::ptrdiff_t>(r) * rank);
    }
#else
    (void)g;
    (void)out;
    throw std::runtime_error("this build has no LAPACK (liblapacke-dev): Q-GaLore's SVD cannot run on the CPU backend");
#endif
}

}  // namespace qt
