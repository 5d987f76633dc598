#include "methods/adamw_optimizer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace qt {

AdamWOptimizer::AdamWOptimizer(Backend& backend, std::vector<ParameterBlock> blocks, const AdamWSettings& settings)
    : backend_(backend), blocks_(std::move(blocks)), settings_(settings) {
    for (const ParameterBlock& b : blocks_) {
        const size_t bytes = static_cast<size_t>(b.count) * sizeof(float);
        m_.push_back(backend_.alloc(bytes, MemoryCategory::OptimizerStates));
        v_.push_back(backend_.alloc(bytes, MemoryCategory::OptimizerStates));
        backend_.fill_zero(m_.back().data(), bytes);
        backend_.fill_zero(v_.back().data(), bytes);
        state_bytes_ += 2 * static_cast<int64_t>(bytes);
    }
}

double AdamWOptimizer::gradient_norm() const {
    double ss = 0;
    for (const ParameterBlock& b : blocks_) ss += backend_.sum_squares(b.grad, b.count);
    return std::sqrt(ss);
}

OptimizerStepInfo AdamWOptimizer::step(double lr) {
    OptimizerStepInfo info;
    info.grad_norm = gradient_norm();
    if (!std::isfinite(info.grad_norm))
        throw std::runtime_error("the gradient is not finite (norm " + std::to_string(info.grad_norm) +
                                 "): the step was not taken; lower the learning rate");
    if (settings_.max_grad_norm > 0 && info.grad_norm > settings_.max_grad_norm) {
        info.clipped = true;
        const float s = static_cast<float>(settings_.max_grad_norm / (info.grad_norm + 1e-6));
        for (const ParameterBlock& b : blocks_) backend_.scale(b.grad, b.count, s);
    }
    AdamWStep s;
    s.lr = lr;
    s.beta1 = settings_.beta1;
    s.beta2 = settings_.beta2;
    s.eps = settings_.eps;
    s.weight_decay = settings_.weight_decay;
    s.t = ++t_;
    for (size_t i = 0; i < blocks_.size(); ++i)
        backend_.adamw_update(blocks_[i].param, blocks_[i].grad, m_[i].f32(), v_[i].f32(), blocks_[i].count, s);
    return info;
}

template <class Fn>
void AdamWOptimizer::for_state_range(int64_t offset, int64_t count, Fn&& fn) const {
    if (offset < 0 || count < 0 || offset + count > state_size())
        throw std::out_of_range("AdamW state: range past the end");
    int64_t index0 = 0;
    for (const auto* moments : {&m_, &v_})
        for (size_t i = 0; i < blocks_.size(); ++i) {
            const int64_t n = blocks_[i].count;
            const int64_t lo = std::max(offset, index0), hi = std::min(offset + count, index0 + n);
            if (lo < hi) fn((*moments)[i].f32() + (lo - index0), lo - offset, hi - lo);
            index0 += n;
        }
}

void AdamWOptimizer::read_state(int64_t offset, int64_t count, float* dst) const {
    for_state_range(offset, count, [&](float* src, int64_t at, int64_t n) {
        backend_.download(dst + at, src, static_cast<size_t>(n) * sizeof(float));
    });
}

void AdamWOptimizer::write_state(int64_t offset, int64_t count, const float* src) {
    for_state_range(offset, count, [&](float* dst, int64_t at, int64_t n) {
        backend_.upload(dst, src + at, static_cast<size_t>(n) * sizeof(float));
    });
}

}  // namespace qt
