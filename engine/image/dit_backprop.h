#pragma once
// The DiT's forward, keeping what the backward needs, and its backward, layer kind
// by layer kind (after llm.c's train_gpt2.c). B images, N = (S/p)^2 tokens each,
// T = B N rows of width D; one conditioning row per image:
//   tokens   = patchify(x_t)                                  [T][P]
//   x_0      = tokens W_pe^T + b_pe + pos[token]              [T][D]
//   c        = MLP(sinusoid(1000 t)) + class_table[class]     [B][D]   (MLP: linear, SiLU, linear)
//   block l: (sh_a, sc_a, g_a, sh_m, sc_m, g_m) = silu(c) W_ada^T + b_ada      [B][6D]
//            x += g_a * attn(rmsnorm(x) (1 + sc_a) + sh_a)    (bidirectional multi-head attention)
//            x += g_m * swiglu_mlp(rmsnorm(x) (1 + sc_m) + sh_m)
//   final:   (sh, sc) = silu(c) W_fa^T + b_fa;  v = unpatchify((rmsnorm(x) (1 + sc) + sh) W_f^T + b_f)
// RMSNorm has no weight (adaLN supplies the scale). Weights are read in float32
// from their blocks (Backend::matmul_float), so quantized models run the forward;
// the backward needs every tensor in float32 (DitModel::trainable).
#include <cstdint>
#include <span>
#include <vector>

#include "image/dit_model.h"
#include "methods/first_order_method.h"

namespace qt {

class DitBackprop {
public:
    explicit DitBackprop(DitModel& model);

    // The velocity for n images: x_t [n][C][S][S], t [n] in [0, 1], classes [n] in
    // 0..n_classes (n_classes: the null class). Returns [n][C][S][S] on the host and
    // keeps the activations for backward().
    std::vector<float> forward(std::span<const float> x_t, std::span<const float> t,
                               std::span<const int32_t> classes);
    // Adds dL/dparameter for every tensor into the gradients, from dL/dv ([n][C][S][S])
    // of the last forward.
    void backward(std::span<const float> dvelocity);

    // One block per tensor, in dit_tensor_specs() order (AdamW's blocks).
    std::vector<ParameterBlock> parameter_blocks() const;
    void zero_gradients();
    const DitModel& model() const { return model_; }

private:
    struct BlockActs {
        DeviceBuffer mod, xn1, m1, q, k, v, att, lse, o, xmid, xn2, m2, g, u, act, d;
    };
    void ensure_buffers(int n_images);
    const float* w(int i) const { return static_cast<const float*>(model_.tensor(i).data); }
    // y = W x (+ b): the forward's linear in float32.                x: [n][W.cols]; y: [n][W.rows]
    void linear_forward(int wi, int bi, const float* x, float* y, int n);
    // dW += dy^T x; db += sum_rows dy; dx (+)= dy W where dx is not null.
    void linear_backward(int wi, int bi, const float* x, const float* dy, float* dx, int n, bool accumulate);
    void block_forward(int l, BlockActs& a, const float* x_in, float* x_out);
    void block_backward(int l, const BlockActs& a, const float* x_in, float* dx);
    AttentionShape attention_shape() const;

    DitModel& model_;
    Backend& b_;
    DitConfig c_;
    int capacity_ = 0;  // images the buffers hold
    int n_ = 0;         // images of the last forward
    std::vector<int32_t> classes_;
    // Forward: tokens [T][P], tfreq [B][Tf], h1, a1, cond (c), sc (silu c) [B][D],
    // xs [depth + 1][T][D] (each block's input; the last: the final norm's), final fmod [B][2D],
    // xnf, mf [T][D], out [T][P].
    DeviceBuffer tokens_, tfreq_, h1_, a1_, cond_, sc_, xs_, fmod_, xnf_, mf_, out_, ones_, unit_w_;
    std::vector<BlockActs> blocks_;
    // Backward scratch.
    DeviceBuffer dout_, dx_, dxn_, dm_, dq_, dk_, dv_, datt_, dbr_, dact_, dg_, du_, dmod_, dfmod_, dsc_, dc_, da1_,
        dh1_;
    std::vector<DeviceBuffer> grads_;  // dit_tensor_specs() order
};

}  // namespace qt
