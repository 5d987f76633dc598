#include "train/state_copy.h"

#include <algorithm>
#include <stdexcept>

namespace qt {
namespace {
constexpr int64_t kChunk = 1 << 20;
}

StateCopy::~StateCopy() {
    ledger_.release(MemoryCategory::RollbackCopies, trainable_bytes());
}

void StateCopy::capture(TrainableState& from, const TrainerState& state) {
    if (values_.empty() && from.size() > 0) {
        values_.resize(static_cast<size_t>(from.size()));
        ledger_.add(MemoryCategory::RollbackCopies, trainable_bytes());
    }
    if (from.size() != size()) throw std::logic_error("StateCopy: the state changed size");
    for (int64_t at = 0; at < size(); at += kChunk)
        from.read(at, std::min(kChunk, size() - at), values_.data() + at);
    state_ = state;
    holds_ = true;
}

void StateCopy::restore_into(TrainableState& to) const {
    if (!holds_) throw std::logic_error("StateCopy: nothing to restore");
    for (int64_t at = 0; at < size(); at += kChunk)
        to.write(at, std::min(kChunk, size() - at), values_.data() + at);
}

void StateCopy::swap(StateCopy& other) {
    if (&ledger_ != &other.ledger_) throw std::logic_error("StateCopy: copies of different ledgers");
    std::swap(values_, other.values_);
    std::swap(state_, other.state_);
    std::swap(holds_, other.holds_);
}

void StateCopy::read(int64_t offset, int64_t count, float* dst) {
    std::copy_n(values_.data() + offset, count, dst);
}

void StateCopy::write(int64_t offset, int64_t count, const float* src) {
    std::copy_n(src, count, values_.data() + offset);
}

}  // namespace qt
