// Training the DiT (engine/image/dit_backprop.h, rectified_flow.h): the backward
// against central finite differences of the flow-matching loss on a tiny model,
// the sampler's determinism, and AdamW pre-training from scratch in float32 on
// two classes of synthetic shapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "backend/cpu_backend.h"
#include "dit_support.h"
#include "image/dit_backprop.h"
#include "image/rectified_flow.h"
#include "methods/adamw_optimizer.h"
#include "test_support.h"
#include "util/philox_normal.h"

namespace {

qt::DitConfig tiny_config() {
    qt::DitConfig c;  // 8x8 images, patch 2 (16 tokens), width 16, 2 blocks
    c.image_size = 8, c.channels = 1, c.patch_size = 2, c.width = 16, c.depth = 2, c.n_heads = 2;
    c.n_classes = 2, c.ffn_width = 32, c.timestep_dim = 16;
    return c;
}

// Two classes of shapes on a -1 background: a 4x4 square (class 0) or a plus of
// 1-pixel bars (class 1), each shifted by up to one pixel.
void synthetic_shapes(int n, std::vector<float>& images, std::vector<int32_t>& labels) {
    images.assign(static_cast<size_t>(n) * 64, -1.0f);
    labels.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const int cls = i % 2, dy = (i / 2) % 3 - 1, dx = (i / 6) % 3 - 1;
        labels[static_cast<size_t>(i)] = cls;
        float* img = images.data() + static_cast<size_t>(i) * 64;
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) {
                const int yy = y - dy, xx = x - dx;
                const bool on = cls == 0 ? (yy >= 2 && yy < 6 && xx >= 2 && xx < 6)
                                         : ((yy == 3 && xx >= 1 && xx < 7) || (xx == 3 && yy >= 1 && yy < 7));
                if (on) img[y * 8 + x] = 1.0f;
            }
    }
}

std::vector<float> read_all(qt::Backend& b, const std::vector<qt::ParameterBlock>& blocks, bool grads) {
    std::vector<float> out;
    for (const qt::ParameterBlock& p : blocks) {
        const size_t at = out.size();
        out.resize(at + static_cast<size_t>(p.count));
        b.download(out.data() + at, grads ? p.grad : p.param, static_cast<size_t>(p.count) * sizeof(float));
    }
    return out;
}

}  // namespace

TEST(DitTraining, WholeModelGradientMatchesFiniteDifferencesInEveryTensor) {
    const qt::test::OneThread one_thread;
    qt::test::TempDir dir("dit-grad");
    const qt::DitConfig c = tiny_config();
    auto b = qt::make_cpu_backend(1);
    // Every tensor random (DiT's zero init would leave most gradients zero).
    auto m = qt::test::write_and_load(*b, dir.path + "/m.gguf", c, qt::test::busy_dit_values(c, 11, 0.2f));
    qt::DitBackprop dit(*m);
    std::vector<float> images;
    std::vector<int32_t> labels;
    synthetic_shapes(3, images, labels);
    qt::RectifiedFlowSettings s;
    s.drop_class = 0.4;  // with this seed some but not all images fall to the null class: both paths checked
    const qt::FlowBatch batch = qt::make_flow_batch(c, images, labels, 5, 0, s);
    const auto dropped = std::count(batch.classes.begin(), batch.classes.end(), c.null_class());
    EXPECT_GE(dropped, 1);
    EXPECT_LE(dropped, 2);

    const std::vector<qt::ParameterBlock> blocks = dit.parameter_blocks();
    ASSERT_EQ(blocks.size(), qt::dit_tensor_specs(c).size());
    dit.zero_gradients();
    qt::flow_matching_loss(dit, batch, true);
    const std::vector<float> g = read_all(*b, blocks, true);
    double gmax = 0;
    for (float x : g) gmax = std::max(gmax, double(std::abs(x)));
    ASSERT_GT(gmax, 1e-3);

    // In each tensor, its 3 largest coordinates against central differences.
    double worst = 0;
    size_t offset = 0;
    const auto specs = qt::dit_tensor_specs(c);
    for (size_t bi = 0; bi < blocks.size(); ++bi) {
        const size_t count = static_cast<size_t>(blocks[bi].count);
        std::vector<size_t> order(count);
        for (size_t i = 0; i < count; ++i) order[i] = i;
        const size_t k = std::min<size_t>(3, count);
        std::partial_sort(order.begin(), order.begin() + static_cast<long>(k), order.end(),
                          [&](size_t a, size_t z) { return std::abs(g[offset + a]) > std::abs(g[offset + z]); });
        EXPECT_GT(std::abs(g[offset + order[0]]), 1e-6 * gmax) << specs[bi].name << " has no gradient";
        for (size_t j = 0; j < k; ++j) {
            float* p = blocks[bi].param + order[j];
            const float v0 = *p, h = 1e-2f * std::max(1.0f, std::abs(v0));
            *p = v0 + h;
            const double up = qt::flow_matching_loss(dit, batch, false);
            *p = v0 - h;
            const double down = qt::flow_matching_loss(dit, batch, false);
            *p = v0;
            const double fd = (up - down) / (2.0 * h), an = g[offset + order[j]];
            const double err = std::abs(fd - an) / gmax;
            EXPECT_LT(err, 1e-2) << specs[bi].name << "[" << order[j] << "]: fd " << fd << " analytic " << an;
            worst = std::max(worst, err);
        }
        offset += count;
    }
    std::printf("[ dit grad ] worst |fd - analytic| / max|g| over 3 coordinates of each of %zu tensors: %.2e "
                "(max|g| %.3g)\n", blocks.size(), worst, gmax);
}

TEST(DitTraining, SamplerIsDeterministicForAFixedSeedAndGuidanceChangesTheImages) {
    const qt::test::OneThread one_thread;
    qt::test::TempDir dir("dit-sample");
    const qt::DitConfig c = tiny_config();
    auto b = qt::make_cpu_backend(1);
    auto m = qt::test::write_and_load(*b, dir.path + "/m.gguf", c, qt::test::busy_dit_values(c, 21, 0.1f));
    qt::DitBackprop dit(*m);
    const std::vector<int32_t> classes{0, 1, c.null_class()};
    qt::SamplerSettings s;
    s.steps = 8, s.guidance = 3.0, s.seed = 42;
    const std::vector<float> a = qt::sample_images(dit, classes, s);
    const std::vector<float> a2 = qt::sample_images(dit, classes, s);
    ASSERT_EQ(a.size(), 3u * 64u);
    EXPECT_EQ(a, a2);
    for (float x : a) ASSERT_TRUE(std::isfinite(x));
    s.seed = 43;
    EXPECT_NE(qt::sample_images(dit, classes, s), a);
    s.seed = 42, s.guidance = 1.0;
    EXPECT_NE(qt::sample_images(dit, classes, s), a);
}

// A freshly initialised DiT of width 32 and the 16 shapes it trains on.
struct ShapesRun {
    qt::test::TempDir dir{"dit-train"};
    qt::DitConfig c = [] {
        qt::DitConfig k = tiny_config();
        k.width = 32, k.ffn_width = 64;
        return k;
    }();
    std::unique_ptr<qt::Backend> b = qt::make_cpu_backend(1);
    std::unique_ptr<qt::DitModel> m;
    std::vector<float> images;
    std::vector<int32_t> labels;
    ShapesRun() {
        qt::write_random_dit_gguf(dir.path + "/m.gguf", c, 1);
        m = qt::DitModel::load(*b, dir.path + "/m.gguf");
        synthetic_shapes(16, images, labels);
    }
    // Full-batch AdamW steps, each on fresh noise, times and class drops.
    void train(qt::DitBackprop& dit, int steps, double lr) {
        qt::AdamWOptimizer opt(*b, dit.parameter_blocks(), qt::AdamWSettings{});
        for (int step = 0; step < steps; ++step) {
            dit.zero_gradients();
            qt::flow_matching_loss(dit, qt::make_flow_batch(c, images, labels, 7, static_cast<uint64_t>(step)), true);
            opt.step(lr);
        }
    }
};

TEST(DitTraining, AdamWFromScratchLowersTheFlowMatchingLossOnSyntheticShapes) {
    const qt::test::OneThread one_thread;
    const auto start = std::chrono::steady_clock::now();
    ShapesRun run;
    const qt::DitConfig& c = run.c;
    const std::vector<float>& images = run.images;
    const std::vector<int32_t>& labels = run.labels;
    qt::DitBackprop dit(*run.m);

    // The loss on 8 fixed draws of noise and time (steps far from the training ones).
    auto eval_loss = [&] {
        double sum = 0;
        for (uint64_t k = 0; k < 8; ++k)
            sum += qt::flow_matching_loss(dit, qt::make_flow_batch(c, images, labels, 99, 1000000 + k), false);
        return sum / 8;
    };
    const double before = eval_loss();
    const int steps = 200;
    run.train(dit, steps, 3e-3);
    const double after = eval_loss();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ dit train ] flow-matching loss %.4f -> %.4f after %d AdamW steps (%.1f s)\n", before, after, steps,
                seconds);
    // At init the model predicts v = 0: loss = E|eps - x0|^2 = 1 + mean(x0^2) = 2.
    EXPECT_NEAR(before, 2.0, 0.1);
    EXPECT_LT(after, 0.6 * before);
    // The time is printed, not asserted: speed is bench/'s business, not a unit test's.
}

TEST(DitTraining, GuidedSamplesOfATrainedModelLookLikeTheirClass) {
    const qt::test::OneThread one_thread;
    ShapesRun run;
    qt::DitBackprop dit(*run.m);
    run.train(dit, 600, 3e-3);
    // Each class's mean training image; a sample belongs to the nearer one.
    std::vector<float> mean[2] = {std::vector<float>(64, 0.0f), std::vector<float>(64, 0.0f)};
    for (size_t i = 0; i < run.labels.size(); ++i)
        for (size_t e = 0; e < 64; ++e) mean[run.labels[i]][e] += run.images[i * 64 + e] / 8.0f;
    const int per_class = 8;
    std::vector<int32_t> classes;
    for (int k = 0; k < 2 * per_class; ++k) classes.push_back(k % 2);
    qt::SamplerSettings s;
    s.steps = 20, s.guidance = 3.0, s.seed = 5;
    const std::vector<float> x = qt::sample_images(dit, classes, s);
    int right = 0;
    for (size_t i = 0; i < classes.size(); ++i) {
        double d[2] = {};
        for (int k = 0; k < 2; ++k)
            for (size_t e = 0; e < 64; ++e) d[k] += std::pow(x[i * 64 + e] - mean[k][e], 2.0);
        right += (d[classes[i]] < d[1 - classes[i]]) ? 1 : 0;
    }
    std::printf("[ dit sample ] %d of %d guided samples nearer their own class's mean image\n", right,
                2 * per_class);
    EXPECT_GE(right, 2 * per_class - 1);  // chance: 8
}
