#pragma once
// A copy of a method's whole training state (train/checkpoint.h's flat vector:
// QZO's scales, or a first-order method's values and AdamW's moments) with the
// trainer state it belongs to, kept in host memory. The divergence guard returns to
// one; checkpoints are written from one, so that only states that passed the guard
// reach a file. Its bytes are in the ledger as "rollback copies".
#include <cstdint>
#include <vector>

#include "memory/memory_ledger.h"
#include "methods/trainable_state.h"
#include "train/trainer_state.h"

namespace qt {

class StateCopy final : public TrainableState {
public:
    StateCopy(std::string method, MemoryLedger& ledger) : method_(std::move(method)), ledger_(ledger) {}
    ~StateCopy() override;
    StateCopy(const StateCopy&) = delete;
    StateCopy& operator=(const StateCopy&) = delete;

    // Copies `from` (allocating on first use) and remembers `state`.
    void capture(TrainableState& from, const TrainerState& state);
    void restore_into(TrainableState& to) const;
    bool holds() const { return holds_; }
    const TrainerState& trainer_state() const { return state_; }
    void swap(StateCopy& other);

    std::string method_name() const override { return method_; }
    int64_t size() const override { return static_cast<int64_t>(values_.size()); }
    int64_t trainable_bytes() const override { return size() * 4; }
    void read(int64_t offset, int64_t count, float* dst) override;
    void write(int64_t offset, int64_t count, const float* src) override;

private:
    std::string method_;
    MemoryLedger& ledger_;
    std::vector<float> values_;
    TrainerState state_;
    bool holds_ = false;
};

}  // namespace qt
