#pragma once
// What a training method would hold in memory for a model, by ledger category,
// computed from the GGUF file before anything is loaded, so that the GUI can show
// "will it fit" next to the ledger's live numbers. ZO methods follow the buffers
// this engine allocates (LlamaModel's workspace and KV cache, BatchLoss's host
// logits, QzoScales' and MezoWeights' float32 masters); full fine-tuning is the
// usual mixed-precision AdamW recipe, which this engine does not run:
//   weights bf16 2 B/param, gradients bf16 2 B/param, Adam moments m and v
//   fp32 8 B/param, fp32 master weights 4 B/param (Micikevicius et al. 2018;
//   Rajbhandari et al. 2020, ZeRO, Sec. 3.1: "16 bytes per parameter"), plus
//   activations kept for the backward pass.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "memory/memory_ledger.h"

namespace qt {

class GgufFile;

struct MemoryPlanShape {
    int max_tokens = 256;  // tokens per sequence
    int batch_size = 4;    // sequences per step
    bool qzo_train_min = false;
    // Backend::preferred_batch_tokens of the device: 0, the sequences of a step run
    // one after another (CPU); else up to that many tokens side by side, padded
    // to max_tokens, through LlamaModel::forward_nll_batch (its head in 64 MiB chunks).
    int batch_tokens = 0;
    // The CUDA tensor-core path's own memory: a bf16 copy of the activations and
    // of one weight tile (at most 96 MiB), and cuBLAS's 32 MiB workspace.
    bool tensor_core_scratch = false;
    // First-order methods (qlora, adamw): LoRA's rank and targets (q,k,v,o,gate,up,down),
    // and whether each block's activations are recomputed in the backward.
    int lora_rank = 16;
    std::string lora_targets = "q,k,v,o,gate,up,down";
    bool checkpoint_activations = true;
    // Q-GaLore (qgalore) and plain GaLore: the projection's rank and the group sizes.
    int galore_rank = 128;
    int galore_weight_group = 256;
    int galore_proj_group = 256;
    // Sparse ZO: the mask's share of the linear weights, and whether QZO's scales train too.
    double sparse_fraction = 1e-3;
    bool sparse_train_scales = false;
};

struct TrainingMemoryPlan {
    std::string method;  // "qzo", "mezo", "qlora", "adamw", "full-bf16-adamw", "qgalore", "galore", "sparse-zo"
    std::array<int64_t, kMemoryCategoryCount> bytes{};
    std::string basis;   // one sentence on where the numbers come from
    int64_t total() const;
};

// The shape of a run on a device whose Backend::preferred_batch_tokens is
// `device_batch_tokens`: side by side with the tensor cores' scratch where that
// is above 0 (a GPU), one sequence after another otherwise. The GUI's plan and
// quanttune-cli train's both start here.
MemoryPlanShape plan_shape_for_device(int max_tokens, int batch_size, int device_batch_tokens);

// Plans for QZO and MeZO, the usual bf16 mixed-precision AdamW recipe for
// comparison, then QLoRA, float32 AdamW, Q-GaLore and plain GaLore as this engine runs
// them, in that order. Throws
// ModelFileError when the file is no LLaMA-family model.
std::vector<TrainingMemoryPlan> plan_training_memory(const GgufFile& file, const MemoryPlanShape& shape);

}  // namespace qt
