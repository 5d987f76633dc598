#pragma once
// QZO's trainable parameters (Shang et al. 2025, arXiv 2505.13430): the continuous
// quantization scales of every quantized linear layer; the integer codes never
// change. Which fp16 field of which block type: methods/quant_scale_fields.h.
//
// Precision (our choice, not the paper's): the model reads the scales from its
// fp16 blocks, but an update eta * d' * z_i is usually far below half an fp16
// ulp of the scale (a scale of 0.01 has an ulp of 7.6e-6; eta * C is ~1e-6), so
// updating the fp16 value in place would round nearly every update away. We keep
// a float32 master copy of the trainable values (4 bytes per scale, ledger
// category TrainableParameters: 1/8 byte per weight for blocks of 32, 13 MB for
// the default model), apply updates to it, and write fp16(master) into the blocks.
// Perturbations are written as fp16(master + eps * z): the perturbation actually
// applied differs from eps * z by at most half an fp16 ulp per scale, a relative
// error of ulp / (2 eps |z|) that is below 1% for eps = 1e-3 and scales below
// ~0.1 (the gradient test bounds its effect); the paper perturbs the fp16
// scales directly and so has the same rounding. The master never changes during
// the two perturbed passes, so restoring is exact.
#include <string>
#include <vector>

#include "methods/quant_scale_fields.h"
#include "methods/zo_parameters.h"
#include "model/llama_model.h"

namespace qt {

struct QzoOptions {
    // Also train Q4_1/Q5_1's block minimum m and the K-quants' dmin (off by default:
    // m shifts every weight of its block).
    bool train_min = false;
    // Perturb and update each weight's scales in units of their own median |value|
    // (fixed at load): field = fp16(master + eps * s * z), master -= lr * d' * s * z,
    // with s that median, so eps, lr and the clip are relative and one setting
    // suits every block type. Off by default, which is the paper's absolute eps.
    // Why: the median |d| of SmolLM2-135M's weights, and the share of it that the
    // absolute default eps 1e-4 is, differ by type:
    //   Q4_1 0.051 (0.2%)   Q5_0 0.027 (0.4%)   Q8_0 0.0035 (2.8%)
    //   Q4_K 0.0011 (9%)    Q6_K 0.00015 (68%, super-block scales)
    // and QZO with the fine-food settings took the default model requantized to
    // Q4_K_M from validation loss 2.18 to 18.95 in 25 steps (relative, with the
    // defaults of train/train_config.h, which match the absolute ones on Q4_1:
    // 2.18 to 1.95 in 50). A weight whose median |scale| is 0 (most of its blocks
    // all zero) has no unit and stays as loaded: frozen_groups().
    bool relative_eps = false;
};

class QzoScales final : public ZoParameters {
public:
    // The model must have been loaded with writable weights (LlamaLoadOptions).
    // Throws when no linear layer has a trainable scale.
    QzoScales(LlamaModel& model, const QzoOptions& options);

    // One trained field of one weight matrix: master[index0 .. index0+view.count).
    struct Group {
        std::string tensor;
        GgmlType type = GgmlType::F32;
        ScaleField field;
        BlockFieldView view;
        int64_t index0 = 0;
        float median_abs = 0.0f;  // median |value| of the field as loaded (its scale)
        float unit = 1.0f;        // what eps and the update are multiplied by: 1, or median_abs (relative_eps)
        bool frozen() const { return unit == 0.0f; }  // relative_eps and a median of 0: never moves
    };
    const std::vector<Group>& groups() const { return groups_; }
    // Linear layers left out because their type has no block scale (F16, F32 ...).
    const std::vector<std::string>& skipped_tensors() const { return skipped_; }
    const float* master() const { return master_.f32(); }

    std::string method_name() const override { return "qzo"; }
    int64_t size() const override { return n_; }
    int64_t trainable_bytes() const override { return n_ * static_cast<int64_t>(sizeof(float)); }
    void perturb(ZoNoise noise, float alpha) override;
    void finish_step(ZoNoise noise, float coeff) override;
    void read(int64_t offset, int64_t count, float* dst) override;
    void write(int64_t offset, int64_t count, const float* src) override;

    // One line per group whose perturbation eps exceeds `max_share` of the median
    // |value| of its field, worst first: the SPSA step then moves those weights by
    // a large part of themselves (an absolute eps: Q6_K / Q4_K super-block scales
    // are 100 to 300 times smaller than Q4_1's), which wrecks the model. With
    // relative_eps every group gets the share eps itself.
    bool relative_eps() const override { return relative_; }
    std::vector<std::string> eps_warnings(double eps, double max_share = 0.1) const override;
    void use_relative_eps() override;
    // The eps warnings (the worst five and a summary), the frozen groups.
    std::vector<StartupMessage> startup_messages(double eps) const override;
    // One line per group that relative_eps leaves as loaded because its median
    // |value| is 0 (empty in absolute mode): the user should know a weight is not trained.
    std::vector<std::string> frozen_groups() const;

private:
    Backend& backend_;
    std::vector<Group> groups_;
    std::vector<std::string> skipped_;
    int64_t n_ = 0;
    bool relative_ = false;
    DeviceBuffer master_;
};

}  // namespace qt
