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
    // a large part of themselves (eps is absolute: Q6_K / Q4_K super-block scales
    // are 100 to 300 times smaller than Q4_1's), which wrecks the model.
    std::vector<std::string> eps_warnings(double eps, double max_share = 0.1) const;

private:
    Backend& backend_;
    std::vector<Group> groups_;
    std::vector<std::string> skipped_;
    int64_t n_ = 0;
    DeviceBuffer master_;
};

}  // namespace qt
