#pragma once
// The LLaMA model's training pass: a forward that keeps what the backward needs,
// then the backward, block by block in reverse, each layer kind's backward beside
// its forward (after llm.c's train_gpt2.c):
//   forward:  x_0 = embed(tokens);  x_{l+1} = block_l(x_l);  logits = W_head rmsnorm(x_L)
//   loss:     loss_scale * sum over targeted tokens of -log softmax(logits)[target]
//   backward: dlogits = loss_scale (softmax - onehot), fused with the loss a chunk of
//             rows at a time; dx_L = rmsnorm'(dlogits W_head); dx_l = block_l'(dx_{l+1}).
// The weights stay in their blocks: dX = dY W is read from them tile by tile
// (Backend::matmul_backward_input). What the parameters' gradients are and where
// they go is the business of the model's training hooks (model/training_hooks.h):
// LoRA's adapters, a method's dense dW per linear, or nothing.
// With activation checkpointing (the default) only each block's input is kept;
// the block's forward runs again just before its backward.
#include <cstdint>
#include <span>
#include <vector>

#include "model/llama_model.h"

namespace qt {

struct BackpropOptions {
    bool checkpoint_activations = true;
    // The float32 products of each pass on TF32 tensor cores where the backend has
    // them (Backend::set_tf32_products); off: plain float32, as the gradient tests need.
    bool tf32 = false;
    size_t head_chunk_bytes = size_t{64} << 20;  // logits computed at once (at least 64 rows)
};

struct BackpropResult {
    double sum_nll = 0;   // sum of -log p(target), unscaled
    int64_t targets = 0;  // tokens with a target
};

class LlamaBackprop {
public:
    explicit LlamaBackprop(LlamaModel& model, BackpropOptions options = {});

    // n_seqs sequences of equal length, back to back, each from position 0;
    // targets: one per token (the token that position predicts), negative for none.
    // Runs the forward and the backward of loss_scale * sum(-log p(target)),
    // sending parameter gradients to the model's training hooks.
    BackpropResult forward_backward(std::span<const int32_t> tokens, int n_seqs, std::span<const int32_t> targets,
                                    double loss_scale);
    // The same forward and loss, without the backward.
    BackpropResult forward_loss(std::span<const int32_t> tokens, int n_seqs, std::span<const int32_t> targets);

    const BackpropOptions& options() const { return options_; }
    // Bytes this pass allocates per token: activations kept for the backward
    // (each block's input with checkpointing, everything the backward reads without)
    // plus one block's recomputed activations and the activation gradients.
    static int64_t activation_bytes_per_token(const LlamaConfig& c, bool checkpoint_activations);

private:
    // What one block's backward reads, for n tokens.
    // q and k: what attention read (rotated); q_in, k_in: their projections before
    // the per-head norm (qk_norm only); o, d: the attention and FFN outputs before
    // their post-norms (post_norms only).
    struct BlockActivations {
        DeviceBuffer xn1, q, k, v, att, lse, h, xn2, gate, up, act;
        DeviceBuffer q_in, k_in, o, d;
    };
    struct Shape {
        int n = 0, n_seqs = 1, seq_len = 0;
        std::vector<int32_t> positions;
    };
    Shape begin(std::span<const int32_t> tokens, int n_seqs, std::span<const int32_t> targets);
    void ensure_buffers(int n);
    void alloc_block(BlockActivations& a, int n);
    BlockActivations& block_activations(int l);
    void block_forward(int l, const Shape& s, const float* x_in, BlockActivations& a, float* x_out);
    // dx holds dL/d(block output) on entry and dL/d(block input) on return.
    void block_backward(int l, const Shape& s, const float* x_in, const BlockActivations& a, float* dx);
    // y = W x in float32 (Backend::matmul_float, the arithmetic the backward differentiates)
    // plus the hooks' extra term.
    void linear_forward(LinearId id, const float* x, float* y, int n);
    // dx (+)= dy W (+ the hooks' extra term's backward), and dW for the hooks that want it.
    void linear_backward(LinearId id, const float* x, const float* dy, float* dx, int n, bool accumulate);
    // The head over the targeted rows of x_L, chunk by chunk: the loss, and with
    // `backward` dL/dx_L into dx_ (zero elsewhere).
    BackpropResult head(const Shape& s, std::span<const int32_t> targets, double loss_scale, bool backward);
    float* x_in(int l) const;  // the input of block l (l == n_layers: the final hidden states)

    LlamaModel& model_;
    Backend& b_;
    BackpropOptions options_;
    int capacity_ = 0;  // tokens the buffers hold
    DeviceBuffer xs_;   // [n_layers + 1][capacity][dim]
    std::vector<BlockActivations> blocks_;  // one (checkpointing) or one per block
    DeviceBuffer dx_, dxn_, dq_, dk_, dv_, datt_, dgate_, dup_, dact_;
    DeviceBuffer dq_in_, dk_in_;  // qk_norm only
    DeviceBuffer head_rows_, head_targets_, head_nll_, hx_, dhx_, hn_, dhn_, logits_;
    DeviceBuffer capped_;  // final_softcap only: the capped logits (logits_ keeps the head's output)
    int head_chunk_ = 0;
    DeviceBuffer weight_grad_;  // dW for hooks that want it, the largest such weight
};

}  // namespace qt
