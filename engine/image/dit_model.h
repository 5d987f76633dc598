#pragma once
// A class-conditional diffusion transformer (DiT, Peebles & Xie 2023) as a GGUF of
// our own architecture (image/dit_config.h): its tensors, one table of them
// (dit_tensor_specs), loading onto a Backend, saving in a block type, and a
// freshly initialised random model. The forward and backward: image/dit_backprop.h.
//
// Tensors (GGUF dims [cols, rows]; D width, P = channels * patch^2 patch values,
// N tokens, F ffn width, Tf timestep features, K classes):
//   patch_embed.weight [P, D], .bias [D]     pos_embed [D, N] (learned, 2D sine-cosine at init)
//   t_embed.fc1.weight [Tf, D], .bias [D]    t_embed.fc2.weight [D, D], .bias [D]
//   class_embed.weight [D, K + 1] (row K: the null class)
//   blk.L.adaLN.weight [D, 6D], .bias [6D]   (shift, scale, gate of attention; of the MLP)
//   blk.L.attn_q / attn_k / attn_v / attn_output.weight [D, D]
//   blk.L.ffn_gate / ffn_up.weight [D, F]    blk.L.ffn_down.weight [F, D]
//   final.adaLN.weight [D, 2D], .bias [2D]   final.linear.weight [D, P], .bias [P]
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "image/dit_config.h"

namespace qt {

// How a tensor starts (DiT's initialisation: adaLN and the final layer at zero, so
// every block starts as the identity and the model predicts zero velocity).
enum class DitInit { Zero, Xavier, Normal002, PosSinCos };

struct DitTensorSpec {
    std::string name;
    int64_t cols = 0, rows = 1;  // rows 1 and `vector`: stored with one dimension
    bool vector = false;
    bool linear = false;  // a linear layer's weight: may be stored quantized
    DitInit init = DitInit::Zero;
};

// Indices into dit_tensor_specs(): the globals, then kDitPerBlock a block.
namespace dit {
enum Global : int {
    kPatchW, kPatchB, kPos, kT1W, kT1B, kT2W, kT2B, kClass, kFinalAdaW, kFinalAdaB, kFinalW, kFinalB, kGlobals
};
enum Block : int { kAdaW, kAdaB, kQ, kK, kV, kO, kGate, kUp, kDown, kPerBlock };
inline int block(int layer, Block k) { return kGlobals + kPerBlock * layer + k; }
}  // namespace dit

std::vector<DitTensorSpec> dit_tensor_specs(const DitConfig& c);

// Every tensor's values in float32, in dit_tensor_specs() order.
using DitValues = std::vector<std::vector<float>>;

// The initial values (DitInit per tensor), from the counter-based generator
// (util/philox_normal.h): tensor i draws (seed, i, element).
DitValues random_dit_values(const DitConfig& c, uint64_t seed);
// Writes config and tensors; linear weights whose rows are whole blocks of
// `linear_type` are quantized to it (ggml's reference rounding), the rest stay F32.
// `training_steps` > 0 is stored under kDitTrainingStepsKey (a pre-training run's
// step count, which it resumes from).
void write_dit_gguf(const std::string& path, const DitConfig& c, const DitValues& values,
                    GgmlType linear_type = GgmlType::F32, int64_t training_steps = 0);
inline constexpr const char* kDitTrainingStepsKey = "qt-dit.training.steps";
// The optimizer steps stored in a qt-dit GGUF (0 when the key is absent).
int64_t read_dit_training_steps(const std::string& path);
inline void write_random_dit_gguf(const std::string& path, const DitConfig& c, uint64_t seed,
                                  GgmlType linear_type = GgmlType::F32) {
    write_dit_gguf(path, c, random_dit_values(c, seed), linear_type);
}

class DitModel {
public:
    // Reads the config and every tensor, checking names, shapes and types; throws
    // ModelFileError naming the file, the key or tensor, and the problem. Linear
    // weights stay in their block type; the rest is held as float32.
    static std::unique_ptr<DitModel> load(Backend& backend, const std::string& path);

    const DitConfig& config() const { return config_; }
    Backend& backend() const { return backend_; }
    int tensor_count() const { return static_cast<int>(tensors_.size()); }
    const WeightTensor& tensor(int i) const { return tensors_[static_cast<size_t>(i)]; }
    // A float32 tensor's values in backend memory (what AdamW trains); throws for a quantized one.
    float* f32(int i) const;
    // Whether every tensor is float32, so the backward can train all of them.
    bool trainable() const;
    // Tensor i in float32 on the host (dequantized).
    std::vector<float> values(int i) const;
    DitValues all_values() const;
    void save(const std::string& path, GgmlType linear_type = GgmlType::F32, int64_t training_steps = 0) const {
        write_dit_gguf(path, config_, all_values(), linear_type, training_steps);
    }

private:
    DitModel(Backend& b, DitConfig c) : backend_(b), config_(c) {}
    Backend& backend_;
    DitConfig config_;
    std::vector<WeightTensor> tensors_;
};

}  // namespace qt
