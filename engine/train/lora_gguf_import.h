#pragma once
// Reads a LoRA adapter GGUF (the layout train/lora_gguf_export.h writes and
// llama.cpp loads) into LoRA adapters on a loaded model, so that generation and
// evaluation can run the base file with it. Every tensor name, shape and value is
// checked: an adapter for another model, a rank that differs between tensors, a
// non-finite value or a layer the model lacks is an error naming the file, the
// tensor and the problem. An adapter of a fused tensor (Phi-3's attn_qkv, ffn_up:
// one adapter spans several linears, at another rank) is refused by name.
#include <memory>
#include <string>

#include "methods/lora_adapters.h"
#include "model/llama_model.h"

namespace qt {

// The adapters of `path` for `model` (not yet attached: LlamaModel::set_training_hooks).
std::unique_ptr<LoraAdapters> load_lora_gguf(const std::string& path, LlamaModel& model);

}  // namespace qt
