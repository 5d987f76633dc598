#pragma once
// Sparse ZO on a 4-bit model (SensZOQ, Guo et al. 2025; docs/methods.md): every
// masked linear computes with W = dequant(Q) + S, where S holds one float32 value
// at each sensitive entry (methods/sensitivity.h chose them) and Q stays as loaded.
// Only S's values are trained, by the SPSA step QZO uses (methods/zo_step.h: the
// same counter-based z, clipping and schedules); optionally QZO's block scales
// train beside them (z indices: the scales first, then S).
//
// S starts at zero (the GGUF's weights are already quantized; there is no
// full-precision residual to start from) unless the mask file carries trained
// values (a sparse side file written by export). The forward computes (W + S) x
// (Backend::linear_sparse, through the model's training hooks), never forming a
// dense copy of S. Ledger: S is SparseValues, the compressed rows
// SparseMask (8 bytes an entry: column index and value; plus a row start per row).
// As MeZO, S is perturbed in place: +eps z, then -2 eps z, then restore and update in one pass.
#include <memory>
#include <string>
#include <vector>

#include "methods/qzo_scales.h"
#include "methods/sparse_mask.h"
#include "methods/zo_parameters.h"
#include "model/llama_model.h"
#include "model/training_hooks.h"

namespace qt {

struct SparseZoOptions {
    bool train_scales = false;  // also QZO's block scales (needs writable weights)
    QzoOptions qzo;             // for the scales
};

class SparseZo final : public ZoParameters, public TrainingHooks {
public:
    // Attaches itself as the model's training hooks until destroyed. The mask must
    // fit the model (check_sparse_mask_fits); its values, when it has them, start S.
    SparseZo(LlamaModel& model, const SparseMask& mask, const SparseZoOptions& options);
    ~SparseZo() override;
    SparseZo(const SparseZo&) = delete;
    SparseZo& operator=(const SparseZo&) = delete;

    std::string method_name() const override { return "sparse-zo"; }
    int64_t size() const override { return n_scales_ + nnz_; }
    int64_t trainable_bytes() const override { return size() * static_cast<int64_t>(sizeof(float)); }
    void perturb(ZoNoise noise, float alpha) override;
    void finish_step(ZoNoise noise, float coeff) override;
    void read(int64_t offset, int64_t count, float* dst) override;
    void write(int64_t offset, int64_t count, const float* src) override;
    // The unit and warnings of the block scales, where they train (SparseZoOptions::train_scales).
    bool relative_eps() const override { return scales_ && scales_->relative_eps(); }
    std::vector<std::string> eps_warnings(double eps, double max_share = 0.1) const override {
        return scales_ ? scales_->eps_warnings(eps, max_share) : std::vector<std::string>{};
    }
    void use_relative_eps() override {
        if (!scales_) ZoParameters::use_relative_eps();
        scales_->use_relative_eps();
    }
    std::vector<StartupMessage> startup_messages(double eps) const override {
        return scales_ ? scales_->startup_messages(eps) : std::vector<StartupMessage>{};
    }

    const SparseAddend* sparse_addend(LinearId id) const override {
        const Matrix* m = find(id);
        return m ? &m->addend : nullptr;
    }

    int64_t entries() const { return nnz_; }
    const QzoScales* scales() const { return scales_.get(); }
    // The mask with S's current values (export's sparse side file; the merged export densifies it).
    SparseMask trained_mask() const;

private:
    struct Matrix {
        LinearId id;
        std::string tensor;
        int64_t rows = 0, cols = 0;
        std::vector<uint32_t> index;  // host copy of the flat indices, for trained_mask()
        DeviceBuffer row_start, col;
        int64_t value0 = 0;  // its first value in values_
        SparseAddend addend;  // the compressed rows and values_ + value0
    };
    const Matrix* find(LinearId id) const;

    LlamaModel& model_;
    Backend& backend_;
    std::unique_ptr<QzoScales> scales_;
    int64_t n_scales_ = 0;
    int64_t nnz_ = 0;
    SparseMask header_;  // the mask's description, without entries
    std::vector<Matrix> matrices_;
    std::vector<int> slot_of_;  // layer * kLinearSlotCount + slot -> index in matrices_, or -1
    DeviceBuffer values_;
    float applied_ = 0.0f;  // the alpha S currently carries
};

// A sparse side file (export's PATH.sparse.qtsparse, or any mask) read, checked
// against `model` and attached to it: its forwards then add S. Throws
// SparseMaskError naming the file and the problem.
std::unique_ptr<SparseZo> attach_sparse_side_file(const std::string& path, LlamaModel& model);

}  // namespace qt
