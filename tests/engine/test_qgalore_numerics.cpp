// Q-GaLore's numerical parts on the CPU backend: stochastic rounding is unbiased,
// INT8 and INT4 group round trips stay within half a step, the SVD projection spans
// numpy's subspace, and Adam with 8-bit block-wise states tracks float32 Adam.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <vector>

#include "backend/cpu_backend.h"
#include "cpu/adam8bit_step.h"
#include "cpu/dynamic_map.h"
#include "cpu/group_quant.h"
#include "cpu/train_ops.h"
#include "test_support.h"

namespace {

std::vector<float> normal_values(size_t n, unsigned seed, float sd, float mean = 0.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(mean, sd);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

struct HostGroups {
    std::vector<uint8_t> codes;
    std::vector<float> scales, zeros;
    qt::GroupQuantTensor view;
    HostGroups(int64_t count, int group, int bits) {
        view.count = count;
        view.group = group;
        view.bits = bits;
        codes.assign(view.code_bytes(), 0);
        scales.assign(static_cast<size_t>(view.groups()), 0.0f);
        zeros.assign(static_cast<size_t>(view.groups()), 0.0f);
        view.codes = codes.data();
        view.scales = scales.data();
        view.zeros = zeros.data();
    }
};

// The mean over `draws` stochastic roundings of x (its grid fixed by the group's
// range), minus x, in units of the grid step; `bias` shifts the uniform to make a
// deliberately biased rounding for the test's control.
double mean_rounding_error(float x, qt::GroupScale s, int draws, float bias) {
    double sum = 0;
    for (int d = 0; d < draws; ++d) {
        const float u = std::min(0.99999994f, qt::philox_uniform(5, static_cast<uint64_t>(d), 0) + bias);
        sum += qt::group_value(qt::group_code_stochastic(x, s, 8, u), s);
    }
    return (sum / draws - x) / s.scale;
}

}  // namespace

// Over 20000 draws the mean of a rounding of x is within 4 standard errors of x
// (standard error <= 0.5 / sqrt(20000) = 0.0035 steps: the tolerance 0.015 steps),
// for fractional parts across the step; a rounding whose uniform is shifted by
// 0.05 (biased by 0.05 steps) and round-to-nearest both fail the same tolerance.
TEST(QgaloreNumerics, StochasticRoundingIsUnbiasedAndABiasedRoundingFails) {
    const qt::GroupScale s = qt::group_scale_from_range(-1.0f, 1.0f, 8);
    const int draws = 20000;
    const double tolerance = 0.015;
    double worst = 0, worst_biased = 1e9, worst_nearest = 1e9;
    for (double frac : {0.03, 0.1, 0.25, 0.5, 0.7, 0.97}) {
        const float x = static_cast<float>((17.0 + frac - s.zero) * s.scale);
        worst = std::max(worst, std::fabs(mean_rounding_error(x, s, draws, 0.0f)));
        worst_biased = std::min(worst_biased, std::fabs(mean_rounding_error(x, s, draws, 0.05f)));
        const double nearest = (qt::group_value(qt::group_code_nearest(x, s, 8), s) - x) / s.scale;
        worst_nearest = std::min(worst_nearest, std::fabs(nearest));
    }
    std::cout << "[ rounding ] |mean error| in steps: stochastic <= " << worst << ", shifted >= " << worst_biased
              << ", nearest >= " << worst_nearest << " (tolerance " << tolerance << ")\n";
    EXPECT_LT(worst, tolerance);
    EXPECT_GT(worst_biased, tolerance);
    EXPECT_GT(worst_nearest, tolerance);
}

// The backend's stochastic quantization of a whole tensor, averaged over streams,
// recovers an update 100x smaller than a grid step that nearest rounding loses.
TEST(QgaloreNumerics, StochasticQuantizationKeepsTinyUpdatesInExpectation) {
    auto backend = qt::make_cpu_backend(2);
    const int64_t n = 4096;
    auto w = normal_values(n, 3, 0.02f);
    HostGroups q(n, 256, 8);
    backend->quantize_groups(w.data(), q.view, nullptr);
    std::vector<float> base(n), updated(n), back(n);
    backend->dequantize_groups(q.view, base.data());
    const float step = q.scales[0];
    for (int64_t i = 0; i < n; ++i) updated[i] = base[i] + 0.01f * step;  // the same range, shifted by 1% of a step
    double sr_shift = 0, nearest_shift = 0;
    const int streams = 50;
    for (int k = 0; k < streams; ++k) {
        HostGroups r(n, 256, 8);
        const qt::StochasticRounding sr{9, static_cast<uint64_t>(k)};
        backend->quantize_groups(updated.data(), r.view, &sr);
        backend->dequantize_groups(r.view, back.data());
        for (int64_t i = 0; i < n; ++i) sr_shift += back[i] - base[i];
    }
    HostGroups r(n, 256, 8);
    backend->quantize_groups(updated.data(), r.view, nullptr);
    backend->dequantize_groups(r.view, back.data());
    for (int64_t i = 0; i < n; ++i) nearest_shift += back[i] - base[i];
    sr_shift /= static_cast<double>(n) * streams * step;
    nearest_shift /= static_cast<double>(n) * step;
    std::cout << "[ rounding ] mean shift of a 0.01-step update: stochastic " << sr_shift << " steps, nearest "
              << nearest_shift << " steps\n";
    EXPECT_NEAR(sr_shift, 0.01, 0.004);
    EXPECT_LT(std::fabs(nearest_shift), 0.002);
}

// |x - dequantize(quantize(x))| <= scale / 2 (+ float rounding) for every value,
// at 8 bits (group 256, the weights) and 4 bits (group 256, the projections), with
// a short last group and groups whose values all share one sign.
TEST(QgaloreNumerics, Int8AndInt4RoundTripsStayWithinHalfAStep) {
    auto backend = qt::make_cpu_backend(2);
    const int64_t n = 256 * 37 + 100;
    auto x = normal_values(n, 7, 0.05f);
    for (int64_t i = 256 * 3; i < 256 * 4; ++i) x[i] = std::fabs(x[i]) + 0.3f;  // one all-positive group
    for (int bits : {8, 4}) {
        HostGroups q(n, 256, bits);
        backend->quantize_groups(x.data(), q.view, nullptr);
        std::vector<float> back(n);
        backend->dequantize_groups(q.view, back.data());
        double worst = 0, worst_rel_range = 0;
        for (int64_t i = 0; i < n; ++i) {
            const float s = q.scales[static_cast<size_t>(i / 256)];
            const double err = std::fabs(static_cast<double>(x[i]) - back[i]);
            worst = std::max(worst, err / s);
            worst_rel_range = std::max(worst_rel_range, err / (s * ((1 << bits) - 1)));
        }
        std::cout << "[ round trip ] INT" << bits << ": max error " << worst << " steps, " << worst_rel_range
                  << " of the group's range\n";
        EXPECT_LE(worst, 0.5 + 1e-3) << bits << " bits";
    }
}

// The projection from LAPACK spans the subspace numpy's SVD (float64) finds: the
// projectors P^T P agree within 1e-3 (Frobenius, relative to sqrt(rank)) for a
// gradient with a clear gap after the rank-th singular value, both orientations.
TEST(QgaloreNumerics, SvdProjectionSpansNumpysSubspace) {
    if (qt::test::oracle_python().empty()) {
        if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh";
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
    }
    auto backend = qt::make_cpu_backend(2);
    struct Case {
        int rows, cols, rank;
    };
    for (const Case c : {Case{96, 40, 8}, Case{40, 120, 12}}) {
        // g = A B with A: rows x rank, B: rank x cols, plus small noise: rank strong directions.
        const auto a = normal_values(static_cast<size_t>(c.rows) * c.rank, 11, 1.0f);
        const auto b = normal_values(static_cast<size_t>(c.rank) * c.cols, 12, 1.0f);
        auto g = normal_values(static_cast<size_t>(c.rows) * c.cols, 13, 0.01f);
        for (int i = 0; i < c.rows; ++i)
            for (int j = 0; j < c.cols; ++j)
                for (int k = 0; k < c.rank; ++k) g[i * c.cols + j] += a[i * c.rank + k] * b[k * c.cols + j];
        qt::test::TempDir dir("svd");
        {
            std::ofstream out(dir.path + "/grad.f32", std::ios::binary);
            out.write(reinterpret_cast<const char*>(g.data()), static_cast<std::streamsize>(g.size() * 4));
        }
        qt::test::run_oracle("svd_subspace.py",
                             {dir.path, std::to_string(c.rows), std::to_string(c.cols), std::to_string(c.rank)});
        const auto theirs_bytes = qt::test::read_bytes(dir.path + "/numpy.f32");
        const bool right = c.rows >= c.cols;
        const int dim = right ? c.cols : c.rows;  // the projected space's dimension
        std::vector<float> ours(static_cast<size_t>(c.rank) * dim), theirs(ours.size());
        ASSERT_EQ(theirs_bytes.size(), theirs.size() * 4);
        std::memcpy(theirs.data(), theirs_bytes.data(), theirs_bytes.size());
        backend->svd_top_vectors(g.data(), c.rows, c.cols, c.rank, ours.data());
        // Vector k of a projection: row k (right) or column k (left).
        auto vec = [&](const std::vector<float>& p, int k, int i) {
            return right ? p[static_cast<size_t>(k) * dim + i] : p[static_cast<size_t>(i) * c.rank + k];
        };
        double diff = 0;
        for (int i = 0; i < dim; ++i)
            for (int j = 0; j < dim; ++j) {
                double po = 0, pt = 0;
                for (int k = 0; k < c.rank; ++k) {
                    po += static_cast<double>(vec(ours, k, i)) * vec(ours, k, j);
                    pt += static_cast<double>(vec(theirs, k, i)) * vec(theirs, k, j);
                }
                diff += (po - pt) * (po - pt);
            }
        const double rel = std::sqrt(diff) / std::sqrt(static_cast<double>(c.rank));
        std::cout << "[ svd ] " << c.rows << " x " << c.cols << " rank " << c.rank << ": projector difference "
                  << rel << "\n";
        EXPECT_LT(rel, 1e-3);
    }
}

TEST(QgaloreNumerics, DynamicMapsHaveBitsandbytesShape) {
    for (bool is_signed : {true, false}) {
        const qt::DynamicMap m = qt::make_dynamic_map(is_signed);
        EXPECT_TRUE(std::is_sorted(m.begin(), m.end()));
        EXPECT_EQ(m[255], 1.0f);
        EXPECT_NE(std::find(m.begin(), m.end(), 0.0f), m.end());
        // The smallest non-zero magnitude is the first decade's midpoint, 1e-6 * 0.55 (signed) or
        // 1e-6 * (0.1 + 0.55) / 2 (unsigned); the signed map reaches -(0.1 + 0.9 * 127/128 + ...)/2 ~ -0.993.
        float smallest = 1.0f;
        for (float v : m)
            if (v != 0.0f) smallest = std::min(smallest, std::fabs(v));
        EXPECT_NEAR(smallest, is_signed ? 0.55e-6f : 0.325e-6f, 1e-9f);
        if (is_signed) {
            EXPECT_NEAR(m[0], -0.99296875f, 1e-6f);
        } else {
            EXPECT_GE(m[0], 0.0f);
        }
        // Every code reproduces itself.
        for (int c = 0; c < 256; ++c) {
            if (c == 0 || m[c] != m[c - 1]) {
                EXPECT_EQ(qt::dynamic_map_code(m.data(), m[c]), c);
            }
        }
    }
}

// 100 steps of Adam on the same gradients (a persistent direction plus noise), 8-bit
// block-wise states against float32 states: the parameters' distance moved differs
// by < 5% of the distance moved.
TEST(QgaloreNumerics, Adam8bitTracksFloat32AdamOver100Steps) {
    auto backend = qt::make_cpu_backend(2);
    const int64_t n = 256 * 20 + 77;
    const auto p0 = normal_values(n, 21, 0.1f);
    const auto drift = normal_values(n, 22, 1.0f);
    std::vector<float> p8 = p0, p32 = p0, m(n, 0.0f), v(n, 0.0f);
    const int64_t blocks = (n + qt::kAdam8bitBlock - 1) / qt::kAdam8bitBlock;
    std::vector<uint8_t> mc(n, 0), vc(n, 0);
    std::vector<float> ma(blocks, 0.0f), va(blocks, 0.0f);
    const qt::Adam8bitState st{mc.data(), vc.data(), ma.data(), va.data()};
    qt::AdamWStep s;
    s.lr = 1e-3;
    for (int t = 1; t <= 100; ++t) {
        s.t = t;
        auto g = normal_values(n, 100 + t, 1.0f);
        for (int64_t i = 0; i < n; ++i) g[i] = 0.5f * drift[i] + g[i] * (1.0f + (i % 7) * 0.5f);
        backend->adam8bit_update(p8.data(), g.data(), st, n, s);
        qt::train_ops::adamw_update(p32.data(), g.data(), m.data(), v.data(), n, s);
    }
    double diff = 0, moved = 0;
    for (int64_t i = 0; i < n; ++i) {
        diff += std::pow(static_cast<double>(p8[i]) - p32[i], 2);
        moved += std::pow(static_cast<double>(p32[i]) - p0[i], 2);
    }
    const double rel = std::sqrt(diff / moved);
    std::cout << "[ adam8bit ] after 100 steps: |p8 - p32| / |p32 - p0| = " << rel << "\n";
    EXPECT_LT(rel, 0.05);
}
