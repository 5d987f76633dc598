// The base class's sparse-ZO ops, on the host (see backend.h): in place on the CPU
// backend, through download/upload elsewhere.
#include <cmath>
#include <stdexcept>
#include <vector>

#include "backend/backend.h"
#include "backend/host_array.h"

namespace qt {

void Backend::sparse_matmul_add(const SparseRows& s, const float* values, const float* x, float* y, int n) {
    if (s.nnz == 0 || n <= 0) return;
    if (s.rows <= 0 || s.cols <= 0) throw std::invalid_argument("sparse_matmul_add: empty shape with entries");
    HostArray<int32_t> R(*this, s.row_start, static_cast<size_t>(s.rows + 1), true);
    HostArray<int32_t> C(*this, s.col, static_cast<size_t>(s.nnz), true);
    HostArray<float> V(*this, values, static_cast<size_t>(s.nnz), true);
    HostArray<float> X(*this, x, static_cast<size_t>(n) * s.cols, true);
    HostArray<float> Y(*this, y, static_cast<size_t>(n) * s.rows, true);
    const int32_t* rs = R.get();
    const int32_t* col = C.get();
    const float* v = V.get();
    // Rows without entries are most of them (0.1% density): skip them once, not per token.
    std::vector<int32_t> busy;
    for (int64_t r = 0; r < s.rows; ++r)
        if (rs[r + 1] > rs[r]) busy.push_back(static_cast<int32_t>(r));
#pragma omp parallel for schedule(static)
    for (int t = 0; t < n; ++t) {
        const float* xt = X.get() + static_cast<size_t>(t) * s.cols;
        float* yt = Y.get() + static_cast<size_t>(t) * s.rows;
        for (int32_t r : busy) {
            float acc = 0.0f;
            for (int32_t j = rs[r]; j < rs[r + 1]; ++j) acc += v[j] * xt[col[j]];
            yt[r] += acc;
        }
    }
    Y.write_back();
}

void Backend::linear_sparse(const WeightTensor& w, const SparseAddend& s, const float* x, float* y, int n) {
    linear(w, x, y, n);
    sparse_matmul_add(s.rows, s.values, x, y, n);
}

void Backend::add_squares(float* acc, const float* g, int64_t count) {
    HostArray<float> A(*this, acc, static_cast<size_t>(count), true);
    HostArray<float> G(*this, g, static_cast<size_t>(count), true);
    float* a = A.get();
    const float* gg = G.get();
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; ++i) a[i] = std::fma(gg[i], gg[i], a[i]);  // fused, as the GPU kernel
    A.write_back();
}

}  // namespace qt
