// Sparse ZO's ops on the GPU (kernels/sparse_ops.cu) against the CPU backend's
// host loops (engine/backend/backend_sparse_ops.cpp) and, for the sparse product,
// a dense reference in double. Measured numbers are printed as "[ sparse ] ...".
// Bounds, and why (scale = |y0| + sum over the row's terms of |v x|, per value):
//   sparse_matmul_add, GPU vs CPU    |diff| <= 1e-5 scale: both add the same terms in
//                                    the same order; the GPU fuses every product into
//                                    its sum, the host only outside g++'s vectorized
//                                    part, so each product's rounding (2^-24 of it)
//                                    may differ and carry through the later sums: at
//                                    most about k 2^-24 scale for k terms, 9e-6 for
//                                    the 150-term row, far less in practice.
//   sparse_matmul_add, GPU vs dense  |diff| <= 1e-4 scale: float sums of k + 1 terms
//   double reference y0 + x S^T      against exact ones, (k + 1) 2^-24 scale at worst.
//   add_squares                      bit for bit: one fused multiply-add a value on
//                                    both sides (the host loop is contracted into
//                                    vfmadd by g++ -march=native; the kernel calls
//                                    __fmaf_rn).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "cuda_test_support.h"

namespace qt::test {
namespace {

// A rows x cols sparse matrix on the host, in the CSR layout of SparseRows.
struct HostCsr {
    int64_t rows = 0, cols = 0;
    std::vector<int32_t> row_start, col;
    std::vector<float> values;
};

// CSR of the given (row, col) positions, duplicates dropped, values normal(0, 0.1).
HostCsr make_csr(int64_t rows, int64_t cols, std::vector<std::pair<int32_t, int32_t>> at, std::mt19937_64& rng) {
    std::sort(at.begin(), at.end());
    at.erase(std::unique(at.begin(), at.end()), at.end());
    HostCsr s;
    s.rows = rows;
    s.cols = cols;
    s.row_start.assign(static_cast<size_t>(rows) + 1, 0);
    for (const auto& [r, c] : at) {
        ++s.row_start[static_cast<size_t>(r) + 1];
        s.col.push_back(c);
    }
    for (int64_t r = 0; r < rows; ++r) s.row_start[r + 1] += s.row_start[r];
    s.values = random_floats(s.col.size(), 0.1f, rng);
    return s;
}

// `density` of the positions, uniformly at random (about density rows cols draws).
std::vector<std::pair<int32_t, int32_t>> random_positions(int64_t rows, int64_t cols, double density,
                                                          std::mt19937_64& rng) {
    std::uniform_int_distribution<int64_t> row(0, rows - 1), col(0, cols - 1);
    std::vector<std::pair<int32_t, int32_t>> at(static_cast<size_t>(density * static_cast<double>(rows * cols)));
    for (auto& p : at) p = {static_cast<int32_t>(row(rng)), static_cast<int32_t>(col(rng))};
    return at;
}

DeviceBuffer ints_to(Backend& b, const std::vector<int32_t>& v) {
    DeviceBuffer buf = b.alloc(std::max<size_t>(1, v.size() * sizeof(int32_t)), MemoryCategory::TrainableParameters);
    if (!v.empty()) b.upload(buf.data(), v.data(), v.size() * sizeof(int32_t));
    return buf;
}

// y0 + x S^T on backend b: S's arrays, x and y copied into its memory and back.
std::vector<float> run_sparse_matmul_add(Backend& b, const HostCsr& s, const std::vector<float>& x,
                                         const std::vector<float>& y0, int n) {
    const DeviceBuffer R = ints_to(b, s.row_start), C = ints_to(b, s.col);
    const DeviceBuffer V = to_backend(b, s.values), X = to_backend(b, x), Y = to_backend(b, y0);
    const SparseRows rows{s.rows, s.cols, static_cast<int64_t>(s.col.size()), static_cast<const int32_t*>(R.data()),
                          static_cast<const int32_t*>(C.data())};
    b.sparse_matmul_add(rows, V.f32(), X.f32(), Y.f32(), n);
    return from_backend(b, Y, y0.size());
}

// |y0[t][r]| + sum of |v x[t][c]| over row r: what a float sum's rounding is measured against.
std::vector<double> sum_scales(const HostCsr& s, const std::vector<float>& x, const std::vector<float>& y0, int n) {
    std::vector<double> scale(y0.size());
    for (int t = 0; t < n; ++t)
        for (int64_t r = 0; r < s.rows; ++r) {
            double a = std::fabs(static_cast<double>(y0[t * s.rows + r]));
            for (int32_t j = s.row_start[r]; j < s.row_start[r + 1]; ++j)
                a += std::fabs(static_cast<double>(s.values[j]) * x[t * s.cols + s.col[j]]);
            scale[t * s.rows + r] = a;
        }
    return scale;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Difference {
    double max_abs = 0.0, max_scaled = 0.0;  // max |a - ref| and max |a - ref| / scale
};

template <class Ref>
Difference difference(const std::vector<float>& a, const std::vector<Ref>& ref, const std::vector<double>& scale) {
    Difference d;
    for (size_t i = 0; i < a.size(); ++i) {
        const double e = std::fabs(static_cast<double>(a[i]) - static_cast<double>(ref[i]));
        d.max_abs = std::max(d.max_abs, std::isnan(e) ? kInf : e);
        d.max_scaled = std::max(d.max_scaled, scale[i] > 0.0 ? e / scale[i] : (e > 0.0 ? kInf : 0.0));
    }
    return d;
}

TEST(CudaSparse, SparseMatmulAddMatchesCpuAndDense) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());

    // 300 x 200 at 1%, rows 0, 299 and every 7th from 3 empty, row 150 three-quarters full.
    const int64_t rows = 300, cols = 200;
    const int n = 37;
    std::vector<std::pair<int32_t, int32_t>> at = random_positions(rows, cols, 0.01, rng);
    std::erase_if(at, [&](const auto& p) { return p.first == 0 || p.first == rows - 1 || p.first % 7 == 3; });
    std::bernoulli_distribution dense(0.75);
    for (int32_t c = 0; c < cols; ++c)
        if (dense(rng)) at.emplace_back(150, c);
    const HostCsr s = make_csr(rows, cols, std::move(at), rng);
    const std::vector<float> x = random_floats(static_cast<size_t>(n) * cols, 1.0f, rng);
    const std::vector<float> y0 = random_floats(static_cast<size_t>(n) * rows, 1.0f, rng);

    const std::vector<float> ours = run_sparse_matmul_add(*gpu, s, x, y0, n);
    const std::vector<float> ref = run_sparse_matmul_add(cpu, s, x, y0, n);
    // Dense S in double, and y0 + x S^T from it: the meaning of the op, not its loop.
    std::vector<double> S(static_cast<size_t>(rows * cols), 0.0);
    for (int64_t r = 0; r < rows; ++r)
        for (int32_t j = s.row_start[r]; j < s.row_start[r + 1]; ++j) S[r * cols + s.col[j]] += s.values[j];
    std::vector<double> exact(y0.begin(), y0.end());
    for (int t = 0; t < n; ++t)
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < cols; ++c)
                exact[t * rows + r] += static_cast<double>(x[t * cols + c]) * S[r * cols + c];

    const std::vector<double> scale = sum_scales(s, x, y0, n);
    const Difference vs_cpu = difference(ours, ref, scale), vs_dense = difference(ours, exact, scale);
    std::printf(
        "[ sparse ] %lld x %lld, %zu entries (row 150: %d), n %d: GPU vs CPU max |diff| %.3g "
        "(%.3g of scale), vs dense double max |diff| %.3g (%.3g of scale)\n",
        static_cast<long long>(rows), static_cast<long long>(cols), s.col.size(), s.row_start[151] - s.row_start[150],
        n, vs_cpu.max_abs, vs_cpu.max_scaled, vs_dense.max_abs, vs_dense.max_scaled);
    EXPECT_LE(vs_cpu.max_scaled, 1e-5);
    EXPECT_LE(vs_dense.max_scaled, 1e-4);
    // Rows without entries are left exactly as they were.
    size_t empty_changed = 0;
    for (int t = 0; t < n; ++t)
        for (int64_t r = 0; r < rows; ++r)
            if (s.row_start[r] == s.row_start[r + 1]) empty_changed += ours[t * rows + r] != y0[t * rows + r];
    EXPECT_EQ(empty_changed, 0u);

    // A Llama-2-7B MLP shape (11008 x 4096) at 0.1% density, 512 tokens.
    const int64_t big_rows = 11008, big_cols = 4096;
    const int big_n = 512;
    const HostCsr b = make_csr(big_rows, big_cols, random_positions(big_rows, big_cols, 0.001, rng), rng);
    const std::vector<float> bx = random_floats(static_cast<size_t>(big_n) * big_cols, 1.0f, rng);
    const std::vector<float> by0 = random_floats(static_cast<size_t>(big_n) * big_rows, 1.0f, rng);
    const std::vector<float> big_ours = run_sparse_matmul_add(*gpu, b, bx, by0, big_n);
    const std::vector<float> big_ref = run_sparse_matmul_add(cpu, b, bx, by0, big_n);
    const Difference big = difference(big_ours, big_ref, sum_scales(b, bx, by0, big_n));
    std::printf("[ sparse ] %lld x %lld, %zu entries, n %d: GPU vs CPU max |diff| %.3g (%.3g of scale)\n",
                static_cast<long long>(big_rows), static_cast<long long>(big_cols), b.col.size(), big_n, big.max_abs,
                big.max_scaled);
    EXPECT_LE(big.max_scaled, 1e-5);
}

TEST(CudaSparse, AddSquaresIsBitEqualToCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    const size_t count = 1'000'003;  // not a multiple of any vector or block width
    const std::vector<float> acc0 = random_floats(count, 1.0f, rng), g = random_floats(count, 1.0f, rng);
    std::vector<float> out[2];
    Backend* backends[2] = {gpu, &cpu};
    for (int k = 0; k < 2; ++k) {
        Backend& b = *backends[k];
        const DeviceBuffer A = to_backend(b, acc0), G = to_backend(b, g);
        b.add_squares(A.f32(), G.f32(), static_cast<int64_t>(count));
        out[k] = from_backend(b, A, count);
    }
    size_t differ = 0;
    for (size_t i = 0; i < count; ++i) differ += std::memcmp(&out[0][i], &out[1][i], sizeof(float)) != 0;
    std::printf("[ sparse ] add_squares: %zu of %zu values differ in their bits\n", differ, count);
    EXPECT_EQ(differ, 0u);
}

}  // namespace
}  // namespace qt::test
