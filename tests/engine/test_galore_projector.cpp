// GaloreProjector on the CPU backend: the lazy rule doubles a layer's SVD gap once
// its subspace settles and never for a subspace that keeps moving; projecting a
// gradient that lies in the subspace and back returns it (float32 P) or nearly
// (INT4 P, error stated).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "backend/cpu_backend.h"
#include "methods/galore_projector.h"

namespace {

std::vector<float> normal_values(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

// A rows x cols matrix of rank `rank`: A B with random A, B.
std::vector<float> low_rank(int rows, int cols, int rank, unsigned seed) {
    const auto a = normal_values(static_cast<size_t>(rows) * rank, seed);
    const auto b = normal_values(static_cast<size_t>(rank) * cols, seed + 1);
    std::vector<float> g(static_cast<size_t>(rows) * cols, 0.0f);
    for (int i = 0; i < rows; ++i)
        for (int k = 0; k < rank; ++k)
            for (int j = 0; j < cols; ++j) g[i * cols + j] += a[i * rank + k] * b[k * cols + j];
    return g;
}

struct LazyRun {
    int64_t svds;
    int64_t saved;
    int gap;
};

LazyRun run_steps(bool settled, int steps) {
    auto backend = qt::make_cpu_backend(2);
    qt::GaloreProjectorSettings s;
    s.rank = 4;
    s.gap = 1;
    s.queue = 3;
    s.threshold = 0.4;
    s.int4 = false;
    const int rows = 48, cols = 32;
    qt::GaloreProjector p(*backend, rows, cols, s);
    std::vector<float> r(static_cast<size_t>(p.low_rank_count())), scratch(static_cast<size_t>(s.rank) * cols);
    const auto fixed = low_rank(rows, cols, 4, 7);
    for (int t = 0; t < steps; ++t) {
        const auto g = settled ? fixed : normal_values(fixed.size(), 100 + static_cast<unsigned>(t));
        p.project(g.data(), t, r.data(), scratch.data());
    }
    return {p.svds_done(), p.svds_saved(steps), p.gap()};
}

TEST(GaloreProjector, LazyRuleDoublesTheGapOnlyOnceTheSubspaceSettles) {
    // Settled: SVDs at steps 0, 1, 2, 3 (the queue of 3 similarities fills at the 4th: gap 2),
    // then 4 (gap 4), 8 (gap 8), 16 (gap 16; the next would be at 32): 7 of 32.
    const LazyRun settled = run_steps(true, 32);
    EXPECT_EQ(settled.svds, 7);
    EXPECT_EQ(settled.saved, 25);
    EXPECT_EQ(settled.gap, 16);
    // Moving (an unrelated gradient every step): |cosine| ~ 1/sqrt(32), the gap stays 1.
    const LazyRun moving = run_steps(false, 32);
    EXPECT_EQ(moving.svds, 32);
    EXPECT_EQ(moving.saved, 0);
    EXPECT_EQ(moving.gap, 1);
}

// A gradient of rank r is its own projection's back-projection: exact up to float
// rounding with a float32 P; with P in INT4 groups the relative error is < 0.25
// (a 4-bit grid over each group's range; about 0.1 measured), in both orientations.
TEST(GaloreProjector, ProjectionOfAGradientInTheSubspaceComesBack) {
    auto backend = qt::make_cpu_backend(2);
    for (bool int4 : {false, true})
        for (const auto& [rows, cols] : {std::pair{64, 40}, std::pair{40, 64}}) {
            qt::GaloreProjectorSettings s;
            s.rank = 6;
            s.int4 = int4;
            s.group = 64;
            qt::GaloreProjector p(*backend, rows, cols, s);
            const auto g = low_rank(rows, cols, 6, 3);
            std::vector<float> r(static_cast<size_t>(p.low_rank_count()));
            std::vector<float> scratch(static_cast<size_t>(s.rank) * std::min(rows, cols));
            std::vector<float> back(g.size(), 0.0f);
            p.project(g.data(), 0, r.data(), scratch.data());
            p.project_back_add(r.data(), 1.0f, back.data(), scratch.data());
            double err = 0, norm = 0;
            for (size_t i = 0; i < g.size(); ++i) {
                err += std::pow(static_cast<double>(back[i]) - g[i], 2);
                norm += static_cast<double>(g[i]) * g[i];
            }
            const double rel = std::sqrt(err / norm);
            std::cout << "[ projector ] " << rows << " x " << cols << (int4 ? " INT4" : " float32")
                      << ": |back - g| / |g| = " << rel << "\n";
            EXPECT_LT(rel, int4 ? 0.25 : 1e-5);
        }
}

}  // namespace
