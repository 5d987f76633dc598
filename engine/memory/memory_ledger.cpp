#include "memory/memory_ledger.h"

namespace qt {
namespace {

void raise_to(std::atomic<int64_t>& peak, int64_t value) {
    int64_t cur = peak.load(std::memory_order_relaxed);
    while (value > cur && !peak.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
    }
}

}  // namespace

std::string_view memory_category_name(MemoryCategory c) {
    switch (c) {
        case MemoryCategory::Weights: return "weights";
        case MemoryCategory::TrainableParameters: return "trainable parameters";
        case MemoryCategory::Gradients: return "gradients";
        case MemoryCategory::OptimizerStates: return "optimizer states";
        case MemoryCategory::Activations: return "activations and workspace";
        case MemoryCategory::KvCache: return "KV cache";
        case MemoryCategory::Projections: return "projections";
        case MemoryCategory::SparseValues: return "sparse values";
        case MemoryCategory::SparseMask: return "sparse mask";
        case MemoryCategory::RollbackCopies: return "rollback copies";
        case MemoryCategory::Count: break;
    }
    return "?";
}

void MemoryLedger::add(MemoryCategory c, int64_t bytes) {
    const auto k = static_cast<size_t>(c);
    raise_to(peak_[k], live_[k].fetch_add(bytes, std::memory_order_relaxed) + bytes);
    raise_to(total_peak_, total_.fetch_add(bytes, std::memory_order_relaxed) + bytes);
}

void MemoryLedger::release(MemoryCategory c, int64_t bytes) {
    live_[static_cast<size_t>(c)].fetch_sub(bytes, std::memory_order_relaxed);
    total_.fetch_sub(bytes, std::memory_order_relaxed);
}

MemorySnapshot MemoryLedger::snapshot() const {
    MemorySnapshot s;
    for (size_t k = 0; k < s.live.size(); ++k) {
        s.live[k] = live_[k].load(std::memory_order_relaxed);
        s.peak[k] = peak_[k].load(std::memory_order_relaxed);
    }
    s.total_live = total_.load(std::memory_order_relaxed);
    s.total_peak = total_peak_.load(std::memory_order_relaxed);
    return s;
}

void MemoryLedger::reset_peaks() {
    for (size_t k = 0; k < live_.size(); ++k) peak_[k].store(live_[k].load());
    total_peak_.store(total_.load());
}

}  // namespace qt
