#pragma once
// Every buffer the engine allocates belongs to one category; the ledger keeps
// live bytes and peaks per category and per device, so the GUI's memory view and
// the planner read real numbers instead of estimates.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace qt {

enum class MemoryCategory : int {
    Weights = 0,           // model weights as stored (quantized blocks, norms)
    TrainableParameters,   // what training updates (QZO scales, MeZO full weights)
    Gradients,
    OptimizerStates,
    Activations,           // activations and workspace of the forward pass
    KvCache,
    Projections,           // low-rank gradient projections (GaLore's P; INT4 in Q-GaLore)
    SparseValues,          // sparse ZO's trained values S (W = dequant(Q) + S)
    SparseMask,            // sparse ZO's mask: where S's entries sit (compressed rows)
    RollbackCopies,        // the divergence guard's copies of the training state (host memory)
    Count
};
constexpr int kMemoryCategoryCount = static_cast<int>(MemoryCategory::Count);
std::string_view memory_category_name(MemoryCategory c);

struct MemorySnapshot {
    std::array<int64_t, kMemoryCategoryCount> live{};
    std::array<int64_t, kMemoryCategoryCount> peak{};
    int64_t total_live = 0;
    int64_t total_peak = 0;
};

class MemoryLedger {
public:
    void add(MemoryCategory c, int64_t bytes);
    void release(MemoryCategory c, int64_t bytes);
    MemorySnapshot snapshot() const;
    void reset_peaks();

private:
    std::array<std::atomic<int64_t>, kMemoryCategoryCount> live_{};
    std::array<std::atomic<int64_t>, kMemoryCategoryCount> peak_{};
    std::atomic<int64_t> total_{0};
    std::atomic<int64_t> total_peak_{0};
};

}  // namespace qt
