#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "util/philox_normal.h"

namespace qt {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int longest(const TrainData& d) {
    size_t n = 2;
    for (const auto* set : {&d.train, &d.validation})
        for (const auto& e : *set) n = std::max(n, e.tokens.size());
    for (const auto& e : d.validation)
        for (const auto& c : e.label_candidates) n = std::max(n, e.prompt_length + c.size());
    return static_cast<int>(n);
}

}  // namespace

std::vector<uint32_t> shuffled_indices(size_t n, uint64_t seed, uint64_t epoch) {
    std::vector<uint32_t> p(n);
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint32_t>(i);
    constexpr uint32_t kShuffleStream = 0x5348554Bu;  // keeps these draws apart from the noise z
    for (size_t i = n; i > 1; --i) {
        const auto r = philox4x32_10(static_cast<uint32_t>(i), static_cast<uint32_t>(epoch),
                                     static_cast<uint32_t>(epoch >> 32), kShuffleStream, static_cast<uint32_t>(seed),
                                     static_cast<uint32_t>(seed >> 32));
        const uint64_t wide = (static_cast<uint64_t>(r.v[0]) << 32) | r.v[1];
        std::swap(p[i - 1], p[wide % i]);
    }
    return p;
}

Trainer::Trainer(LlamaModel& model, const TrainConfig& config, const TrainData& data)
    : model_(model),
      config_(config),
      data_(data),
      loss_(model, std::min(longest(data), std::max(2, model.config().context_length))) {
    validate(config_);
    if (data_.train.empty()) throw std::invalid_argument("the training set is empty");
    schedule_.kind = parse_lr_schedule(config_.schedule);
    schedule_.base_lr = config_.lr;
    schedule_.warmup_steps = config_.warmup_steps;
    schedule_.total_steps = config_.steps;
    schedule_.min_lr_ratio = config_.min_lr_ratio;
    state_.seed = config_.seed;
}

void Trainer::set_state(const TrainerState& s) {
    if (s.seed != config_.seed)
        throw std::invalid_argument("checkpoint seed " + std::to_string(s.seed) + " differs from the config's " +
                                    std::to_string(config_.seed));
    state_ = s;
}

std::vector<const Example*> Trainer::batch(int64_t step) {
    const auto n = static_cast<int64_t>(data_.train.size());
    std::vector<const Example*> out;
    for (int j = 0; j < config_.batch_size; ++j) {
        const int64_t k = step * config_.batch_size + j;
        const int64_t epoch = k / n;
        if (epoch != perm_epoch_) {
            perm_ = shuffled_indices(static_cast<size_t>(n), config_.seed, static_cast<uint64_t>(epoch));
            perm_epoch_ = epoch;
        }
        out.push_back(&data_.train[perm_[static_cast<size_t>(k % n)]]);
    }
    return out;
}

bool Trainer::evaluation_due() const {
    if (state_.next_step >= config_.steps) return true;
    return config_.eval_every > 0 && state_.next_step % config_.eval_every == 0;
}

EvalRecord Trainer::evaluate() {
    const auto t0 = std::chrono::steady_clock::now();
    EvalRecord e;
    e.step = state_.next_step;
    const auto& val = data_.validation.empty() ? data_.train : data_.validation;
    const size_t n = config_.eval_examples > 0 ? std::min(val.size(), static_cast<size_t>(config_.eval_examples))
                                               : val.size();
    TokenLoss total;
    for (size_t i = 0; i < n; ++i) {
        const TokenLoss l = loss_.evaluate(val[i]);
        total.sum_nll += l.sum_nll;
        total.count += l.count;
    }
    e.val_loss = total.mean();
    e.val_tokens = total.count;
    int64_t labelled = 0, right = 0;
    for (size_t i = 0; i < n; ++i) {
        if (val[i].label_index < 0 || val[i].label_candidates.empty()) continue;
        ++labelled;
        right += loss_.classify(val[i]) == val[i].label_index;
    }
    if (labelled > 0) e.accuracy = static_cast<double>(right) / static_cast<double>(labelled);
    // Early stopping: `patience` evaluations in a row without a lower validation loss.
    e.improved = e.val_loss < state_.best_val_loss;
    if (e.improved) {
        state_.best_val_loss = e.val_loss;
        state_.best_step = e.step;
        state_.evals_since_best = 0;
    } else {
        ++state_.evals_since_best;
        if (config_.patience > 0 && state_.evals_since_best >= config_.patience) state_.stopped_early = true;
    }
    e.seconds = seconds_since(t0);
    return e;
}

}  // namespace qt
