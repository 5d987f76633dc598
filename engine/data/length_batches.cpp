#include "data/length_batches.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "data/dataset.h"
#include "data/dataset_error.h"
#include "data/seeded_shuffle.h"

namespace qt {

LengthGroupedBatches::LengthGroupedBatches(const Dataset& dataset, std::vector<size_t> indices,
                                           const LengthBatchOptions& options)
    : indices_(std::move(indices)), options_(options) {
    if (options_.batch_size == 0) throw DatasetError("batch size must be at least 1");
    lengths_.reserve(indices_.size());
    for (size_t i : indices_) {
        if (i >= dataset.examples.size())
            throw DatasetError("example index " + std::to_string(i) + " is out of range (the dataset has " +
                               std::to_string(dataset.examples.size()) + ")");
        lengths_.push_back(dataset.examples[i].tokens.size());
    }
}

size_t LengthGroupedBatches::batches_per_epoch() const {
    const size_t b = options_.batch_size;
    const size_t pool = options_.pool_batches == 0 ? indices_.size() : b * options_.pool_batches;
    if (indices_.empty()) return 0;
    const size_t full_pools = indices_.size() / pool;
    const size_t rest = indices_.size() % pool;
    return full_pools * ((pool + b - 1) / b) + (rest + b - 1) / b;
}

std::vector<std::vector<size_t>> LengthGroupedBatches::epoch(uint64_t epoch) const {
    // Positions into indices_/lengths_, shuffled for this epoch.
    std::vector<size_t> order(indices_.size());
    std::iota(order.begin(), order.end(), size_t{0});
    SplitMix64 rng(derive_seed(options_.seed, /*stream: batches*/ 0x1000 + epoch));
    seeded_shuffle(order, rng);

    const size_t b = options_.batch_size;
    const size_t pool = options_.pool_batches == 0 ? order.size() : b * options_.pool_batches;
    std::vector<std::vector<size_t>> batches;
    for (size_t start = 0; start < order.size(); start += pool) {
        const auto first = order.begin() + static_cast<ptrdiff_t>(start);
        const auto last = order.begin() + static_cast<ptrdiff_t>(std::min(start + pool, order.size()));
        std::stable_sort(first, last, [&](size_t x, size_t y) { return lengths_[x] < lengths_[y]; });
        for (auto it = first; it < last;
             it += static_cast<ptrdiff_t>(std::min<size_t>(b, static_cast<size_t>(last - it)))) {
            const auto end = it + static_cast<ptrdiff_t>(std::min<size_t>(b, static_cast<size_t>(last - it)));
            std::vector<size_t> batch;
            for (auto p = it; p != end; ++p) batch.push_back(indices_[*p]);
            batches.push_back(std::move(batch));
        }
    }
    seeded_shuffle(batches, rng);
    return batches;
}

BatchIterator::BatchIterator(LengthGroupedBatches batches, uint64_t first_epoch)
    : batches_(std::move(batches)), epoch_(first_epoch) {
    if (batches_.size() == 0) throw DatasetError("no examples to make batches of");
    current_ = batches_.epoch(epoch_);
}

const std::vector<size_t>& BatchIterator::next() {
    if (position_ == current_.size()) {
        ++epoch_;
        current_ = batches_.epoch(epoch_);
        position_ = 0;
    }
    return current_[position_++];
}

}  // namespace qt
