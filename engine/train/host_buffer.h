#pragma once
// Host memory counted in a ledger (the logits the loss reads on the host): the
// ledger's total then covers every large buffer training holds.
#include <cstdlib>
#include <new>

#include "memory/memory_ledger.h"
#include "util/host_out_of_memory.h"

namespace qt {

class LedgerHostBuffer {
public:
    LedgerHostBuffer(MemoryLedger& ledger, MemoryCategory category, size_t floats)
        : ledger_(ledger), category_(category), bytes_(floats * sizeof(float)) {
        data_ = static_cast<float*>(std::malloc(bytes_ ? bytes_ : 1));
        if (!data_) throw HostOutOfMemory(bytes_, memory_category_name(category_));
        ledger_.add(category_, static_cast<int64_t>(bytes_));
    }
    ~LedgerHostBuffer() {
        std::free(data_);
        ledger_.release(category_, static_cast<int64_t>(bytes_));
    }
    LedgerHostBuffer(const LedgerHostBuffer&) = delete;
    LedgerHostBuffer& operator=(const LedgerHostBuffer&) = delete;
    float* data() const { return data_; }
    size_t floats() const { return bytes_ / sizeof(float); }

private:
    MemoryLedger& ledger_;
    MemoryCategory category_;
    size_t bytes_;
    float* data_ = nullptr;
};

}  // namespace qt
