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
    for (const auto* moments : {&m_, &v_})
        for (size_t i = 0; i < blocks_.size(); ++i) state_.add((*moments)[i].f32(), blocks_[i].count);
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

}  // namespace qt
