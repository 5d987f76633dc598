#pragma once
// Batches of examples of similar length, so that little of a batch is padding,
// in an order that changes every epoch. For epoch e (seeded by seed and e):
// the indices are shuffled, cut into pools of batch_size * pool_batches, each
// pool sorted by token count (stably, so equal lengths stay shuffled) and cut
// into batches, and the batches of all pools shuffled. pool_batches = 0 sorts
// all indices as one pool: the tightest grouping, the least variety between
// epochs. Every index appears in exactly one batch per epoch; only the last
// batch of a pool can be smaller than batch_size.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qt {

struct Dataset;

struct LengthBatchOptions {
    size_t batch_size = 8;
    size_t pool_batches = 16;
    uint64_t seed = 0;
};

class LengthGroupedBatches {
public:
    // `indices` are example indices into `dataset` (a split's train set, say);
    // only their token counts are kept. Throws DatasetError for batch_size 0 or
    // an index out of range.
    LengthGroupedBatches(const Dataset& dataset, std::vector<size_t> indices, const LengthBatchOptions& options);

    std::vector<std::vector<size_t>> epoch(uint64_t epoch) const;
    size_t batches_per_epoch() const;
    size_t size() const { return indices_.size(); }

private:
    std::vector<size_t> indices_;
    std::vector<size_t> lengths_;  // token count of indices_[i]
    LengthBatchOptions options_;
};

// Walks the batches epoch after epoch.
class BatchIterator {
public:
    explicit BatchIterator(LengthGroupedBatches batches, uint64_t first_epoch = 0);
    // The next batch (example indices); starts the next epoch when one ends.
    const std::vector<size_t>& next();
    uint64_t epoch() const { return epoch_; }            // epoch of the batch next() returned last
    size_t batch_in_epoch() const { return position_; }  // batches of this epoch handed out

private:
    LengthGroupedBatches batches_;
    uint64_t epoch_;
    std::vector<std::vector<size_t>> current_;
    size_t position_ = 0;
};

}  // namespace qt
