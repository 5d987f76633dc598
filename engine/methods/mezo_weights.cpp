#pragma GCC optimize("fp-contract=off")
#include "methods/mezo_weights.h"

#include <algorithm>
#include <stdexcept>

#include "quant/dequantize.h"

namespace qt {

MezoWeights::MezoWeights(LlamaModel& model) : backend_(model.backend()) {
    for (WeightTensor* w : model.trainable_linears()) {
        const size_t count = static_cast<size_t>(w->rows * w->cols);
        std::vector<uint8_t> blocks(w->row_bytes * static_cast<size_t>(w->rows));
        backend_.download(blocks.data(), w->data, blocks.size());
        std::vector<float> values(count);
        for (int64_t r = 0; r < w->rows; ++r)
            dequantize_row(w->type, blocks.data() + w->row_bytes * static_cast<size_t>(r),
                           values.data() + static_cast<size_t>(r) * w->cols, w->cols);
        WeightTensor f;
        f.name = w->name;
        f.type = GgmlType::F32;
        f.cols = w->cols;
        f.rows = w->rows;
        f.row_bytes = static_cast<size_t>(w->cols) * sizeof(float);
        f.storage = backend_.alloc(count * sizeof(float), MemoryCategory::TrainableParameters);
        backend_.upload(f.storage.data(), values.data(), count * sizeof(float));
        f.data = f.storage.data();
        *w = std::move(f);  // the quantized matrix is released (or, if mapped, no longer counted)
        slices_.push_back({w->storage.f32(), static_cast<int64_t>(count), n_});
        n_ += static_cast<int64_t>(count);
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
