#pragma GCC optimize("fp-contract=off")
#include "methods/mezo_weights.h"

#include <algorithm>
#include <stdexcept>

#include "methods/float_weight_copy.h"

namespace qt {

MezoWeights::MezoWeights(LlamaModel& model) : backend_(model.backend()) {
    for (WeightTensor* w : model.trainable_linears()) {
        const int64_t count = w->rows * w->cols;
        replace_with_float32_copy(*w, backend_, MemoryCategory::TrainableParameters);
        weights_.add(w->storage.f32(), count);
    }
}

void MezoWeights::perturb(ZoNoise noise, float alpha) {
    const float delta = alpha - applied_;
    for (const FlatParts::Part& s : weights_.parts())
        backend_.zo_add_noise(s.data, s.count, delta, noise, static_cast<uint64_t>(s.index0));
    applied_ = alpha;
}

void MezoWeights::finish_step(ZoNoise noise, float coeff) {
    // MeZO update theta <- theta - eta g z, fused with the restore (theta - applied z).
    const float delta = -applied_ - coeff;
    if (delta != 0.0f)
        for (const FlatParts::Part& s : weights_.parts())
            backend_.zo_add_noise(s.data, s.count, delta, noise, static_cast<uint64_t>(s.index0));
    applied_ = 0.0f;
}

void MezoWeights::read(int64_t offset, int64_t count, float* dst) { weights_.read(backend_, offset, count, dst); }

void MezoWeights::write(int64_t offset, int64_t count, const float* src) { weights_.write(backend_, offset, count, src); }

}  // namespace qt
