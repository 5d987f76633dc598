#pragma once
// Sparse ZO's mask (methods/sensitivity.h makes it; methods/sparse_zo.h trains on
// it): which entries of which linear weights are "sensitive", and optionally the
// trained values S there (W = dequant(Q) + S), saved to a small file that is
// reusable across tasks and checked against the model it is used with.
//
// File layout (".qtsparse", little-endian):
//   "QTSPARSE"  u32 version (1)  u32 header_bytes  header (UTF-8 JSON)
//   per matrix, in the header's order: entries x u32 flat index (row * cols + col,
//     strictly ascending), then, when the header says has_values, entries x f32
//   u64 FNV-1a of every byte before it (catches truncation and corruption)
// The header holds the model's identity, how the mask was chosen and, per matrix,
// its tensor name, shape and entry count. Every count is checked against the file's
// size before anything is allocated, so a hostile file costs no memory.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/llama_model.h"

namespace qt {

// What a mask must match in a model: a mask of another model would select other weights.
struct SparseMaskIdentity {
    std::string name;          // general.name ("" when absent)
    std::string architecture;  // general.architecture
    int n_layers = 0;
    int dim = 0;
    int ffn_dim = 0;
    int vocab = 0;
    bool operator==(const SparseMaskIdentity&) const = default;
};
SparseMaskIdentity sparse_mask_identity(const LlamaModel& model);

struct SparseMaskMatrix {
    std::string tensor;  // GGUF name: blk.3.ffn_down.weight
    int64_t rows = 0, cols = 0;
    std::vector<uint32_t> index;  // row * cols + col, strictly ascending
    std::vector<float> values;    // empty (a mask), or one per index (trained S)
};

struct SparseMask {
    SparseMaskIdentity model;
    std::string criterion;  // "gradient", "magnitude" or "random"
    std::string scope;      // "global" or "per-matrix"
    double fraction = 0;    // entries / weights of the linears it covers
    // How it was made, for people (calibration text, sequences, captured share, seconds).
    nlohmann::json details = nlohmann::json::object();
    std::vector<SparseMaskMatrix> matrices;

    int64_t entries() const;
    bool has_values() const;
};

// The one exception for problems with a mask file: names the file, the place and the problem.
class SparseMaskError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Atomic (util/atomic_file.h). Throws SparseMaskError for a matrix whose indices
// are not strictly ascending inside its shape, or values of another count.
void save_sparse_mask(const std::string& path, const SparseMask& mask);
// Throws SparseMaskError naming `path`, the place and the problem.
SparseMask load_sparse_mask(const std::string& path);
// Throws SparseMaskError (naming `path`) unless every matrix of the mask is a
// trainable linear of `model` of the same shape and the identities agree.
void check_sparse_mask_fits(const SparseMask& mask, LlamaModel& model, const std::string& path);

}  // namespace qt
