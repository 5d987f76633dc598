#pragma once
// L(theta; B): mean token cross-entropy over the masked positions of a mini-batch
// (all targets of all sequences weigh the same), from logits computed by the
// model and reduced on the host with log-sum-exp in double. Sequences run one
// after another through one KV cache; logits are computed only from the first
// position that predicts a target.
#include <memory>
#include <span>
#include <vector>

#include "model/llama_model.h"
#include "train/host_buffer.h"
#include "data/dataset.h"

namespace qt {

struct TokenLoss {
    double sum_nll = 0;  // sum of -log p(target)
    int64_t count = 0;   // targets
    double mean() const { return count ? sum_nll / static_cast<double>(count) : 0.0; }
};

// -log softmax(row)[target], in double.
double token_nll(const float* row, int vocab, int32_t target);

// A mini-batch laid out for forwards of up to batch_tokens tokens side by side
// (LlamaModel::forward_nll_batch, model/llama_backprop.h): each group's sequences
// right-padded with their last token to the group's longest, rounded up to
// pad_multiple and capped at max_tokens (causal attention keeps the padding from
// touching the real tokens, and few distinct shapes let a backend replay recorded
// forwards); batch_tokens <= 0: one example a group, unpadded. Examples without a
// target are left out. targets[i] is the token position i predicts, -1 where none.
struct PackedGroup {
    std::vector<int32_t> tokens, targets;
    int n_seqs = 0;
    int64_t target_count = 0;
    int64_t real_tokens = 0;  // padding not counted
};
// Throws naming an example whose loss mask does not match its tokens, or that exceeds max_tokens.
std::vector<PackedGroup> pack_batch(std::span<const Example* const> batch, int max_tokens, int batch_tokens,
                                    int pad_multiple);

class BatchLoss {
public:
    // Sequences of up to max_tokens tokens. batch_tokens > 0: evaluate(batch) runs
    // its sequences side by side in forwards of up to that many tokens, each
    // right-padded to the group's longest rounded up to kPadMultiple (causal
    // attention keeps the padding from touching the real tokens, and few distinct
    // shapes let a backend replay recorded forwards); 0: one after another;
    // -1: what the backend prefers (Backend::preferred_batch_tokens).
    BatchLoss(LlamaModel& model, int max_tokens, int batch_tokens = -1);
    static constexpr int kPadMultiple = 32;

    // Examples follow data/dataset.h's loss-mask convention.
    TokenLoss evaluate(std::span<const Example* const> batch);
    TokenLoss evaluate(const Example& example);
    // log p(continuation | prompt), summed over the continuation's tokens.
    double continuation_logprob(std::span<const int32_t> prompt, std::span<const int32_t> continuation);
    // For a labelled example: the index of the label candidate whose tokens are
    // most likely after the example's prompt (tokens[0, prompt_length)).
    int classify(const Example& example);
    int max_tokens() const { return max_tokens_; }
    // Tokens run through the model since construction (padding not counted).
    int64_t tokens_processed() const { return tokens_processed_; }

private:
    TokenLoss evaluate_side_by_side(std::span<const Example* const> batch);

    LlamaModel& model_;
    int max_tokens_;
    int batch_tokens_;
    KvCache cache_;
    LedgerHostBuffer logits_;
    std::vector<int32_t> scratch_;
    int64_t tokens_processed_ = 0;
};

}  // namespace qt
