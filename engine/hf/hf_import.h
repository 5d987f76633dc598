#pragma once
// A Hugging Face folder (config.json, model.safetensors or its shards,
// tokenizer.json) converted into a GGUF file QuantTune's model reads: tensors
// renamed to GGUF's (model.layers.N.self_attn.q_proj.weight -> blk.N.attn_q.weight
// ...), Q and K rows permuted from HF's rotate-halves order to GGUF's adjacent
// pairs, 2-D weights quantized at load to the chosen type (norms stay F32), and
// written atomically with the engine's GgufWriter.
#include <string>

#include "quant/ggml_type.h"

namespace qt {

struct HfImportOptions {
    // Q8_0 by default: the closest of the trainable block types to the float
    // checkpoint (error ~ 1/254 of each block's range), at half of F16's size.
    GgmlType type = GgmlType::Q8_0;
};

// "f32, f16, q8_0, q4_0, q4_1": the types a folder can be quantized to at load.
const char* hf_import_types();
// "q4_1" -> Q4_1 (case-insensitive); throws std::invalid_argument listing hf_import_types().
GgmlType parse_hf_import_type(const std::string& name);

// True when `path` is a folder holding config.json.
bool is_hf_folder(const std::string& path);

// Converts `folder` into the GGUF file `out_path`. Throws ModelFileError naming the
// file and key (or tensor) for anything it cannot convert.
void convert_hf_folder(const std::string& folder, const std::string& out_path, const HfImportOptions& options);

// Where a model path leads: a .gguf file as it is; a Hugging Face folder converted
// once into QuantTune's cache (quanttune_cache_dir()/converted/), under a name keyed
// by the folder's path, its files' names, sizes and times, and the type, so a
// changed folder or another type converts again. Returns the GGUF path to open.
std::string open_model_path(const std::string& path, const HfImportOptions& options);

// Row `r` of a Q or K weight in GGUF order comes from HF row hf_row_for_gguf_row(r):
// within each head of `head_dim` rows, GGUF row 2i + j is HF row j * head_dim / 2 + i
// (llama.cpp's converter's permute; RoPE then rotates adjacent pairs).
inline int64_t hf_row_for_gguf_row(int64_t r, int64_t head_dim) {
    const int64_t head = r / head_dim, within = r % head_dim;
    return head * head_dim + (within % 2) * (head_dim / 2) + within / 2;
}

}  // namespace qt
