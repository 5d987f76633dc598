#include "methods/full_finetune.h"

#include "methods/float_weight_copy.h"

namespace qt {

FullFinetune::FullFinetune(LlamaModel& model) : FirstOrderMethod(model.backend()), n_layers_(model.config().n_layers) {
    index_.assign(static_cast<size_t>(n_layers_ + 1) * kLinearSlotCount, -1);
    auto train = [&](int row, LinearId id) {
        WeightTensor& w = model.linear(id);
        replace_with_float32_copy(w, backend_, MemoryCategory::TrainableParameters);
        const size_t bytes = static_cast<size_t>(w.rows * w.cols) * sizeof(float);
        grads_.push_back(backend_.alloc(bytes, MemoryCategory::Gradients));
        backend_.fill_zero(grads_.back().data(), bytes);
        index_[static_cast<size_t>(row) * kLinearSlotCount + static_cast<int>(id.slot)] =
            static_cast<int>(weights_.size());
        weights_.push_back(&w);
    };
    for (int l = 0; l < n_layers_; ++l)
        for (int s = 0; s < static_cast<int>(LinearSlot::Head); ++s) train(l, {l, static_cast<LinearSlot>(s)});
    if (!model.config().tied_output) train(n_layers_, {0, LinearSlot::Head});
}

int FullFinetune::index_of(LinearId id) const {
    const int row = id.slot == LinearSlot::Head ? n_layers_ : id.layer;
    if (row < 0 || row > n_layers_) return -1;
    return index_[static_cast<size_t>(row) * kLinearSlotCount + static_cast<int>(id.slot)];
}

std::vector<ParameterBlock> FullFinetune::parameter_blocks() const {
    std::vector<ParameterBlock> out;
    for (size_t i = 0; i < weights_.size(); ++i)
        out.push_back({weights_[i]->storage.f32(), grads_[i].f32(), weights_[i]->rows * weights_[i]->cols});
    return out;
}

void FullFinetune::consume_weight_gradient(LinearId id, WeightTensor& w, const float* grad) {
    backend_.add_inplace(grads_.at(static_cast<size_t>(index_of(id))).f32(), grad, w.rows * w.cols);
}

}  // namespace qt
