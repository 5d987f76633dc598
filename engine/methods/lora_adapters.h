#pragma once
// LoRA adapters on the frozen, quantized model (Hu et al. 2021; QLoRA, Dettmers et
// al. 2023, on a 4-bit base): each targeted linear computes
//   y = W x + (alpha / r) B A x,   A: [r][in] Kaiming-uniform (bound 1/sqrt(in), as
//   peft's kaiming_uniform_(a=sqrt(5))), B: [out][r] zero, so training starts at the
//   base model.
// Backward, with u = A x recomputed rather than kept (r floats a token):
//   dB += s dy^T u;  du = s dy B;  dA += du^T x;  dx += du A        (s = alpha / r)
// W is never written and no gradient of it is formed. The adapters, their
// gradients and scratch are float32 in backend memory (ledger: TrainableParameters,
// Gradients, Activations).
#include <functional>
#include <string>
#include <vector>

#include "methods/first_order_method.h"
#include "model/llama_model.h"

namespace qt {

struct LoraSettings {
    int rank = 16;
    double alpha = 32.0;
    std::vector<LinearSlot> targets = {LinearSlot::Q,    LinearSlot::K,  LinearSlot::V,   LinearSlot::O,
                                       LinearSlot::Gate, LinearSlot::Up, LinearSlot::Down};
    uint64_t seed = 42;  // A's initialisation
};

// "q,k,v,o,gate,up,down" <-> slots; parsing throws naming an unknown or repeated name.
std::vector<LinearSlot> parse_lora_targets(const std::string& list);
std::string lora_targets_text(const std::vector<LinearSlot>& targets);

class LoraAdapters final : public FirstOrderMethod {
public:
    LoraAdapters(LlamaModel& model, const LoraSettings& settings);

    std::string method_name() const override { return "qlora"; }
    std::vector<ParameterBlock> parameter_blocks() const override;

    bool has_extra(LinearId id) const override { return index_of(id) >= 0; }
    void forward_extra(LinearId id, const WeightTensor& w, const float* x, float* y, int n) override;
    void backward_extra(LinearId id, const WeightTensor& w, const float* x, const float* dy, float* dx,
                        int n) override;

    const LoraSettings& settings() const { return settings_; }
    float scale() const { return static_cast<float>(settings_.alpha / settings_.rank); }

    // One adapter as host floats, for export: A [rank][in], B [out][rank].
    struct HostAdapter {
        std::string base_name;  // the GGUF tensor it adapts (blk.N.attn_q.weight ...)
        int64_t in = 0, out = 0;
        std::vector<float> a, b;
    };
    std::vector<HostAdapter> download() const;
    // Sets every adapter's A ([rank][in]) and B ([out][rank]) from fill(base_name, a, b),
    // a loaded adapter file's values; throws naming the tensor when a size is wrong.
    void set_values(const std::function<void(const std::string&, std::vector<float>&, std::vector<float>&)>& fill);

private:
    struct Adapter {
        LinearId id;
        std::string base_name;
        int64_t in = 0, out = 0;
        DeviceBuffer a, b, grad_a, grad_b;
    };
    int index_of(LinearId id) const;
    void ensure_scratch(int n);

    LoraSettings settings_;
    int n_layers_ = 0;
    std::vector<Adapter> adapters_;
    std::vector<int> index_;  // [layer * kLinearSlotCount + slot] -> adapter, or -1
    int scratch_tokens_ = 0;
    DeviceBuffer u_, du_;     // [n][rank]
};

}  // namespace qt
