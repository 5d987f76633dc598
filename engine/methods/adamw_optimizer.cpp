#include "methods/adamw_optimizer.h"

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

std::vector<float> AdamWOptimizer::download_state() const {
    std::vector<float> out(static_cast<size_t>(state_bytes_ / sizeof(float)));
    size_t at = 0;
    for (const auto* moments : {&m_, &v_})
        for (size_t i = 0; i < blocks_.size(); ++i) {
            backend_.download(out.data() + at, (*moments)[i].data(), static_cast<size_t>(blocks_[i].count) * sizeof(float));
            at += static_cast<size_t>(blocks_[i].count);
        }
    return out;
}

void AdamWOptimizer::upload_state(const std::vector<float>& state, int64_t steps_taken) {
    if (static_cast<int64_t>(state.size() * sizeof(float)) != state_bytes_)
        throw std::invalid_argument("optimizer state of " + std::to_string(state.size()) + " values where " +
                                    std::to_string(state_bytes_ / sizeof(float)) + " were expected");
    size_t at = 0;
    for (auto* moments : {&m_, &v_})
        for (size_t i = 0; i < blocks_.size(); ++i) {
            backend_.upload((*moments)[i].data(), state.data() + at, static_cast<size_t>(blocks_[i].count) * sizeof(float));
            at += static_cast<size_t>(blocks_[i].count);
        }
    t_ = steps_taken;
}

}  // namespace qt
