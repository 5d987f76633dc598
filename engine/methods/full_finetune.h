#pragma once
// Plain full fine-tuning, the reference point the frugal methods are measured
// against: every linear of every block (and an untied head) expanded once to a
// float32 master copy (methods/float_weight_copy.h), trained by AdamW from the
// dense dW = dy^T x the backward forms for each. Memory: 4 bytes of weights, 4 of
// gradient and 8 of moments per trained value, so only for models small enough.
// Embedding and norms stay frozen, as in QZO, MeZO and QLoRA here.
#include <vector>

#include "methods/first_order_method.h"
#include "model/llama_model.h"

namespace qt {

class FullFinetune final : public FirstOrderMethod {
public:
    explicit FullFinetune(LlamaModel& model);

    std::string method_name() const override { return "adamw"; }
    std::vector<ParameterBlock> parameter_blocks() const override;

    bool wants_weight_gradient(LinearId id) const override { return index_of(id) >= 0; }
    // grad_i += dW: the gradients of the mini-batch's sequences add up.
    void consume_weight_gradient(LinearId id, WeightTensor& w, const float* grad) override;

private:
    int index_of(LinearId id) const;

    int n_layers_ = 0;
    std::vector<int> index_;  // [layer * kLinearSlotCount + slot] -> trained weight, or -1
    std::vector<WeightTensor*> weights_;
    std::vector<DeviceBuffer> grads_;
};

}  // namespace qt
