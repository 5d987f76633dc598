#pragma once
// Q-GaLore (Zhang et al. 2024; ../shared/docs/methods.md): full-parameter training of
// every linear of every block with gradients projected to a low rank.
//   - Weights: each linear converted once from its GGUF blocks to INT8 in groups
//     (cpu/group_quant.h), the GGUF copy released. Every use dequantizes it to a
//     float32 scratch matrix (TrainingHooks::weight_override); one matrix at a time.
//   - Gradient: the backward hands over each linear's dW as soon as it exists
//     (consume_weight_gradient), and the update is applied there and then:
//     R = project(dW) (methods/galore_projector.h: SVD refreshed lazily, P INT4),
//     Adam with 8-bit block-wise states on R, the step projected back and scaled by
//     alpha, added to the dequantized weight, weight decay, and the sum rounded back
//     to INT8 stochastically (so small updates survive in expectation). No full-rank
//     gradient outlives its layer's backward.
//   - quantized = false is plain GaLore: float32 weights, float32 P, 32-bit Adam.
// Embedding, norms and an untied head stay frozen, as in the other methods here.
// Gradient-norm clipping is not applied (a per-layer update cannot see the global
// norm before it updates); the norm is still reported.
#include <cstdint>
#include <memory>
#include <vector>

#include "methods/first_order_method.h"
#include "methods/galore_projector.h"
#include "model/llama_model.h"

namespace qt {

struct QgaloreSettings {
    GaloreProjectorSettings projector;
    double scale = 0.25;        // alpha: the back-projected step is multiplied by it
    int weight_group = 256;
    bool stochastic_round = true;
    bool quantized = true;      // INT8 weights, INT4 P, 8-bit Adam; false: plain GaLore
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
    uint64_t seed = 42;         // stochastic rounding's stream
};

class Qgalore final : public FirstOrderMethod {
public:
    Qgalore(LlamaModel& model, const QgaloreSettings& s);
    ~Qgalore() override;

    std::string method_name() const override { return settings_.quantized ? "qgalore" : "galore"; }
    std::vector<ParameterBlock> parameter_blocks() const override { return {}; }
    int64_t size() const override;
    int64_t trainable_bytes() const override;
    // Checkpoints carry the weights (dequantized; write() rounds them to nearest);
    // the projections and Adam's states start afresh after a resume.
    void read(int64_t offset, int64_t count, float* dst) override;
    void write(int64_t offset, int64_t count, const float* src) override;
    MethodMetrics metrics() const override;

    bool updates_in_backward() const override { return true; }
    void begin_step(int64_t step, double lr) override;
    double end_step() override;

    const WeightTensor* weight_override(LinearId id) override;
    bool wants_weight_gradient(LinearId id) const override { return index_of(id) >= 0; }
    void consume_weight_gradient(LinearId id, WeightTensor& w, const float* grad) override;

    std::vector<LinearId> trained_linears() const override;
    std::vector<float> trained_values(LinearId id) override;

    // Linear i's weight as float32 into dst (backend memory, rows * cols values).
    void weight_values(size_t i, float* dst);
    size_t linear_count() const { return linears_.size(); }
    LinearId linear_id(size_t i) const;
    const GaloreProjector& projector(size_t i) const;

private:
    struct Linear;
    int index_of(LinearId id) const;
    float* dequantized(size_t i);  // linear i's weight in the scratch (current)
    std::vector<float> host_values(size_t i);  // linear i's weight, host memory
    void set_host_values(size_t i, const std::vector<float>& host);  // rounded to nearest when INT8
    // fn(linear, first value in it, how many) over values [offset, offset + count) of the flat vector.
    template <class Fn>
    void for_range(int64_t offset, int64_t count, Fn&& fn);

    LlamaModel& model_;
    QgaloreSettings settings_;
    int n_layers_ = 0;
    std::vector<int> index_;  // [layer * kLinearSlotCount + slot] -> linear, or -1
    std::vector<std::unique_ptr<Linear>> linears_;
    DeviceBuffer w_scratch_, r_scratch_, step_scratch_, p_scratch_;
    WeightTensor scratch_view_;
    int scratch_holds_ = -1;  // the linear whose current weight the scratch holds
    int64_t step_ = 0;
    double lr_ = 0;
    double grad_sq_ = 0;
    int64_t steps_taken_ = 0;
};

}  // namespace qt
