#include "train/zo_trainer.h"

#include "train/training_methods.h"
#include "util/fault_injection.h"

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace qt {

ZoTrainer::ZoTrainer(LlamaModel& model, ZoParameters& params, const TrainConfig& config, const TrainData& data)
    : Trainer(model, config, data), params_(params) {}

StepRecord ZoTrainer::step() {
    if (finished()) throw std::logic_error("training already finished");
    const auto t0 = std::chrono::steady_clock::now();
    StepRecord rec;
    rec.step = state_.next_step;
    const auto examples = batch(rec.step);
    ZoStepSettings s;
    s.eps = config_.eps;
    s.lr = lr_at(rec.step);
    s.clip = training_method(config_.method).clips_projected_gradient && config_.clip > 0;
    s.clip_value = config_.clip;
    const int64_t tokens0 = loss_.tokens_processed();
    rec.result = zo_step(params_, ZoNoise{config_.seed, static_cast<uint64_t>(rec.step)}, s,
                         [&] {
                             const double l = loss_.evaluate(examples).mean();
                             return fault_injected("nan-loss", rec.step) ? std::nan("") : l;
                         });
    rec.non_finite = rec.result.non_finite;
    rec.loss = 0.5 * (rec.result.loss_plus + rec.result.loss_minus);
    rec.lr = s.lr;
    rec.tokens = loss_.tokens_processed() - tokens0;
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rec.memory = model_.backend().ledger().snapshot();
    ++state_.next_step;
    return rec;
}

}  // namespace qt
