#pragma once
// MeZO's trainable parameters (Malladi et al. 2023): every weight of the model's
// linear layers in full precision. The quantized matrices are expanded once into
// float32 copies (ledger: TrainableParameters) that replace them in the model, so
// the forward runs on floats (Backend::matmul_f32). Embedding and norms stay
// frozen, as in QZO here, so the two methods train the same layers.
//
// As published, theta is perturbed in place: +eps z, then -2 eps z, then the
// restore and the update are one pass, theta += (eps - eta g) z (the paper's
// restore and update passes fused; float rounding of theta +- eps z is MeZO's own).
#include <vector>

#include "methods/flat_parts.h"
#include "methods/zo_parameters.h"
#include "model/llama_model.h"

namespace qt {

class MezoWeights final : public ZoParameters {
public:
    explicit MezoWeights(LlamaModel& model);

    std::string method_name() const override { return "mezo"; }
    int64_t size() const override { return weights_.size(); }
    int64_t trainable_bytes() const override { return weights_.size() * static_cast<int64_t>(sizeof(float)); }
    void perturb(ZoNoise noise, float alpha) override;
    void finish_step(ZoNoise noise, float coeff) override;
    void read(int64_t offset, int64_t count, float* dst) override;
    void write(int64_t offset, int64_t count, const float* src) override;

private:
    Backend& backend_;
    FlatParts weights_{"MeZO weights"};  // every trained matrix, z index = flat position
    float applied_ = 0.0f;  // the alpha theta currently carries
};

}  // namespace qt
