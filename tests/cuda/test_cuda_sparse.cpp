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
//   sparse_add_to_bf16_rows          bit for bit against the same float sums and
//                                    round-to-nearest-even bf16 on the host.
//   linear_sparse, relative norms ||a - ref|| / ||ref||:
//     tensor-core path vs CPU        2e-2: W + S and x rounded to bf16 (2^-9 relative
//                                    each, ~3e-3 over a random dot) against the CPU's
//                                    8-bit activation blocks: the bound of the plain
//                                    tensor-core matmul (test_cuda_zo.cpp).
//     tensor-core path vs float64    1e-2 of (dequant(W) + S) x: the bf16 roundings alone.
//     its sparse part                2e-2 of ||S x||: (W + S) x - W x on the GPU (the same
//                                    bf16 x and tile outside S's entries, so only those
//                                    differ) against S x in double. Each entry carries
//                                    bf16(w + s) - bf16(w) - s, up to 2^-9 (|w + s| + |w|),
//                                    ~4e-3 of s for |s| ~ |w|, and x's 2^-9: ~5e-3 in
//                                    all. A product that dropped S would be off by 1.
//     other paths (few tokens,       1e-4, and 1e-4 of ||S x|| for the sparse part: the base
//     float32 weights) vs CPU        class on both (matmul, then sparse_matmul_add): the
//                                    plain products agree to ~2e-6 of |W| |x| (test_cuda_ops.cpp),
//                                    ~6e-5 of |y| at 2048 columns, and y + S x rounds to
//                                    2^-24 |y|, with |S x| ~ |y| / 30.
//   linear_sparse with QZO's deferred scales: bit for bit with a copy whose blocks
//   were written (test_cuda_deferred_scales.cpp's pairing), and never a stale tile.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <random>
#include <utility>
#include <vector>

#include "cuda_ops.h"
#include "cuda_test_support.h"
#include "quant/dequantize.h"
#include "quant/half.h"

namespace qt::test {
namespace {

// A rows x cols sparse matrix on the host, in the CSR layout of SparseRows.
struct HostCsr {
    int64_t rows = 0, cols = 0;
    std::vector<int32_t> row_start, col;
    std::vector<float> values;
};

// CSR of the given (row, col) positions, duplicates dropped unless `keep_repeats`,
// values normal(0, sigma).
HostCsr make_csr(int64_t rows, int64_t cols, std::vector<std::pair<int32_t, int32_t>> at, std::mt19937_64& rng,
                 float sigma = 0.1f, bool keep_repeats = false) {
    std::sort(at.begin(), at.end());
    if (!keep_repeats) at.erase(std::unique(at.begin(), at.end()), at.end());
    HostCsr s;
    s.rows = rows;
    s.cols = cols;
    s.row_start.assign(static_cast<size_t>(rows) + 1, 0);
    for (const auto& [r, c] : at) {
        ++s.row_start[static_cast<size_t>(r) + 1];
        s.col.push_back(c);
    }
    for (int64_t r = 0; r < rows; ++r) s.row_start[r + 1] += s.row_start[r];
    s.values = random_floats(s.col.size(), sigma, rng);
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


// ---- linear_sparse: (W + S) x.

// S x in double, from the rows.                      x: [n][cols]; out: [n][rows]
std::vector<double> sparse_times(const HostCsr& s, const std::vector<float>& x, int n) {
    std::vector<double> out(static_cast<size_t>(n) * s.rows, 0.0);
    for (int t = 0; t < n; ++t)
        for (int64_t r = 0; r < s.rows; ++r) {
            double a = 0.0;
            for (int32_t j = s.row_start[r]; j < s.row_start[r + 1]; ++j)
                a += static_cast<double>(s.values[j]) * x[static_cast<size_t>(t) * s.cols + s.col[j]];
            out[static_cast<size_t>(t) * s.rows + r] = a;
        }
    return out;
}

// ||a - ref|| / ||ref|| in double (infinity where a is not finite).
double relative_norm(const std::vector<double>& a, const std::vector<double>& ref) {
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i])) return kInf;
        num += (a[i] - ref[i]) * (a[i] - ref[i]);
        den += ref[i] * ref[i];
    }
    return den > 0.0 ? std::sqrt(num / den) : std::sqrt(num);
}

double norm(const std::vector<double>& a) {
    double s = 0.0;
    for (double v : a) s += v * v;
    return std::sqrt(s);
}

// S's arrays in a backend's memory, and the addend that points at them.
struct BackendSparse {
    DeviceBuffer row_start, col, values;
    SparseAddend addend;
};

BackendSparse sparse_to(Backend& b, const HostCsr& s) {
    BackendSparse o{ints_to(b, s.row_start), ints_to(b, s.col), to_backend(b, s.values), {}};
    o.addend = {{s.rows, s.cols, static_cast<int64_t>(s.col.size()), static_cast<const int32_t*>(o.row_start.data()),
                 static_cast<const int32_t*>(o.col.data())},
                o.values.f32()};
    return o;
}

// (W + S) x by linear_sparse (with s) or W x by linear (without), into a poisoned y.
std::vector<float> product(Backend& b, const WeightTensor& w, const SparseAddend* s, const DeviceBuffer& x, int n) {
    DeviceBuffer y = to_backend(b, std::vector<float>(static_cast<size_t>(n) * w.rows, NAN));
    if (s) b.linear_sparse(w, *s, x.f32(), y.f32(), n);
    else b.linear(w, x.f32(), y.f32(), n);
    return from_backend(b, y, static_cast<size_t>(n) * w.rows);
}

bool on_gemm_path(GgmlType type, int n) {
    return cuda::uses_gemm_path(static_cast<cuda::WeightFormat>(static_cast<uint32_t>(type)), n);
}

// A float rounded to bf16 bits, to nearest even (finite values), as __float2bfloat16_rn.
uint16_t bf16_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

TEST(CudaSparse, SparseAddToBf16RowsMatchesHostBitForBit) {
    QT_REQUIRE_GPU(gpu);
    (void)gpu;
    std::mt19937_64 rng(fresh_seed());
    // S of 300 x 200 at 3%, added to a tile of its rows 100 .. 219 (r0 > 0); some
    // columns given two or three times (summed in float, then one rounding), row 150
    // full, and row 160 with a column past the end (skipped: it would land in row 161).
    const int64_t rows = 300, cols = 200, r0 = 100, m = 120;
    std::vector<std::pair<int32_t, int32_t>> at = random_positions(rows, cols, 0.03, rng);
    for (size_t i = 0, k = at.size(); i < k; i += 7) at.push_back(at[i]);
    for (size_t i = 0, k = at.size(); i < k; i += 29) at.push_back(at[i]);
    for (int32_t c = 0; c < cols; ++c) at.emplace_back(150, c);
    at.emplace_back(160, static_cast<int32_t>(cols));
    const HostCsr s = make_csr(rows, cols, std::move(at), rng, 0.05f, true);
    // The tile and one row of sentinels after it (nothing may be written there).
    const std::vector<float> tile_floats = random_floats(static_cast<size_t>((m + 1) * cols), 0.05f, rng);
    std::vector<uint16_t> tile(tile_floats.size());
    for (size_t i = 0; i < tile.size(); ++i) tile[i] = bf16_bits(tile_floats[i]);

    std::vector<uint16_t> want = tile;
    size_t touched = 0;
    for (int64_t i = 0; i < m; ++i) {
        const int64_t r = r0 + i;
        for (int32_t j = s.row_start[r]; j < s.row_start[r + 1]; ++j) {
            const int32_t c = s.col[j];
            if (c < 0 || c >= cols || (j > s.row_start[r] && s.col[j - 1] == c)) continue;
            float v = s.values[j];
            for (int32_t k = j + 1; k < s.row_start[r + 1] && s.col[k] == c; ++k) v += s.values[k];
            uint16_t& e = want[static_cast<size_t>(i * cols + c)];
            e = bf16_bits(bf16_to_fp32(e) + v);
            ++touched;
        }
    }

    cuda::Context* ctx = cuda::create_context(0);
    const size_t tile_bytes = tile.size() * sizeof(uint16_t);
    void* wb = cuda::malloc_device(ctx, tile_bytes, "test");
    void* rs = cuda::malloc_device(ctx, s.row_start.size() * sizeof(int32_t), "test");
    void* col = cuda::malloc_device(ctx, s.col.size() * sizeof(int32_t), "test");
    void* val = cuda::malloc_device(ctx, s.values.size() * sizeof(float), "test");
    cuda::copy_to_device(ctx, wb, tile.data(), tile_bytes);
    cuda::copy_to_device(ctx, rs, s.row_start.data(), s.row_start.size() * sizeof(int32_t));
    cuda::copy_to_device(ctx, col, s.col.data(), s.col.size() * sizeof(int32_t));
    cuda::copy_to_device(ctx, val, s.values.data(), s.values.size() * sizeof(float));
    const cuda::SparseTileAddend addend{static_cast<const int32_t*>(rs), static_cast<const int32_t*>(col),
                                        static_cast<const float*>(val)};
    cuda::sparse_add_to_bf16_rows(ctx, addend, r0, m, cols, wb);
    std::vector<uint16_t> got(tile.size());
    cuda::copy_to_host(ctx, got.data(), wb, tile_bytes);
    for (void* p : {wb, rs, col, val}) cuda::free_device(ctx, p);
    cuda::destroy_context(ctx);

    size_t differ = 0, moved = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        differ += got[i] != want[i];
        moved += got[i] != tile[i];
    }
    std::printf("[ sparse ] bf16 tile %lld x %lld from row %lld: %zu weights written, %zu changed, %zu differ "
                "from the host\n",
                static_cast<long long>(m), static_cast<long long>(cols), static_cast<long long>(r0), touched, moved,
                differ);
    EXPECT_EQ(differ, 0u);
    EXPECT_GT(moved, touched / 2);  // S reached the tile (a tiny s may round away on a large w)
}

TEST(CudaSparse, LinearSparseOnTheGemmPathMatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    struct Case {
        GgmlType type;
        int64_t rows, cols;
        int n;
        double density;
        bool exact;  // small enough for a float64 reference; also repeats some columns
    };
    const Case cases[] = {
        {GgmlType::Q4_0, 1024, 2048, 256, 0.005, true},
        {GgmlType::Q4_0, 1024, 2048, 16, 0.005, false},    // few tokens: the warp kernels, then S
        {GgmlType::F32, 512, 1024, 256, 0.01, false},      // float32 weight: SGEMM, then S
        {GgmlType::Q4_0, 11008, 4096, 256, 0.001, false},  // Llama-2-7B's MLP shape: one bf16 tile
        {GgmlType::Q4_0, 25000, 2048, 128, 0.002, false},  // two bf16 tiles of rows (r0 > 0)
    };
    for (const Case& cs : cases) {
        const bool gemm = on_gemm_path(cs.type, cs.n);
        const std::string what = std::string(ggml_type_name(cs.type)) + " " + std::to_string(cs.rows) + " x " +
                                 std::to_string(cs.cols) + ", " + std::to_string(cs.n) + " tokens";
        SCOPED_TRACE(what);
        const auto w = random_weight_rows(cs.type, cs.rows, cs.cols, 0.05f, rng);
        std::vector<std::pair<int32_t, int32_t>> at = random_positions(cs.rows, cs.cols, cs.density, rng);
        if (cs.exact)
            for (size_t i = 0, k = at.size(); i < k; i += 50) at.push_back(at[i]);
        // |s| ~ |w| (0.05): entries that move their weights, and S x far above the noise.
        const HostCsr s = make_csr(cs.rows, cs.cols, std::move(at), rng, 0.05f, cs.exact);
        const std::vector<float> x = random_floats(static_cast<size_t>(cs.n) * cs.cols, 1.0f, rng);

        std::vector<float> with_s[2], without_s;
        Backend* backends[2] = {gpu, &cpu};
        for (int k = 0; k < 2; ++k) {
            Backend& be = *backends[k];
            const WeightTensor wt = be.load_weight("w", cs.type, cs.cols, cs.rows, w.data(), false);
            const BackendSparse sb = sparse_to(be, s);
            const DeviceBuffer xb = to_backend(be, x);
            with_s[k] = product(be, wt, &sb.addend, xb, cs.n);
            if (k == 0) without_s = product(be, wt, nullptr, xb, cs.n);
        }
        const std::vector<double> sx = sparse_times(s, x, cs.n);
        std::vector<double> gpu_d(with_s[0].begin(), with_s[0].end()), cpu_d(with_s[1].begin(), with_s[1].end());
        std::vector<double> delta(sx.size());
        for (size_t i = 0; i < delta.size(); ++i)
            delta[i] = static_cast<double>(with_s[0][i]) - static_cast<double>(without_s[i]);
        const double vs_cpu = relative_norm(gpu_d, cpu_d), sparse_part = relative_norm(delta, sx);
        std::printf("[ sparse ] linear_sparse %s (%s), %zu entries: ||S x|| / ||y|| %.3g; vs CPU %.3g, "
                    "(W + S) x - W x vs S x %.3g",
                    what.c_str(), gemm ? "tensor cores, S in the bf16 tile" : "base class", s.col.size(),
                    norm(sx) / norm(cpu_d), vs_cpu, sparse_part);
        if (cs.exact) {
            // (dequant(W) + S) x in double.
            const size_t row_bytes = ggml_row_size(cs.type, cs.cols);
            std::vector<float> wf(static_cast<size_t>(cs.rows * cs.cols));
            for (int64_t r = 0; r < cs.rows; ++r)
                dequantize_row(cs.type, w.data() + r * row_bytes, wf.data() + r * cs.cols, cs.cols);
            std::vector<double> dense(wf.begin(), wf.end());
            for (int64_t r = 0; r < cs.rows; ++r)
                for (int32_t j = s.row_start[r]; j < s.row_start[r + 1]; ++j)
                    dense[static_cast<size_t>(r * cs.cols + s.col[j])] += s.values[j];
            std::vector<double> exact(sx.size());
            for (int t = 0; t < cs.n; ++t)
                for (int64_t r = 0; r < cs.rows; ++r) {
                    const double* wr = dense.data() + r * cs.cols;
                    const float* xt = x.data() + static_cast<size_t>(t) * cs.cols;
                    double a = 0.0;
                    for (int64_t c = 0; c < cs.cols; ++c) a += wr[c] * xt[c];
                    exact[static_cast<size_t>(t) * cs.rows + r] = a;
                }
            const double vs_exact = relative_norm(gpu_d, exact);
            std::printf(", vs float64 %.3g", vs_exact);
            EXPECT_LE(vs_exact, 1e-2);
        }
        std::printf("\n");
        EXPECT_LE(vs_cpu, gemm ? 2e-2 : 1e-4);
        EXPECT_LE(sparse_part, gemm ? 2e-2 : 1e-4);
    }
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Sparse ZO with QZO's scales: the tile S goes into is the one the deferred scales
// made, and neither product hands its bf16 copy to the other (W's tile to a
// product with S, or W + S's to a plain one).
TEST(CudaSparse, LinearSparseReadsDeferredScalesAndKeepsNoStaleTile) {
    QT_REQUIRE_GPU(gpu);
    const GgmlType type = GgmlType::Q4_0;
    const int64_t rows = 768, cols = 1024;
    const int n = 256;
    if (!on_gemm_path(type, n)) GTEST_SKIP() << "256 tokens are below QT_CUDA_GEMM_MIN_TOKENS";
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    const auto blocks = random_weight_rows(type, rows, cols, 0.05f, rng);
    const int64_t count = rows * cols / 32;
    const size_t block_bytes = blocks.size() / static_cast<size_t>(count);
    std::vector<float> master(static_cast<size_t>(count));
    for (int64_t b = 0; b < count; ++b) {
        uint16_t h;
        std::memcpy(&h, blocks.data() + static_cast<size_t>(b) * block_bytes, 2);
        master[static_cast<size_t>(b)] = fp16_to_fp32(h);
    }
    WeightTensor deferred = gpu->load_weight("deferred", type, cols, rows, blocks.data(), true);
    WeightTensor eager = unregistered_weight(*gpu, type, rows, cols, blocks);
    DeviceBuffer m_deferred = to_backend(*gpu, master), m_eager = to_backend(*gpu, master);
    const BlockFieldView v_deferred{deferred.storage.data(), block_bytes, 0, count};
    const BlockFieldView v_eager{eager.storage.data(), block_bytes, 0, count};
    const HostCsr s = make_csr(rows, cols, random_positions(rows, cols, 0.005, rng), rng, 0.05f);
    const BackendSparse sb = sparse_to(*gpu, s);
    const SparseAddend* S = &sb.addend;
    const DeviceBuffer x = to_backend(*gpu, random_floats(static_cast<size_t>(n) * cols, 1.0f, rng));
    const ZoNoise noise{seed + 5, 12};
    const uint64_t index0 = 1001;

    const auto with_s = product(*gpu, eager, S, x, n);
    const auto plain = product(*gpu, deferred, nullptr, x, n);  // leaves W's tile in the scratch
    EXPECT_TRUE(same_bits(product(*gpu, deferred, S, x, n), with_s)) << "(W + S) x after W x";
    EXPECT_FALSE(same_bits(with_s, product(*gpu, eager, nullptr, x, n))) << "S did not reach the product";
    EXPECT_TRUE(same_bits(product(*gpu, deferred, S, x, n), with_s)) << "(W + S) x twice";
    EXPECT_TRUE(same_bits(product(*gpu, deferred, nullptr, x, n), plain)) << "W x after (W + S) x";

    gpu->zo_write_scales(v_deferred, m_deferred.f32(), 5e-3f, noise, index0);
    gpu->zo_write_scales(v_eager, m_eager.f32(), 5e-3f, noise, index0);
    const auto perturbed = product(*gpu, deferred, S, x, n);
    EXPECT_TRUE(same_bits(perturbed, product(*gpu, eager, S, x, n))) << "perturbed scales";
    EXPECT_FALSE(same_bits(perturbed, with_s)) << "the perturbation did not reach the product";

    // S perturbed in place as sparse ZO does: the next product reads its new values.
    gpu->zo_add_noise(sb.values.f32(), static_cast<int64_t>(s.col.size()), 1e-2f, noise, 0);
    const auto both = product(*gpu, deferred, S, x, n);
    EXPECT_TRUE(same_bits(both, product(*gpu, eager, S, x, n))) << "perturbed scales and S";
    EXPECT_FALSE(same_bits(both, perturbed)) << "the new values of S did not reach the product";
    std::printf("[ sparse ] linear_sparse with deferred scales, %zu entries: checked bit for bit\n", s.col.size());
}

}  // namespace
}  // namespace qt::test
