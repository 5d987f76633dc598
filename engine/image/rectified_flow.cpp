#include "image/rectified_flow.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "util/philox_normal.h"

namespace qt {
namespace {

size_t sz(int64_t a, int64_t b = 1) { return static_cast<size_t>(a) * static_cast<size_t>(b); }

// The generator's streams of one training step, apart so that no draw is reused.
uint64_t noise_stream(uint64_t step) { return 3 * step; }
uint64_t time_stream(uint64_t step) { return 3 * step + 1; }
uint64_t drop_stream(uint64_t step) { return 3 * step + 2; }

}  // namespace

FlowBatch make_flow_batch(const DitConfig& c, std::span<const float> x0, std::span<const int32_t> labels,
                          uint64_t seed, uint64_t step, const RectifiedFlowSettings& s) {
    const size_t n = labels.size(), per = sz(c.image_values());
    if (n == 0 || x0.size() != n * per)
        throw std::invalid_argument("rectified flow: " + std::to_string(x0.size()) + " pixel values for " +
                                    std::to_string(n) + " labels of images of " + std::to_string(per));
    FlowBatch b;
    b.x_t.resize(x0.size());
    b.target.resize(x0.size());
    b.t.resize(n);
    b.classes.resize(n);
    for (size_t i = 0; i < n; ++i) {
        if (labels[i] < 0 || labels[i] >= c.n_classes)
            throw std::out_of_range("rectified flow: label " + std::to_string(labels[i]) + " of image " +
                                    std::to_string(i) + " outside 0.." + std::to_string(c.n_classes - 1));
        const double z = s.logit_mean + s.logit_std * philox_normal(seed, time_stream(step), i);
        const float t = static_cast<float>(1.0 / (1.0 + std::exp(-z)));
        b.t[i] = t;
        b.classes[i] = philox_uniform(seed, drop_stream(step), i) < s.drop_class ? c.null_class() : labels[i];
        for (size_t e = i * per; e < (i + 1) * per; ++e) {
            const float eps = philox_normal(seed, noise_stream(step), e);
            b.x_t[e] = (1.0f - t) * x0[e] + t * eps;  // x_t = (1 - t) x0 + t eps
            b.target[e] = eps - x0[e];                // v = d x_t / dt
        }
    }
    return b;
}

double flow_matching_loss(DitBackprop& dit, const FlowBatch& batch, bool backward) {
    const std::vector<float> v = dit.forward(batch.x_t, batch.t, batch.classes);
    std::vector<float> dv(v.size());
    double sum = 0;
    const double inv = 1.0 / static_cast<double>(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        const double r = static_cast<double>(v[i]) - batch.target[i];
        sum += r * r;
        dv[i] = static_cast<float>(2.0 * r * inv);  // d mean(r^2) / dv
    }
    if (backward) dit.backward(dv);
    return sum * inv;
}

std::vector<float> sample_images(DitBackprop& dit, std::span<const int32_t> classes, const SamplerSettings& s) {
    const DitConfig& c = dit.model().config();
    if (s.steps < 1) throw std::invalid_argument("sampler: " + std::to_string(s.steps) + " steps");
    const size_t n = classes.size(), per = sz(c.image_values());
    std::vector<float> x(n * per);
    for (size_t e = 0; e < x.size(); ++e) x[e] = philox_normal(s.seed, 0, e);  // x_1 ~ N(0, I)
    const bool guided = s.guidance != 1.0;
    // Guided: the conditional and the unconditional prediction in one batch of 2n.
    std::vector<int32_t> cls(classes.begin(), classes.end());
    if (guided) cls.insert(cls.end(), n, c.null_class());
    std::vector<float> input, t(cls.size());
    const double dt = 1.0 / s.steps;
    for (int k = 0; k < s.steps; ++k) {
        std::fill(t.begin(), t.end(), static_cast<float>(1.0 - k * dt));
        input = x;
        if (guided) input.insert(input.end(), x.begin(), x.end());
        const std::vector<float> v = dit.forward(input, t, cls);
        for (size_t e = 0; e < x.size(); ++e) {
            const double vc = v[e], vu = guided ? v[x.size() + e] : vc;
            x[e] = static_cast<float>(x[e] - dt * (vu + s.guidance * (vc - vu)));
        }
    }
    return x;
}

}  // namespace qt
