#pragma GCC optimize("fp-contract=off")
#include "methods/sparse_zo.h"

#include <algorithm>
#include <stdexcept>

namespace qt {

SparseZo::SparseZo(LlamaModel& model, const SparseMask& mask, const SparseZoOptions& options)
    : model_(model), backend_(model.backend()) {
    if (model.training_hooks())
        throw std::logic_error("sparse ZO: the model already has training hooks attached");
    if (options.train_scales) {
        scales_ = std::make_unique<QzoScales>(model, options.qzo);
        n_scales_ = scales_->size();
    }
    header_ = mask;
    header_.matrices.clear();
    const std::vector<LinearId> ids = model.trainable_linear_ids();
    const std::vector<WeightTensor*> ws = model.trainable_linears();
    slot_of_.assign(static_cast<size_t>(model.config().n_layers) * kLinearSlotCount, -1);
    std::vector<float> initial;
    for (const SparseMaskMatrix& m : mask.matrices) {
        if (m.index.empty()) continue;
        size_t k = 0;
        while (k < ws.size() && ws[k]->name != m.tensor) ++k;
        if (k == ws.size() || ws[k]->rows != m.rows || ws[k]->cols != m.cols)
            throw std::invalid_argument("sparse ZO: the mask's matrix " + m.tensor + " is not a linear of this model");
        Matrix mm;
        mm.id = ids[k];
        mm.tensor = m.tensor;
        mm.rows = m.rows;
        mm.cols = m.cols;
        mm.index = m.index;
        mm.value0 = nnz_;
        // Compressed rows: the flat indices are ascending, so rows come in order.
        std::vector<int32_t> starts(static_cast<size_t>(m.rows + 1), 0), cols(m.index.size());
        for (size_t j = 0; j < m.index.size(); ++j) {
            ++starts[m.index[j] / static_cast<uint64_t>(m.cols) + 1];
            cols[j] = static_cast<int32_t>(m.index[j] % static_cast<uint64_t>(m.cols));
        }
        for (size_t r = 0; r < static_cast<size_t>(m.rows); ++r) starts[r + 1] += starts[r];
        mm.row_start = backend_.alloc(starts.size() * sizeof(int32_t), MemoryCategory::SparseMask);
        mm.col = backend_.alloc(cols.size() * sizeof(int32_t), MemoryCategory::SparseMask);
        backend_.upload(mm.row_start.data(), starts.data(), starts.size() * sizeof(int32_t));
        backend_.upload(mm.col.data(), cols.data(), cols.size() * sizeof(int32_t));
        if (m.values.empty()) initial.resize(initial.size() + m.index.size(), 0.0f);
        else initial.insert(initial.end(), m.values.begin(), m.values.end());
        nnz_ += static_cast<int64_t>(m.index.size());
        const size_t slot = static_cast<size_t>(mm.id.layer) * kLinearSlotCount + static_cast<size_t>(mm.id.slot);
        slot_of_[slot] = static_cast<int>(matrices_.size());
        matrices_.push_back(std::move(mm));
    }
    if (nnz_ == 0) throw std::invalid_argument("sparse ZO: the mask selects no entry");
    values_ = backend_.alloc(static_cast<size_t>(nnz_) * sizeof(float), MemoryCategory::SparseValues);
    backend_.upload(values_.data(), initial.data(), initial.size() * sizeof(float));
    for (Matrix& m : matrices_)
        m.addend = {{m.rows, m.cols, static_cast<int64_t>(m.index.size()), static_cast<const int32_t*>(m.row_start.data()),
                     static_cast<const int32_t*>(m.col.data())},
                    values_.f32() + m.value0};
    model_.set_training_hooks(this);
}

SparseZo::~SparseZo() {
    if (model_.training_hooks() == this) model_.set_training_hooks(nullptr);
}

const SparseZo::Matrix* SparseZo::find(LinearId id) const {
    const size_t slot = static_cast<size_t>(id.slot == LinearSlot::Head ? 0 : id.layer) * kLinearSlotCount +
                        static_cast<size_t>(id.slot);
    if (slot >= slot_of_.size() || slot_of_[slot] < 0) return nullptr;
    return &matrices_[static_cast<size_t>(slot_of_[slot])];
}

void SparseZo::perturb(ZoNoise noise, float alpha) {
    if (scales_) scales_->perturb(noise, alpha);
    backend_.zo_add_noise(values_.f32(), nnz_, alpha - applied_, noise, static_cast<uint64_t>(n_scales_));
    applied_ = alpha;
}

void SparseZo::finish_step(ZoNoise noise, float coeff) {
    if (scales_) scales_->finish_step(noise, coeff);
    // S <- S - eta d' z, fused with the restore (S - applied z), as MeZO.
    const float delta = -applied_ - coeff;
    if (delta != 0.0f)
        backend_.zo_add_noise(values_.f32(), nnz_, delta, noise, static_cast<uint64_t>(n_scales_));
    applied_ = 0.0f;
}

void SparseZo::read(int64_t offset, int64_t count, float* dst) {
    if (offset < 0 || count < 0 || offset + count > size()) throw std::out_of_range("sparse ZO: read past the end");
    const int64_t in_scales = std::max<int64_t>(0, std::min(offset + count, n_scales_) - offset);
    if (in_scales > 0) scales_->read(offset, in_scales, dst);
    if (count > in_scales)
        backend_.download(dst + in_scales, values_.f32() + (offset + in_scales - n_scales_),
                          static_cast<size_t>(count - in_scales) * sizeof(float));
}

void SparseZo::write(int64_t offset, int64_t count, const float* src) {
    if (offset < 0 || count < 0 || offset + count > size()) throw std::out_of_range("sparse ZO: write past the end");
    const int64_t in_scales = std::max<int64_t>(0, std::min(offset + count, n_scales_) - offset);
    if (in_scales > 0) scales_->write(offset, in_scales, src);
    if (count > in_scales)
        backend_.upload(values_.f32() + (offset + in_scales - n_scales_), src + in_scales,
                        static_cast<size_t>(count - in_scales) * sizeof(float));
}

SparseMask SparseZo::trained_mask() const {
    SparseMask out = header_;
    std::vector<float> all(static_cast<size_t>(nnz_));
    backend_.download(all.data(), values_.data(), all.size() * sizeof(float));
    for (const Matrix& m : matrices_) {
        SparseMaskMatrix mm;
        mm.tensor = m.tensor;
        mm.rows = m.rows;
        mm.cols = m.cols;
        mm.index = m.index;
        mm.values.assign(all.begin() + m.value0, all.begin() + m.value0 + static_cast<int64_t>(m.index.size()));
        out.matrices.push_back(std::move(mm));
    }
    return out;
}

std::unique_ptr<SparseZo> attach_sparse_side_file(const std::string& path, LlamaModel& model) {
    const SparseMask mask = load_sparse_mask(path);
    check_sparse_mask_fits(mask, model, path);
    if (!mask.has_values())
        throw SparseMaskError(path + ": values: the file is a mask without trained values (nothing to add)");
    return std::make_unique<SparseZo>(model, mask, SparseZoOptions{});
}

}  // namespace qt
