#include "train/batch_loss.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace qt {

double token_nll(const float* row, int vocab, int32_t target) {
    if (target < 0 || target >= vocab)
        throw std::out_of_range("target token " + std::to_string(target) + " outside the vocabulary of " +
                                std::to_string(vocab));
    double max = row[0];
    for (int i = 1; i < vocab; ++i) max = std::max(max, static_cast<double>(row[i]));
    double sum = 0;
    for (int i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(row[i]) - max);
    return max + std::log(sum) - static_cast<double>(row[target]);
}

namespace {

// Checks an example's shape; returns the first position whose token is a target, or -1.
int first_target(const Example& ex, int max_tokens) {
    const int n = static_cast<int>(ex.tokens.size());
    if (ex.loss_mask.size() != ex.tokens.size())
        throw std::invalid_argument("example has " + std::to_string(n) + " tokens but a loss mask of " +
                                    std::to_string(ex.loss_mask.size()));
    if (n > max_tokens)
        throw std::length_error("example of " + std::to_string(n) + " tokens exceeds the maximum length " +
                                std::to_string(max_tokens));
    for (int t = 1; t < n; ++t)
        if (ex.loss_mask[static_cast<size_t>(t)]) return t;
    return -1;
}

}  // namespace

std::vector<PackedGroup> pack_batch(std::span<const Example* const> batch, int max_tokens, int batch_tokens,
                                    int pad_multiple) {
    std::vector<const Example*> live;  // those with a target
    for (const Example* ex : batch)
        if (first_target(*ex, max_tokens) >= 0) live.push_back(ex);
    auto padded = [&](int n) {
        if (batch_tokens <= 0) return n;
        return std::min(max_tokens, (n + pad_multiple - 1) / pad_multiple * pad_multiple);
    };
    std::vector<PackedGroup> groups;
    for (size_t g0 = 0; g0 < live.size();) {
        // As many sequences as fit batch_tokens at the group's padded length (one at least).
        size_t g1 = g0 + 1;
        int longest = static_cast<int>(live[g0]->tokens.size());
        while (batch_tokens > 0 && g1 < live.size()) {
            const int l = std::max(longest, static_cast<int>(live[g1]->tokens.size()));
            if (static_cast<int64_t>(g1 - g0 + 1) * padded(l) > batch_tokens) break;
            longest = l;
            ++g1;
        }
        PackedGroup g;
        const int len = padded(longest);
        g.n_seqs = static_cast<int>(g1 - g0);
        g.tokens.assign(static_cast<size_t>(g.n_seqs) * len, 0);
        g.targets.assign(g.tokens.size(), -1);
        for (int s = 0; s < g.n_seqs; ++s) {
            const Example& ex = *live[g0 + static_cast<size_t>(s)];
            const size_t n = ex.tokens.size(), row = static_cast<size_t>(s) * len;
            std::copy(ex.tokens.begin(), ex.tokens.end(), g.tokens.begin() + static_cast<std::ptrdiff_t>(row));
            std::fill(g.tokens.begin() + static_cast<std::ptrdiff_t>(row + n),
                      g.tokens.begin() + static_cast<std::ptrdiff_t>(row) + len, ex.tokens.back());
            // Position t - 1 predicts token t.
            for (size_t t = 1; t < n; ++t)
                if (ex.loss_mask[t]) {
                    g.targets[row + t - 1] = ex.tokens[t];
                    ++g.target_count;
                }
            g.real_tokens += static_cast<int64_t>(n);
        }
        groups.push_back(std::move(g));
        g0 = g1;
    }
    return groups;
}

BatchLoss::BatchLoss(LlamaModel& model, int max_tokens, int batch_tokens)
    : model_(model),
      max_tokens_(max_tokens),
      batch_tokens_(batch_tokens < 0 ? model.backend().preferred_batch_tokens() : batch_tokens),
      cache_(model.make_cache(max_tokens)),
      logits_(model.backend().ledger(), MemoryCategory::Activations,
              static_cast<size_t>(max_tokens) * model.config().vocab_size) {}

TokenLoss BatchLoss::evaluate(const Example& ex) {
    const int n = static_cast<int>(ex.tokens.size());
    const int first_target = qt::first_target(ex, max_tokens_);
    TokenLoss loss;
    if (first_target < 0) return loss;
    const int vocab = model_.config().vocab_size;
    // Position t - 1 predicts token t; logits start at the first position that predicts a target.
    const int first_logit = first_target - 1;
    cache_.n_filled = 0;
    model_.forward(std::span<const int32_t>(ex.tokens.data(), static_cast<size_t>(n)), cache_, first_logit,
                   logits_.data());
    tokens_processed_ += n;
    for (int t = first_target; t < n; ++t) {
        if (!ex.loss_mask[static_cast<size_t>(t)]) continue;
        loss.sum_nll += token_nll(logits_.data() + static_cast<size_t>(t - 1 - first_logit) * vocab, vocab,
                                  ex.tokens[static_cast<size_t>(t)]);
        ++loss.count;
    }
    return loss;
}

TokenLoss BatchLoss::evaluate(std::span<const Example* const> batch) {
    if (batch_tokens_ > 0 && batch.size() > 1) return evaluate_side_by_side(batch);
    TokenLoss total;
    for (const Example* ex : batch) {
        const TokenLoss l = evaluate(*ex);
        total.sum_nll += l.sum_nll;
        total.count += l.count;
    }
    return total;
}

TokenLoss BatchLoss::evaluate_side_by_side(std::span<const Example* const> batch) {
    TokenLoss total;
    for (PackedGroup& g : pack_batch(batch, max_tokens_, batch_tokens_, kPadMultiple)) {
        total.count += g.target_count;
        tokens_processed_ += g.real_tokens;
        total.sum_nll += model_.forward_nll_batch(g.tokens, g.n_seqs, cache_, g.targets);
    }
    return total;
}

double BatchLoss::continuation_logprob(std::span<const int32_t> prompt, std::span<const int32_t> continuation) {
    if (prompt.empty() || continuation.empty()) throw std::invalid_argument("scoring needs a prompt and a continuation");
    scratch_.assign(prompt.begin(), prompt.end());
    scratch_.insert(scratch_.end(), continuation.begin(), continuation.end());
    Example ex;
    ex.tokens = scratch_;
    ex.loss_mask.assign(scratch_.size(), 0);
    for (size_t t = prompt.size(); t < scratch_.size(); ++t) ex.loss_mask[t] = 1;
    return -evaluate(ex).sum_nll;
}

int BatchLoss::classify(const Example& example) {
    if (example.label_candidates.empty()) throw std::invalid_argument("classification example without label candidates");
    const size_t np = example.prompt_length;
    if (np == 0 || np > example.tokens.size()) throw std::invalid_argument("classification example without a prompt");
    size_t longest = 0;
    for (const auto& c : example.label_candidates) {
        if (c.empty()) throw std::invalid_argument("empty label candidate");
        longest = std::max(longest, c.size());
    }
    if (np + longest > static_cast<size_t>(max_tokens_))
        throw std::length_error("prompt of " + std::to_string(np) + " tokens and a label of " + std::to_string(longest) +
                                " exceed the maximum length " + std::to_string(max_tokens_));
    const int vocab = model_.config().vocab_size;
    // The prompt runs once; every candidate continues from its cached keys and values.
    cache_.n_filled = 0;
    model_.forward(std::span<const int32_t>(example.tokens.data(), np), cache_, static_cast<int>(np) - 1,
                   logits_.data());
    tokens_processed_ += static_cast<int64_t>(np);
    std::vector<float> last_prompt_row(logits_.data(), logits_.data() + vocab);
    int best = 0;
    double best_lp = -INFINITY;
    for (size_t c = 0; c < example.label_candidates.size(); ++c) {
        const std::vector<int32_t>& cand = example.label_candidates[c];
        double lp = -token_nll(last_prompt_row.data(), vocab, cand[0]);
        if (cand.size() > 1) {
            // Rows for cand[0 .. k-2] predict cand[1 .. k-1].
            cache_.n_filled = static_cast<int>(np);
            model_.forward(std::span<const int32_t>(cand.data(), cand.size() - 1), cache_, 0, logits_.data());
            tokens_processed_ += static_cast<int64_t>(cand.size() - 1);
            for (size_t t = 1; t < cand.size(); ++t)
                lp -= token_nll(logits_.data() + (t - 1) * static_cast<size_t>(vocab), vocab, cand[t]);
        }
        if (lp > best_lp) {
            best_lp = lp;
            best = static_cast<int>(c);
        }
    }
    return best;
}

}  // namespace qt
