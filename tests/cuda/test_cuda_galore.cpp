// Q-GaLore's ops on the GPU (kernels/galore_ops.cu) against the CPU backend's host
// loops (engine/backend/backend_galore_ops.cpp), and the GPU's SVD against numpy's.
// Measured numbers are printed as "[ galore ] ...". Bounds, and why:
//   dequantize, nearest and          bit-exact, none different: both sides run the
//   stochastic quantization          same formulas of cpu/group_quant.h, whose only
//   (codes, scales, zeros)           float operations are IEEE divisions, roundings
//                                    to integers and sums without products (nothing
//                                    to fuse), and exact minima and maxima; a value
//                                    whose x / scale is a .5 tie is rounded by the
//                                    same rint on both, so ties cannot differ either.
//   8-bit Adam over 20 steps         the update's products are fused into FMAs by
//                                    nvcc and by g++ 12 -march=native alike (checked
//                                    in both assemblies), so no difference is expected;
//                                    the bounds allow for a host compiler that fuses
//                                    otherwise. Simulated on the host (one loop built
//                                    with -ffp-contract=off against one with FMAs, 60
//                                    seeds, these shapes and lr 1e-4): a state value
//                                    one float ulp off lands across a map midpoint for
//                                    a few values (<= 0.13% of codes), each such flip
//                                    moves one parameter by up to 1.4e-5 of max |p|,
//                                    <= 0.08% of parameters differ by more than 1e-6
//                                    of max |p|, and one block's absmax in 398 by more
//                                    than 1e-5. Bounds: codes < 1% different, max |dp|
//                                    / max |p| < 1e-4, >= 99.5% of parameters within
//                                    1e-6 of max |p|, >= 99% of absmaxes within 1e-5.
//   SVD against numpy (float64)      projectors P^T P within 1e-3 (Frobenius over
//                                    sqrt(rank)), as the CPU test (7e-7 measured with
//                                    LAPACK there); rows (or columns) of P orthonormal,
//                                    max |P P^T - I| < 1e-4.
//   SVD of 11008 x 4096 (Llama-2-7B  no oracle (numpy would take minutes): P orthonormal
//   MLP), rank 128                   within 1e-3 (Householder orthogonality error grows
//                                    with n = 4096), and the planted rank-128 row space
//                                    B found: |B - B P^T P| / |B| < 1e-3 (Wedin's bound
//                                    with noise 1e-3: ~3e-5).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "backend/cuda_backend.h"
#include "cpu/adam8bit_step.h"
#include "cuda_test_support.h"

namespace qt::test {
namespace {

namespace fs = std::filesystem;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// A group-quantized tensor's codes, scales and zeros in one backend's memory; the
// codes start as `fill` (the last byte's high nibble of an odd 4-bit count must
// survive), scales and zeros as NaN.
struct Groups {
    DeviceBuffer codes, scales, zeros;
    GroupQuantTensor t;
};

Groups make_groups(Backend& b, int64_t count, int group, int bits, uint8_t fill) {
    Groups q;
    q.t.count = count;
    q.t.group = group;
    q.t.bits = bits;
    const std::vector<uint8_t> bytes(q.t.code_bytes(), fill);
    q.codes = b.alloc(bytes.size(), MemoryCategory::Weights);
    b.upload(q.codes.data(), bytes.data(), bytes.size());
    q.scales = to_backend(b, std::vector<float>(static_cast<size_t>(q.t.groups()), kNaN));
    q.zeros = to_backend(b, std::vector<float>(static_cast<size_t>(q.t.groups()), kNaN));
    q.t.codes = static_cast<uint8_t*>(q.codes.data());
    q.t.scales = q.scales.f32();
    q.t.zeros = q.zeros.f32();
    return q;
}

std::vector<uint8_t> bytes_from(Backend& b, const DeviceBuffer& buf, size_t count) {
    std::vector<uint8_t> v(count);
    if (count) b.download(v.data(), buf.data(), count);
    return v;
}

DeviceBuffer bytes_to(Backend& b, const std::vector<uint8_t>& v) {
    DeviceBuffer buf = b.alloc(std::max<size_t>(1, v.size()), MemoryCategory::OptimizerStates);
    if (!v.empty()) b.upload(buf.data(), v.data(), v.size());
    return buf;
}

// How many floats differ in their bits (so -0 and +0 differ, NaN equals the same NaN).
size_t bit_differences(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return std::max(a.size(), b.size());
    size_t n = 0;
    for (size_t i = 0; i < a.size(); ++i) n += std::memcmp(&a[i], &b[i], sizeof(float)) != 0;
    return n;
}

size_t byte_differences(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    if (a.size() != b.size()) return std::max(a.size(), b.size());
    size_t n = 0;
    for (size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
    return n;
}

// Normal values with groups that test the edges of the min/max quantization: one
// all positive, one constant (range below 1e-5), one whose minimum is zero reached
// first as -0 then as +0, one whose maximum is zero reached first as +0 then as -0,
// one with an outlier.
std::vector<float> quantization_input(int64_t count, int group, std::mt19937_64& rng) {
    std::vector<float> x = random_floats(static_cast<size_t>(count), 0.05f, rng);
    auto group_span = [&](int64_t g) {
        const int64_t begin = g * group;
        return std::pair<int64_t, int64_t>{begin, std::min(count, begin + group)};
    };
    auto [b3, e3] = group_span(3);
    for (int64_t i = b3; i < e3; ++i) x[i] = std::fabs(x[i]) + 0.3f;
    auto [b5, e5] = group_span(5);
    for (int64_t i = b5; i < e5; ++i) x[i] = 0.25f;
    auto [b7, e7] = group_span(7);
    for (int64_t i = b7; i < e7; ++i) x[i] = std::fabs(x[i]) + 1e-3f;
    x[b7 + 5] = -0.0f;
    x[b7 + 9] = 0.0f;
    auto [b9, e9] = group_span(9);
    for (int64_t i = b9; i < e9; ++i) x[i] = -std::fabs(x[i]) - 1e-3f;
    x[b9 + 4] = 0.0f;
    x[b9 + 8] = -0.0f;
    x[group_span(11).first + 1] = 40.0f;
    return x;
}

struct QuantizeCase {
    int bits, group;
};
// count odd: the last group is short and, for 4 bits, ends in half a byte.
constexpr int64_t kQuantCount = 256 * 37 + 101;
constexpr QuantizeCase kQuantCases[] = {{8, 256}, {4, 256}, {8, 64}, {4, 64}};

// Quantizes x on both backends and checks codes, scales and zeros bit for bit.
void expect_same_quantization(Backend& gpu, const std::vector<float>& x, QuantizeCase c,
                              const StochasticRounding* rounding, const char* what) {
    Backend& cpu = *shared_cpu_backend();
    const auto n = static_cast<int64_t>(x.size());
    Groups ours = make_groups(gpu, n, c.group, c.bits, 0xA5), ref = make_groups(cpu, n, c.group, c.bits, 0xA5);
    const DeviceBuffer xg = to_backend(gpu, x), xc = to_backend(cpu, x);
    gpu.quantize_groups(xg.f32(), ours.t, rounding);
    cpu.quantize_groups(xc.f32(), ref.t, rounding);
    const size_t groups = static_cast<size_t>(ours.t.groups()), code_bytes = ours.t.code_bytes();
    const size_t codes =
        byte_differences(bytes_from(gpu, ours.codes, code_bytes), bytes_from(cpu, ref.codes, code_bytes));
    const size_t scales =
        bit_differences(from_backend(gpu, ours.scales, groups), from_backend(cpu, ref.scales, groups));
    const size_t zeros = bit_differences(from_backend(gpu, ours.zeros, groups), from_backend(cpu, ref.zeros, groups));
    std::printf("[ galore ] %s INT%d group %d: %zu of %zu code bytes, %zu scales, %zu zeros differ\n", what, c.bits,
                c.group, codes, code_bytes, scales, zeros);
    EXPECT_EQ(codes, 0u) << what << " INT" << c.bits << " group " << c.group;
    EXPECT_EQ(scales, 0u) << what << " INT" << c.bits << " group " << c.group;
    EXPECT_EQ(zeros, 0u) << what << " INT" << c.bits << " group " << c.group;
}

TEST(CudaGalore, DequantizeGroupsEqualsCpuBitForBit) {
    QT_REQUIRE_GPU(gpu);
    Backend& cpu = *shared_cpu_backend();
    std::mt19937_64 rng(fresh_seed());
    for (const QuantizeCase c : kQuantCases) {
        GroupQuantTensor shape;
        shape.count = kQuantCount;
        shape.group = c.group;
        shape.bits = c.bits;
        const auto groups = static_cast<size_t>(shape.groups());
        std::vector<uint8_t> codes(shape.code_bytes());
        std::uniform_int_distribution<int> byte(0, 255), zero(-20, (1 << c.bits) + 20);
        for (uint8_t& b : codes) b = static_cast<uint8_t>(byte(rng));
        std::vector<float> scales = random_floats(groups, 0.01f, rng), zeros(groups);
        for (float& s : scales) s = std::fabs(s) + 1e-4f;
        for (float& z : zeros) z = static_cast<float>(zero(rng));  // zero points are whole, not clamped
        std::vector<float> out[2];
        Backend* backends[2] = {gpu, &cpu};
        for (int k = 0; k < 2; ++k) {
            Backend& b = *backends[k];
            const DeviceBuffer C = bytes_to(b, codes), S = to_backend(b, scales), Z = to_backend(b, zeros);
            const DeviceBuffer O = to_backend(b, std::vector<float>(static_cast<size_t>(kQuantCount), kNaN));
            GroupQuantTensor t = shape;
            t.codes = static_cast<uint8_t*>(C.data());
            t.scales = S.f32();
            t.zeros = Z.f32();
            b.dequantize_groups(t, O.f32());
            out[k] = from_backend(b, O, static_cast<size_t>(kQuantCount));
        }
        const size_t diff = bit_differences(out[0], out[1]);
        std::printf("[ galore ] dequantize INT%d group %d: %zu of %lld values differ\n", c.bits, c.group, diff,
                    static_cast<long long>(kQuantCount));
        EXPECT_EQ(diff, 0u) << "INT" << c.bits << " group " << c.group;
    }
}

TEST(CudaGalore, NearestQuantizationEqualsCpuCodesScalesAndZeros) {
    QT_REQUIRE_GPU(gpu);
    std::mt19937_64 rng(fresh_seed());
    for (const QuantizeCase c : kQuantCases)
        expect_same_quantization(*gpu, quantization_input(kQuantCount, c.group, rng), c, nullptr, "nearest");
}

TEST(CudaGalore, StochasticQuantizationEqualsCpuCodesScalesAndZeros) {
    QT_REQUIRE_GPU(gpu);
    std::mt19937_64 rng(fresh_seed());
    for (const QuantizeCase c : kQuantCases) {
        const std::vector<float> x = quantization_input(kQuantCount, c.group, rng);
        for (uint64_t stream : {0ull, 7ull}) {
            const StochasticRounding r{rng(), stream};
            expect_same_quantization(*gpu, x, c, &r, "stochastic");
        }
    }
}

// The moments' codes and absmaxes and the parameters of one backend.
struct Adam8bitRun {
    std::vector<float> p, m_absmax, v_absmax;
    std::vector<uint8_t> m_codes, v_codes;
};

Adam8bitRun run_adam8bit(Backend& b, const std::vector<float>& p0, const std::vector<std::vector<float>>& grads,
                         const AdamWStep& settings) {
    const size_t n = p0.size(), blocks = (n + kAdam8bitBlock - 1) / kAdam8bitBlock;
    const DeviceBuffer P = to_backend(b, p0);
    const DeviceBuffer MC = bytes_to(b, std::vector<uint8_t>(n, 0)), VC = bytes_to(b, std::vector<uint8_t>(n, 0));
    const DeviceBuffer MA = to_backend(b, std::vector<float>(blocks, 0.0f)),
                       VA = to_backend(b, std::vector<float>(blocks, 0.0f));
    const Adam8bitState st{static_cast<uint8_t*>(MC.data()), static_cast<uint8_t*>(VC.data()), MA.f32(), VA.f32()};
    AdamWStep s = settings;
    for (size_t t = 0; t < grads.size(); ++t) {
        const DeviceBuffer G = to_backend(b, grads[t]);
        s.t = static_cast<int64_t>(t) + 1;
        b.adam8bit_update(P.f32(), G.f32(), st, static_cast<int64_t>(n), s);
    }
    return {from_backend(b, P, n), from_backend(b, MA, blocks), from_backend(b, VA, blocks), bytes_from(b, MC, n),
            bytes_from(b, VC, n)};
}

// Blocks whose absmax differs from the reference by more than 1e-5 of it.
size_t absmax_outliers(const std::vector<float>& a, const std::vector<float>& ref) {
    size_t n = 0;
    for (size_t i = 0; i < ref.size(); ++i)
        n += !(std::fabs(static_cast<double>(a[i]) - ref[i]) <= 1e-5 * std::fabs(static_cast<double>(ref[i])));
    return n;
}

TEST(CudaGalore, Adam8bitMatchesCpuOver20Steps) {
    QT_REQUIRE_GPU(gpu);
    std::mt19937_64 rng(fresh_seed());
    const size_t n = 256 * 397 + 77;  // a short last block
    const std::vector<float> p0 = random_floats(n, 1.0f, rng), drift = random_floats(n, 1.0f, rng);
    // A persistent direction plus noise of a few scales, as the CPU test's gradients.
    std::vector<std::vector<float>> grads;
    for (int t = 0; t < 20; ++t) {
        std::vector<float> g = random_floats(n, 1.0f, rng);
        for (size_t i = 0; i < n; ++i) g[i] = 0.5f * drift[i] + g[i] * (1.0f + static_cast<float>(i % 7) * 0.5f);
        grads.push_back(std::move(g));
    }
    AdamWStep s;
    s.lr = 1e-4;
    s.weight_decay = 0.01;
    const Adam8bitRun ours = run_adam8bit(*gpu, p0, grads, s), ref = run_adam8bit(*shared_cpu_backend(), p0, grads, s);

    double dmax = 0, pmax = 0;
    for (float v : ref.p) pmax = std::max(pmax, std::fabs(static_cast<double>(v)));
    size_t far = 0, different = 0;
    for (size_t i = 0; i < n; ++i) {
        const double d = std::fabs(static_cast<double>(ours.p[i]) - ref.p[i]);
        dmax = std::isfinite(d) ? std::max(dmax, d) : INFINITY;
        far += !(d <= 1e-6 * pmax);
        different += ours.p[i] != ref.p[i];
    }
    const size_t m_codes = byte_differences(ours.m_codes, ref.m_codes),
                 v_codes = byte_differences(ours.v_codes, ref.v_codes);
    const size_t m_abs = absmax_outliers(ours.m_absmax, ref.m_absmax),
                 v_abs = absmax_outliers(ours.v_absmax, ref.v_absmax);
    const size_t blocks = ref.m_absmax.size();
    std::printf(
        "[ galore ] adam8bit, 20 steps of %zu values: max |dp| / max |p| %.2e; %zu parameters differ, %zu by "
        "more than 1e-6 of max |p|; m codes %zu, v codes %zu differ; absmax beyond 1e-5: m %zu, v %zu of %zu "
        "blocks (bit-identical: m %zu, v %zu)\n",
        n, dmax / pmax, different, far, m_codes, v_codes, m_abs, v_abs, blocks,
        blocks - bit_differences(ours.m_absmax, ref.m_absmax), blocks - bit_differences(ours.v_absmax, ref.v_absmax));
    EXPECT_LT(dmax / pmax, 1e-4);
    EXPECT_LE(far, n / 200);
    EXPECT_LT(m_codes, n / 100);
    EXPECT_LT(v_codes, n / 100);
    EXPECT_LE(m_abs, blocks / 100);
    EXPECT_LE(v_abs, blocks / 100);
}

// ---- SVD

// g = A B + noise: rank strong directions (A: rows x rank, B: rank x cols).
std::vector<float> low_rank_plus_noise(int rows, int cols, int rank, float noise, std::mt19937_64& rng) {
    const auto a = random_floats(static_cast<size_t>(rows) * rank, 1.0f, rng);
    const auto b = random_floats(static_cast<size_t>(rank) * cols, 1.0f, rng);
    auto g = random_floats(static_cast<size_t>(rows) * cols, noise, rng);
    for (int i = 0; i < rows; ++i)
        for (int k = 0; k < rank; ++k) {
            const float aik = a[static_cast<size_t>(i) * rank + k];
            float* gi = g.data() + static_cast<size_t>(i) * cols;
            const float* bk = b.data() + static_cast<size_t>(k) * cols;
            for (int j = 0; j < cols; ++j) gi[j] += aik * bk[j];
        }
    return g;
}

// The oracle's python: QUANTTUNE_PYTHON, else scripts/setup.sh's venv where it
// exists (as the engine tests find it), else python3 from PATH (the GPU machine's has numpy).
std::string oracle_python_command() {
    if (const char* p = std::getenv("QUANTTUNE_PYTHON"); p && *p) return p;
    const char* cache = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const fs::path venv = (cache && *cache ? fs::path(cache) : fs::path(home ? home : "") / ".cache") / "quanttune" /
                          "venv" / "bin" / "python";
    return fs::exists(venv) ? "'" + venv.string() + "'" : "python3";
}

// numpy's projection of g (tests/oracle/svd_subspace.py), as svd_top_vectors lays it out.
std::vector<float> numpy_projection(const std::vector<float>& g, int rows, int cols, int rank) {
    const fs::path dir = fs::temp_directory_path() / ("qt_cuda_galore_svd_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream out(dir / "grad.f32", std::ios::binary);
        out.write(reinterpret_cast<const char*>(g.data()), static_cast<std::streamsize>(g.size() * sizeof(float)));
    }
    const std::string cmd = oracle_python_command() + " '" + QT_TEST_SOURCE_DIR + "/tests/oracle/svd_subspace.py' '" +
                            dir.string() + "' " + std::to_string(rows) + " " + std::to_string(cols) + " " +
                            std::to_string(rank);
    const int status = std::system(cmd.c_str());
    std::vector<float> p(static_cast<size_t>(rank) * (rows >= cols ? cols : rows));
    std::ifstream in(dir / "numpy.f32", std::ios::binary);
    const bool ok = status == 0 &&
                    in.read(reinterpret_cast<char*>(p.data()), static_cast<std::streamsize>(p.size() * 4)) &&
                    in.peek() == std::char_traits<char>::eof();
    fs::remove_all(dir);
    if (!ok) throw std::runtime_error("oracle failed: " + cmd);
    return p;
}

// Vector k of a projection, entry i: row k of [rank][dim] (rows >= cols) or column k of [dim][rank].
struct Projection {
    const std::vector<float>& p;
    int rank, dim;
    bool right;
    double at(int k, int i) const {
        return right ? p[static_cast<size_t>(k) * dim + i] : p[static_cast<size_t>(i) * rank + k];
    }
};

// max |P P^T - I| over the rank x rank Gram matrix of the projection's vectors.
double orthonormality_error(const Projection& P) {
    double worst = 0;
    for (int k = 0; k < P.rank; ++k)
        for (int l = 0; l <= k; ++l) {
            double dot = 0;
            for (int i = 0; i < P.dim; ++i) dot += P.at(k, i) * P.at(l, i);
            worst = std::max(worst, std::fabs(dot - (k == l ? 1.0 : 0.0)));
        }
    return worst;
}

// |P^T P - Q^T Q|_F / sqrt(rank): how far apart the spanned subspaces are.
double projector_difference(const Projection& P, const Projection& Q) {
    std::vector<double> diff(static_cast<size_t>(P.dim) * P.dim, 0.0);
    for (int k = 0; k < P.rank; ++k)
        for (int i = 0; i < P.dim; ++i) {
            const double pi = P.at(k, i), qi = Q.at(k, i);
            double* row = diff.data() + static_cast<size_t>(i) * P.dim;
            for (int j = 0; j < P.dim; ++j) row[j] += pi * P.at(k, j) - qi * Q.at(k, j);
        }
    double sum = 0;
    for (double d : diff) sum += d * d;
    return std::sqrt(sum / P.rank);
}

TEST(CudaGalore, SvdProjectionSpansNumpysSubspace) {
    QT_REQUIRE_GPU(gpu);
    const std::string probe = oracle_python_command() + " -c 'import numpy' >/dev/null 2>&1";
    if (std::system(probe.c_str()) != 0) {
        if (const char* r = std::getenv("QUANTTUNE_REQUIRE_ORACLES"); r && std::string(r) == "1")
            FAIL() << oracle_python_command() << " with numpy is missing";
        GTEST_SKIP() << oracle_python_command() << " with numpy is missing (set QUANTTUNE_PYTHON)";
    }
    std::mt19937_64 rng(fresh_seed());
    struct Case {
        int rows, cols, rank;
    };
    for (const Case c : {Case{96, 40, 8}, Case{40, 120, 12}, Case{1536, 576, 128}}) {
        const std::vector<float> g = low_rank_plus_noise(c.rows, c.cols, c.rank, 0.01f, rng);
        const std::vector<float> theirs = numpy_projection(g, c.rows, c.cols, c.rank);
        const bool right = c.rows >= c.cols;
        const int dim = right ? c.cols : c.rows;
        const DeviceBuffer G = to_backend(*gpu, g);
        const DeviceBuffer out = to_backend(*gpu, std::vector<float>(theirs.size(), kNaN));
        gpu->svd_top_vectors(G.f32(), c.rows, c.cols, c.rank, out.f32());
        const std::vector<float> ours = from_backend(*gpu, out, theirs.size());
        const Projection P{ours, c.rank, dim, right}, Q{theirs, c.rank, dim, right};
        const double rel = projector_difference(P, Q), ortho = orthonormality_error(P);
        std::printf("[ galore ] svd %d x %d rank %d: projector difference from numpy %.2e, max |P P^T - I| %.2e\n",
                    c.rows, c.cols, c.rank, rel, ortho);
        EXPECT_LT(rel, 1e-3) << c.rows << " x " << c.cols;
        EXPECT_LT(ortho, 1e-4) << c.rows << " x " << c.cols;
    }
}

// Llama-2-7B's gate/up shape: the gradient made on the device (planted A B plus
// noise from the device's generator), its projection checked against B's row space.
TEST(CudaGalore, SvdOfALlama2MlpGradientFindsItsPlantedSubspace) {
    QT_REQUIRE_GPU(gpu);
    const int rows = 11008, cols = 4096, rank = 128;
    std::mt19937_64 rng(fresh_seed());
    const std::vector<float> a = random_floats(static_cast<size_t>(rows) * rank, 1.0f, rng);
    const std::vector<float> b = random_floats(static_cast<size_t>(rank) * cols, 1.0f, rng);
    const DeviceBuffer A = to_backend(*gpu, a), B = to_backend(*gpu, b);
    const DeviceBuffer G = gpu->alloc(static_cast<size_t>(rows) * cols * sizeof(float), MemoryCategory::Gradients);
    cuda_normals(*gpu, G.f32(), static_cast<int64_t>(rows) * cols, ZoNoise{rng(), 0}, 0);
    gpu->scale(G.f32(), static_cast<int64_t>(rows) * cols, 1e-3f);
    gpu->gemm_f32(false, false, rows, cols, rank, 1.0f, A.f32(), B.f32(), 1.0f, G.f32());
    // The upload waits for the work queued before it: the clock times the SVD alone.
    const DeviceBuffer out = to_backend(*gpu, std::vector<float>(static_cast<size_t>(rank) * cols, kNaN));
    const auto t0 = std::chrono::steady_clock::now();
    gpu->svd_top_vectors(G.f32(), rows, cols, rank, out.f32());
    const std::vector<float> p = from_backend(*gpu, out, static_cast<size_t>(rank) * cols);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Projection P{p, rank, cols, true};
    // |B - (B P^T) P|_F / |B|_F, in double.
    double residual = 0, norm = 0;
    std::vector<double> coef(rank);
    for (int r = 0; r < rank; ++r) {
        const float* br = b.data() + static_cast<size_t>(r) * cols;
        for (int k = 0; k < rank; ++k) {
            double dot = 0;
            for (int j = 0; j < cols; ++j) dot += br[j] * P.at(k, j);
            coef[k] = dot;
        }
        for (int j = 0; j < cols; ++j) {
            double proj = 0;
            for (int k = 0; k < rank; ++k) proj += coef[k] * P.at(k, j);
            residual += (br[j] - proj) * (br[j] - proj);
            norm += static_cast<double>(br[j]) * br[j];
        }
    }
    const double rel = std::sqrt(residual / norm), ortho = orthonormality_error(P);
    std::printf("[ galore ] svd %d x %d rank %d: %.2f s; |B - B P^T P| / |B| %.2e, max |P P^T - I| %.2e\n", rows, cols,
                rank, seconds, rel, ortho);
    EXPECT_LT(rel, 1e-3);
    EXPECT_LT(ortho, 1e-3);
}

}  // namespace
}  // namespace qt::test
