#include "image/image_classifier.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "cpu/adamw_step.h"
#include "cpu/blas_gemm.h"

namespace qt {

ImageClassifier::ImageClassifier(int inputs, int hidden, int classes, uint64_t seed)
    : inputs_(inputs), hidden_(hidden), classes_(classes) {
    if (inputs < 1 || hidden < 1 || classes < 2)
        throw ImageDataError("a classifier of " + std::to_string(inputs) + " inputs, " + std::to_string(hidden) +
                             " hidden units and " + std::to_string(classes) + " classes");
    params_.assign(static_cast<size_t>(hidden) * inputs + hidden + static_cast<size_t>(classes) * hidden + classes, 0.0f);
    std::mt19937_64 rng(seed);
    const float a1 = std::sqrt(6.0f / static_cast<float>(inputs));                         // He uniform
    const float a2 = std::sqrt(6.0f / static_cast<float>(hidden + classes));               // Glorot uniform
    std::uniform_real_distribution<float> u1(-a1, a1), u2(-a2, a2);
    float* p = params_.data();
    for (int64_t i = 0; i < static_cast<int64_t>(hidden) * inputs; ++i) *p++ = u1(rng);
    p += hidden;
    for (int64_t i = 0; i < static_cast<int64_t>(classes) * hidden; ++i) *p++ = u2(rng);
}

void ImageClassifier::check_set(const ImageSet& set) const {
    if (set.pixels_per_image() != inputs_)
        throw ImageDataError("images of " + std::to_string(set.width) + " x " + std::to_string(set.height) +
                             " for a classifier of " + std::to_string(inputs_) + " inputs");
}

// h = relu(x W1^T + b1)   x: [n][inputs], h: [n][hidden]
// logits = h W2^T + b2     logits: [n][classes]
void ImageClassifier::forward(const float* x, int64_t n, float* h, float* logits) const {
    gemm(false, true, n, hidden_, inputs_, 1.0f, x, inputs_, w1(), inputs_, 0.0f, h, hidden_);
    for (int64_t r = 0; r < n; ++r)
        for (int j = 0; j < hidden_; ++j) {
            float& v = h[r * hidden_ + j];
            v = std::max(0.0f, v + b1()[j]);
        }
    gemm(false, true, n, classes_, hidden_, 1.0f, h, hidden_, w2(), hidden_, 0.0f, logits, classes_);
    for (int64_t r = 0; r < n; ++r)
        for (int c = 0; c < classes_; ++c) logits[r * classes_ + c] += b2()[c];
}

namespace {
constexpr int64_t kEvalChunk = 1024;
}

std::vector<int> ImageClassifier::predict(const ImageSet& set) const {
    check_set(set);
    std::vector<int> out(static_cast<size_t>(set.size()));
    std::vector<float> h(static_cast<size_t>(kEvalChunk) * hidden_), logits(static_cast<size_t>(kEvalChunk) * classes_);
    for (int64_t i0 = 0; i0 < set.size(); i0 += kEvalChunk) {
        const int64_t n = std::min(kEvalChunk, set.size() - i0);
        forward(set.image(i0), n, h.data(), logits.data());
        for (int64_t r = 0; r < n; ++r) {
            const float* l = logits.data() + r * classes_;
            out[static_cast<size_t>(i0 + r)] = static_cast<int>(std::max_element(l, l + classes_) - l);
        }
    }
    return out;
}

double ImageClassifier::accuracy(const ImageSet& set) const {
    if (set.labels.size() != static_cast<size_t>(set.size()))
        throw ImageDataError("accuracy needs a label for each of the " + std::to_string(set.size()) + " images");
    const std::vector<int> p = predict(set);
    int64_t right = 0;
    for (size_t i = 0; i < p.size(); ++i) right += p[i] == set.labels[i];
    return set.size() ? static_cast<double>(right) / static_cast<double>(set.size()) : 0.0;
}

std::vector<float> ImageClassifier::features(const ImageSet& set) const {
    check_set(set);
    std::vector<float> out(static_cast<size_t>(set.size()) * hidden_);
    std::vector<float> logits(static_cast<size_t>(kEvalChunk) * classes_);
    for (int64_t i0 = 0; i0 < set.size(); i0 += kEvalChunk) {
        const int64_t n = std::min(kEvalChunk, set.size() - i0);
        forward(set.image(i0), n, out.data() + i0 * hidden_, logits.data());
    }
    return out;
}

// The backward pass and the AdamW step, with every buffer sized once for a batch.
struct ImageClassifierTrainer {
    const ImageClassifier& m;
    int64_t batch;
    std::vector<float> x, h, logits, dlogits, dh, grad, adam_m, adam_v;

    ImageClassifierTrainer(const ImageClassifier& model, int64_t b)
        : m(model), batch(b), x(static_cast<size_t>(b) * model.inputs_), h(static_cast<size_t>(b) * model.hidden_),
          logits(static_cast<size_t>(b) * model.classes_), dlogits(logits.size()), dh(h.size()),
          grad(model.params_.size()), adam_m(grad.size()), adam_v(grad.size()) {}

    // The mean loss over the n rows in x with labels y, and its gradient into grad.
    double gradient(const uint8_t* y, int64_t n) {
        const int I = m.inputs_, H = m.hidden_, C = m.classes_;
        m.forward(x.data(), n, h.data(), logits.data());
        // Loss = mean over rows of -log softmax(logits)[y]; dlogits = (softmax - onehot) / n.
        double loss = 0;
        for (int64_t r = 0; r < n; ++r) {
            const float* l = logits.data() + r * C;
            float* d = dlogits.data() + r * C;
            const float mx = *std::max_element(l, l + C);
            double z = 0;
            for (int c = 0; c < C; ++c) z += std::exp(static_cast<double>(l[c] - mx));
            loss += std::log(z) - (l[y[r]] - mx);
            for (int c = 0; c < C; ++c)
                d[c] = static_cast<float>((std::exp(static_cast<double>(l[c] - mx)) / z - (c == y[r])) / n);
        }
        float* gw1 = grad.data();
        float* gb1 = gw1 + static_cast<int64_t>(H) * I;
        float* gw2 = gb1 + H;
        float* gb2 = gw2 + static_cast<int64_t>(C) * H;
        // dW2 = dlogits^T h: [C][H];  db2 = column sums of dlogits
        gemm(true, false, C, H, n, 1.0f, dlogits.data(), C, h.data(), H, 0.0f, gw2, H);
        std::fill(gb2, gb2 + C, 0.0f);
        for (int64_t r = 0; r < n; ++r)
            for (int c = 0; c < C; ++c) gb2[c] += dlogits[static_cast<size_t>(r * C + c)];
        // dh = dlogits W2, through ReLU (h > 0 where the pre-activation was)
        gemm(false, false, n, H, C, 1.0f, dlogits.data(), C, m.w2(), H, 0.0f, dh.data(), H);
        for (int64_t i = 0; i < n * H; ++i)
            if (h[static_cast<size_t>(i)] <= 0.0f) dh[static_cast<size_t>(i)] = 0.0f;
        // dW1 = dh^T x: [H][I];  db1 = column sums of dh
        gemm(true, false, H, I, n, 1.0f, dh.data(), H, x.data(), I, 0.0f, gw1, I);
        std::fill(gb1, gb1 + H, 0.0f);
        for (int64_t r = 0; r < n; ++r)
            for (int j = 0; j < H; ++j) gb1[j] += dh[static_cast<size_t>(r * H + j)];
        return loss / static_cast<double>(n);
    }

    // One AdamW step on params with the gradient in grad, as cpu/adamw_step.h writes it (torch.optim.AdamW).
    void adamw(std::vector<float>& params, const AdamWStep& s) {
        const double bc1 = 1 - std::pow(s.beta1, static_cast<double>(s.t));
        const double bc2 = std::sqrt(1 - std::pow(s.beta2, static_cast<double>(s.t)));
        const float decay = static_cast<float>(1 - s.lr * s.weight_decay);
        const float b1 = static_cast<float>(s.beta1), b2 = static_cast<float>(s.beta2);
        const float step = static_cast<float>(s.lr / bc1), inv_bc2 = static_cast<float>(1 / bc2);
        const float eps = static_cast<float>(s.eps);
        for (size_t i = 0; i < grad.size(); ++i) {
            const float g = grad[i];
            adam_m[i] = b1 * adam_m[i] + (1 - b1) * g;
            adam_v[i] = b2 * adam_v[i] + (1 - b2) * g * g;
            params[i] = params[i] * decay - step * adam_m[i] / (std::sqrt(adam_v[i]) * inv_bc2 + eps);
        }
    }
};

ImageClassifier ImageClassifier::train(const ImageSet& set, int classes, const ImageClassifierTraining& settings,
                                       const std::function<void(int, double)>& on_epoch) {
    if (set.labels.size() != static_cast<size_t>(set.size()) || set.size() == 0)
        throw ImageDataError("training a classifier needs labelled images; the set has " + std::to_string(set.size()) +
                             " images and " + std::to_string(set.labels.size()) + " labels");
    for (size_t i = 0; i < set.labels.size(); ++i)
        if (set.labels[i] >= classes)
            throw ImageDataError("image " + std::to_string(i) + " has label " + std::to_string(set.labels[i]) +
                                 " for a classifier of " + std::to_string(classes) + " classes");
    if (settings.batch < 1 || settings.epochs < 1)
        throw ImageDataError("classifier training: batch " + std::to_string(settings.batch) + " and epochs " +
                             std::to_string(settings.epochs) + " must be 1 or more");
    ImageClassifier model(static_cast<int>(set.pixels_per_image()), settings.hidden, classes, settings.seed);
    ImageClassifierTrainer trainer(model, settings.batch);
    std::vector<int64_t> order(static_cast<size_t>(set.size()));
    std::iota(order.begin(), order.end(), int64_t{0});
    std::mt19937_64 rng(settings.seed ^ 0x9E3779B97F4A7C15ull);
    std::vector<uint8_t> y(static_cast<size_t>(settings.batch));
    AdamWStep s;
    s.lr = settings.lr;
    s.weight_decay = settings.weight_decay;
    s.t = 0;  // counted up before each step: the first is t = 1
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t ppi = set.pixels_per_image();
    for (int epoch = 0; epoch < settings.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        double loss_sum = 0;
        int64_t batches = 0;
        bool out_of_time = false;
        for (int64_t b0 = 0; b0 < set.size(); b0 += settings.batch) {
            const int64_t n = std::min<int64_t>(settings.batch, set.size() - b0);
            for (int64_t r = 0; r < n; ++r) {
                const int64_t i = order[static_cast<size_t>(b0 + r)];
                std::copy(set.image(i), set.image(i) + ppi, trainer.x.begin() + r * ppi);
                y[static_cast<size_t>(r)] = set.labels[static_cast<size_t>(i)];
            }
            ++s.t;
            loss_sum += trainer.gradient(y.data(), n);
            trainer.adamw(model.params_, s);
            ++batches;
            if (settings.max_seconds > 0 &&
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > settings.max_seconds) {
                out_of_time = true;
                break;
            }
        }
        if (on_epoch) on_epoch(epoch, loss_sum / static_cast<double>(batches));
        if (out_of_time) break;
    }
    return model;
}

}  // namespace qt

namespace qt {

double ImageClassifier::loss_and_gradient(const ImageSet& set, std::vector<float>& grad) const {
    check_set(set);
    if (set.labels.size() != static_cast<size_t>(set.size()) || set.size() == 0)
        throw ImageDataError("a loss needs labelled images; the set has " + std::to_string(set.size()) + " images and " +
                             std::to_string(set.labels.size()) + " labels");
    ImageClassifierTrainer t(*this, set.size());
    std::copy(set.pixels.begin(), set.pixels.end(), t.x.begin());
    const double loss = t.gradient(set.labels.data(), set.size());
    grad = std::move(t.grad);
    return loss;
}

}  // namespace qt
