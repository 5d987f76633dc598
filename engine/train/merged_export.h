#pragma once
// A LoRA adapter merged into the base model's weights and written back in a
// quantized type: one self-contained GGUF, no adapter needed at inference.
//
// For each adapted tensor W (ggml dims {in, out}, rows of `in` weights):
//   W' = dequantize(W) + (alpha / rank) * B A          (B: out x rank, A: rank x in)
//   written = quantize(W') in the tensor's own type or `out_type`, by
//   quantize_row (quant/quantize.h, gguf-py's rounding).
// Types quantize_row cannot produce (K-quants other than Q4_K) are written as Q8_0 instead,
// and the report says so. Every other tensor keeps its bytes, and the metadata
// is copied as it is (general.file_type included: it describes the base file's
// mix, which llama.cpp only displays). Written atomically (GgufWriter).
//
// The report gives, per adapted tensor, what a user is shown as "what the
// re-quantization costs": the RMS of the update next to the RMS of the error the
// re-quantization adds on top of it. An update far below the error is mostly
// rounded away.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "quant/ggml_type.h"

namespace qt {

struct LoraMergeInput {
    std::string base_name;  // the file's tensor: blk.0.attn_q.weight, or a fused blk.0.attn_qkv.weight
    int64_t in = 0, out = 0;
    const float* a = nullptr;  // [rank][in], row-major, host memory
    const float* b = nullptr;  // [out][rank]
    // A part of a fused tensor (Phi-3's q, k, v in attn_qkv; gate, up in ffn_up):
    // the adapter's `out` rows start at first_row of the file's tensor. Rows no input
    // covers keep their base values. Else the adapter covers the whole tensor.
    bool fused_part = false;
    int64_t first_row = 0;
};

struct RequantReport {
    std::string tensor;
    double rms_update = 0;         // RMS of (alpha / rank) * B A
    double rms_requant_error = 0;  // RMS of dequantize(quantize(W')) - W'
    double rms_weight = 0;         // RMS of the base weights W (dequantized), for scale
    // How much of the update the written tensor carries: the projection of
    // (written - W) on the update, over the update's squared norm. Near 1: kept;
    // near 0: rounded back to the base codes (an update below the blocks' half step).
    double update_kept = 0;
    GgmlType base_type = GgmlType::F32;
    GgmlType written_type = GgmlType::F32;
    // The requested type (the tensor's own or out_type) cannot be quantized to
    // (Q5_K, Q6_K ...): written_type is Q8_0 instead.
    bool fell_back_to_q8_0 = false;
};

// Reports come in the order of `adapters`. Throws std::invalid_argument naming
// the tensor and the problem: rank < 1, alpha 0 or not finite, a tensor the base
// lacks or of another shape (see check_lora_target; for a part, rows past the
// tensor's end), a null A or B, a tensor named twice (or parts whose rows overlap), a base type that cannot be dequantized, rows that are not whole
// blocks of the written type, or a merged weight that is not finite.
std::vector<RequantReport> export_merged_gguf(const GgufFile& base, const std::string& path, int rank, float alpha,
                                              const std::vector<LoraMergeInput>& adapters,
                                              std::optional<GgmlType> out_type);

// A full-parameter method's trained weights (Q-GaLore) written in place of the
// base file's tensors, re-quantized to each tensor's own type or `out_type`; the
// update measured is trained - dequantize(base). values() is called once per
// tensor while the file is written and returns [out][in] floats (host memory).
// A part of a fused tensor (Phi-3's q in attn_qkv ...) gives its first row and its
// row count; values() then returns [rows][in], and rows no part covers keep their
// base values. rows 0: the whole tensor.
struct TrainedTensor {
    std::string base_name;
    std::function<std::vector<float>()> values;
    int64_t first_row = 0;
    int64_t rows = 0;
};

std::vector<RequantReport> export_trained_weights_gguf(const GgufFile& base, const std::string& path,
                                                       const std::vector<TrainedTensor>& tensors,
                                                       std::optional<GgmlType> out_type);

}  // namespace qt
