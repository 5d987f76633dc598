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
        slices_.push_back({w->storage.f32(), count, n_});
        n_ += count;
    }
}

void MezoWeights::perturb(ZoNoise noise, float alpha) {
    const float delta = alpha - applied_;
    for (const Slice& s : slices_) backend_.zo_add_noise(s.data, s.count, delta, noise, static_cast<uint64_t>(s.index0));
    applied_ = alpha;
}

void MezoWeights::finish_step(ZoNoise noise, float coeff) {
    // MeZO update theta <- theta - eta g z, fused with the restore (theta - applied z).
    const float delta = -applied_ - coeff;
    if (delta != 0.0f)
        for (const Slice& s : slices_)
            backend_.zo_add_noise(s.data, s.count, delta, noise, static_cast<uint64_t>(s.index0));
    applied_ = 0.0f;
}

template <class Fn>
void MezoWeights::for_range(int64_t offset, int64_t count, Fn&& fn) {
    if (offset < 0 || count < 0 || offset + count > n_) throw std::out_of_range("MeZO weights: range past the end");
    for (const Slice& s : slices_) {
        const int64_t lo = std::max(offset, s.index0), hi = std::min(offset + count, s.index0 + s.count);
        if (lo < hi) fn(s.data + (lo - s.index0), lo - offset, hi - lo);
    }
}

void MezoWeights::read(int64_t offset, int64_t count, float* dst) {
    for_range(offset, count, [&](float* src, int64_t at, int64_t n) {
        backend_.download(dst + at, src, static_cast<size_t>(n) * sizeof(float));
    });
}

void MezoWeights::write(int64_t offset, int64_t count, const float* src) {
    for_range(offset, count, [&](float* dst, int64_t at, int64_t n) {
        backend_.upload(dst, src + at, static_cast<size_t>(n) * sizeof(float));
    });
}

}  // namespace qt
