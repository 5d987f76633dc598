#include "train/fo_trainer.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "util/fault_injection.h"

namespace qt {

AdamWSettings adamw_settings(const TrainConfig& c) {
    AdamWSettings s;
    s.beta1 = c.adam_beta1;
    s.beta2 = c.adam_beta2;
    s.eps = c.adam_eps;
    s.weight_decay = c.weight_decay;
    s.max_grad_norm = c.max_grad_norm;
    return s;
}

FoTrainer::FoTrainer(LlamaModel& model, FirstOrderMethod& method, const TrainConfig& config, const TrainData& data)
    : Trainer(model, config, data),
      method_(method),
      backprop_(model, BackpropOptions{config.checkpoint_activations, config.tf32}),
      optimizer_(model.backend(), method.parameter_blocks(), adamw_settings(config)) {
    if (model.training_hooks() != &method)
        throw std::logic_error("first-order training needs the method's hooks attached to the model");
}

void FoTrainer::set_state(const TrainerState& s) {
    Trainer::set_state(s);
    optimizer_.set_steps_taken(s.next_step);
}

StepRecord FoTrainer::step() {
    if (finished()) throw std::logic_error("training already finished");
    const auto t0 = std::chrono::steady_clock::now();
    StepRecord rec;
    rec.step = state_.next_step;
    rec.first_order = true;
    const auto examples = batch(rec.step);
    // A method that updates inside the backward sees the whole mini-batch in one pass.
    const int group_tokens = method_.updates_in_backward() ? std::numeric_limits<int>::max()
                                                           : model_.backend().preferred_batch_tokens();
    const auto groups = pack_batch(examples, loss_.max_tokens(), group_tokens, BatchLoss::kPadMultiple);
    if (method_.updates_in_backward() && groups.size() > 1)
        throw std::logic_error("a method that updates in the backward needs the batch in one pass");
    int64_t targets = 0;
    for (const PackedGroup& g : groups) targets += g.target_count;
    rec.lr = lr_at(rec.step);
    method_.zero_gradients();
    method_.begin_step(rec.step, rec.lr);
    double sum_nll = 0;
    // The batch's loss is the mean over all its targets, so each group's sum is scaled by 1 / targets.
    for (const PackedGroup& g : groups) {
        sum_nll += backprop_.forward_backward(g.tokens, g.n_seqs, g.targets, targets ? 1.0 / targets : 0.0).sum_nll;
        rec.tokens += g.real_tokens;
    }
    rec.loss = targets ? sum_nll / static_cast<double>(targets) : 0.0;
    if (fault_injected("nan-loss", rec.step)) rec.loss = std::nan("");
    rec.non_finite = !std::isfinite(rec.loss);
    if (method_.updates_in_backward()) {
        // The update is done (the guard restores the last good state if the loss was not finite).
        rec.grad_norm = method_.end_step();
    } else if (rec.non_finite) {
        // No update from a non-finite loss; the optimizer's step count still follows the
        // trainer's, as a resumed run sets it.
        rec.grad_norm = std::nan("");
        optimizer_.set_steps_taken(rec.step + 1);
    } else {
        // Every step steps the optimizer (a batch without targets has a zero gradient),
        // so AdamW's step count is the trainer's and a resumed run can restore it.
        const OptimizerStepInfo info = optimizer_.step(rec.lr);
        rec.grad_norm = info.grad_norm;
        rec.grad_clipped = info.clipped;
    }
    rec.method_metrics = method_.metrics();
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rec.memory = model_.backend().ledger().snapshot();
    ++state_.next_step;
    return rec;
}

}  // namespace qt
