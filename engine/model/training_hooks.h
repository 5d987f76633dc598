#pragma once
// What a first-order training method attaches to the model, and where the
// backward's gradients go. The model and its backward (model/llama_backprop.h)
// call these; methods (engine/methods/) implement them:
//   - LoRA adds its own term to chosen linears and keeps its adapters' gradients;
//   - full fine-tuning and Q-GaLore ask for a linear's dense dW, each consumed as
//     soon as that layer's backward produced it (Q-GaLore applies it and lets it go);
//   - sparse ZO's sensitivity pass accumulates squared gradients the same way.
// No gradient of a frozen weight is ever formed unless a method asks for it.
#include <cstdint>
#include <string>

#include "backend/backend.h"

namespace qt {

// The linear layers of a LLaMA block, and the output head.
enum class LinearSlot : uint8_t { Q, K, V, O, Gate, Up, Down, Head };
inline constexpr int kLinearSlotCount = 8;

struct LinearId {
    int layer = 0;  // the block; unused for the head
    LinearSlot slot = LinearSlot::Q;
};

// "q", "k", "v", "o", "gate", "up", "down", "head": the names LoRA targets use.
const char* linear_slot_name(LinearSlot s);
// The slot of such a name; throws std::invalid_argument naming it and the choices.
LinearSlot parse_linear_slot(const std::string& name);

class TrainingHooks {
public:
    virtual ~TrainingHooks() = default;

    // A method that holds a linear's weight in its own format (Q-GaLore's INT8
    // groups) returns it here in a form the backend computes with (float32), valid
    // until the next call; nullptr: the model's own weight. Every forward and
    // backward use of the linear asks (LlamaModel::computing_weight).
    virtual const WeightTensor* weight_override(LinearId) { return nullptr; }

    // A sparse matrix S the method adds to linear `id`'s weight (sparse ZO's W =
    // dequant(Q) + S), or nullptr. The forward computes (W + S) x through
    // Backend::linear_sparse; the backward pass does not use it (no first-order
    // method trains S).
    virtual const SparseAddend* sparse_addend(LinearId) const { return nullptr; }

    // Whether linear `id` carries an extra term of the method's: y = W x + extra(x).
    virtual bool has_extra(LinearId) const { return false; }
    // y += extra(x).                                        x: [n][W.cols]; y: [n][W.rows]
    virtual void forward_extra(LinearId, const WeightTensor& /*w*/, const float* /*x*/, float* /*y*/, int /*n*/) {}
    // The extra term's backward: accumulates the method's own gradients from x and
    // dy, and adds d extra / dx to dx.
    virtual void backward_extra(LinearId, const WeightTensor& /*w*/, const float* /*x*/, const float* /*dy*/,
                                float* /*dx*/, int /*n*/) {}

    // Whether the backward forms dW = dy^T x ([W.rows][W.cols] float32) of this linear's weight.
    virtual bool wants_weight_gradient(LinearId) const { return false; }
    // Receives it once per backward pass, as soon as it exists; `grad` is backend
    // memory that is reused after the call returns.
    virtual void consume_weight_gradient(LinearId, WeightTensor& /*w*/, const float* /*grad*/) {}
};

}  // namespace qt
