#pragma once
// The whole-model gradient check of the backward pass (model/llama_backprop.h):
// a first-order method's largest gradient coordinates against central finite
// differences of the training forward's loss. Shared by the LLaMA backprop tests
// and the architecture tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "methods/first_order_method.h"
#include "model/llama_backprop.h"

namespace qt::test {

// Two sequences of 12 tokens, targets on the second half of each (an answer after a prompt).
struct Batch {
    std::vector<int32_t> tokens, targets;
    int n_seqs = 2;
};
inline Batch make_batch(int vocab) {
    Batch b;
    std::mt19937 rng(3);
    for (int s = 0; s < b.n_seqs; ++s)
        for (int t = 0; t < 12; ++t) b.tokens.push_back(static_cast<int32_t>(rng() % static_cast<uint32_t>(vocab)));
    b.targets.assign(b.tokens.size(), -1);
    for (int s = 0; s < b.n_seqs; ++s)
        for (int t = 5; t < 11; ++t) b.targets[static_cast<size_t>(s * 12 + t)] = b.tokens[static_cast<size_t>(s * 12 + t + 1)];
    return b;
}

// Gives every adapter's B random values (it starts at zero, where dA is zero too).
inline void randomize(qt::FirstOrderMethod& m, float scale, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(static_cast<size_t>(m.size()));
    m.read(0, m.size(), v.data());
    for (float& x : v) x += d(rng);
    m.write(0, m.size(), v.data());
}

inline std::vector<float> gradients(const qt::FirstOrderMethod& m, qt::Backend& b) {
    std::vector<float> g;
    for (const qt::ParameterBlock& p : m.parameter_blocks()) {
        const size_t at = g.size();
        g.resize(at + static_cast<size_t>(p.count));
        b.download(g.data() + at, p.grad, static_cast<size_t>(p.count) * sizeof(float));
    }
    return g;
}

// Checks the 24 largest gradient coordinates against central differences of the
// mean loss; float arithmetic, so the bound is relative to the largest gradient.
inline void expect_gradient_matches_finite_differences(qt::LlamaBackprop& bp, qt::FirstOrderMethod& m, qt::Backend& b,
                                                const Batch& batch) {
    m.zero_gradients();
    const qt::BackpropResult r = bp.forward_backward(batch.tokens, batch.n_seqs, batch.targets, 1.0);
    ASSERT_EQ(r.targets, 12);
    const std::vector<float> g = gradients(m, b);
    std::vector<size_t> order(g.size());
    for (size_t i = 0; i < g.size(); ++i) order[i] = i;
    std::partial_sort(order.begin(), order.begin() + 24, order.end(),
                      [&](size_t a, size_t c) { return std::abs(g[a]) > std::abs(g[c]); });
    const double gmax = std::abs(g[order[0]]);
    ASSERT_GT(gmax, 1e-3);
    double worst = 0;
    for (int k = 0; k < 24; ++k) {
        const auto i = static_cast<int64_t>(order[static_cast<size_t>(k)]);
        float v = 0;
        m.read(i, 1, &v);
        const float h = 1e-2f * std::max(1.0f, std::abs(v));
        auto loss_at = [&](float x) {
            m.write(i, 1, &x);
            return bp.forward_loss(batch.tokens, batch.n_seqs, batch.targets).sum_nll;
        };
        const double fd = (loss_at(v + h) - loss_at(v - h)) / (2.0 * h);
        m.write(i, 1, &v);
        worst = std::max(worst, std::abs(fd - g[static_cast<size_t>(i)]) / gmax);
    }
    std::printf("[ grad check ] worst |fd - analytic| / max|g| over 24 coordinates: %.2e (max|g| %.3g)\n", worst,
                gmax);
    // A wrong factor or term gives O(1); float rounding over h = 1e-2 stays far below the bound.
    EXPECT_LT(worst, 1e-2);
}

}  // namespace qt::test
