#pragma once
// Where a sparse ZO mask's entries sit (methods/sparse_mask.h), for people to look
// at: per block and linear slot (q, k, v, o, gate, up, down) and for the output
// head, how many of the matrix's weights the mask keeps. SensZOQ's finding is that
// the sensitive entries gather in a few matrices (Guo et al. 2025, Fig. 3); the GUI
// draws this as a heat map of layer against slot.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "methods/sparse_mask.h"
#include "model/training_hooks.h"

namespace qt {

// The linear a GGUF tensor name denotes: "blk.3.ffn_down.weight" -> {3, Down},
// "output.weight" -> {0, Head}; nullopt for any other name (norms, the embedding,
// a misspelt role, "blk.03.", a block number of 65536 or more).
std::optional<LinearId> linear_of_tensor(const std::string& name);

struct SparseMaskCell {
    int64_t entries = 0;  // the mask's entries in the matrix
    int64_t weights = 0;  // rows * cols; 0 where the mask lists no such matrix
    // entries / weights; 0 where there are no weights.
    double share() const { return weights > 0 ? static_cast<double>(entries) / static_cast<double>(weights) : 0.0; }
};

struct SparseMaskLayout {
    int layers = 0;  // 1 + the highest block a matrix of the mask is in (0: none)
    // cells[layer * kLinearSlotCount + slot] for the block slots Q..Down; the Head
    // column of every row stays empty: the head is `head`.
    std::vector<SparseMaskCell> cells;
    SparseMaskCell head;  // output.weight (a tied head is the embedding, which no mask covers)
    // Matrices whose names are no linear (linear_of_tensor), kept in the totals.
    std::vector<std::string> unplaced;
    int64_t entries = 0;  // every matrix of the mask
    int64_t weights = 0;

    const SparseMaskCell& cell(int layer, LinearSlot slot) const {
        return cells[static_cast<size_t>(layer) * kLinearSlotCount + static_cast<size_t>(slot)];
    }
};

// Sums each matrix of `mask` into its cell. A name listed twice adds up (a mask
// file that check_sparse_mask_fits would refuse is still shown as it is).
SparseMaskLayout sparse_mask_layout(const SparseMask& mask);

}  // namespace qt
