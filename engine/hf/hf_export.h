#pragma once
// A GGUF llama model (a trained model-METHOD.gguf, a downloaded one) written as a
// Hugging Face folder that transformers, vLLM and the like load as
// LlamaForCausalLM: every tensor dequantized (quant/dequantize.h) and stored as
// bf16, f16 or f32 in model.safetensors (shards past max_shard_bytes, with
// model.safetensors.index.json), renamed to HF's names and its Q/K rows put back
// in HF's rotate-halves order; config.json, generation_config.json,
// tokenizer.json and tokenizer_config.json (chat template, special tokens) beside.
// Every file is written atomically into a temporary sibling folder, which is
// renamed to the target only when all succeeded: a failed export leaves nothing.
#include <cstdint>
#include <string>

#include "safetensors/safetensors_file.h"

namespace qt {

struct HfExportOptions {
    // bf16 by default: what checkpoints on the Hub hold, half of f32's size; the
    // dequantized 4-bit values (a 16-level grid times an f16 scale) mostly need
    // more than bf16's 8 mantissa bits, so f32 keeps them exactly.
    SafetensorsDtype dtype = SafetensorsDtype::BF16;
    uint64_t max_shard_bytes = uint64_t{4} << 30;  // a shard holds at most this (one tensor more if it alone is larger)
};

// "bf16, f16, f32": the dtypes export_hf_folder writes.
const char* hf_export_dtypes();
// "bf16" -> BF16 (case-insensitive); throws std::invalid_argument listing hf_export_dtypes().
SafetensorsDtype parse_hf_export_dtype(const std::string& name);

struct HfExportSummary {
    int tensors = 0;
    int shards = 0;
    uint64_t weight_bytes = 0;  // the tensors' bytes in the safetensors files
};

// Writes the folder `out_dir` (which must not exist, or be an empty folder) from
// the GGUF file `gguf_path`. Throws ModelFileError naming the file and the key or
// tensor it cannot export (another architecture, a tokenizer other than byte-level
// BPE, RoPE scaling, an unknown tensor or type), std::runtime_error for I/O.
HfExportSummary export_hf_folder(const std::string& gguf_path, const std::string& out_dir,
                                 const HfExportOptions& options);

}  // namespace qt
