#include "memory/training_memory_plan.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "gguf/gguf_file.h"
#include "methods/quant_scale_fields.h"
#include "model/llama_backprop.h"
#include "model/llama_config.h"
#include "quant/ggml_type.h"

namespace qt {
namespace {

// The matrices both ZO methods train (LlamaModel::trainable_linears): q, k, v, o,
// gate, up and down of every layer.
bool is_trainable_linear(std::string_view name) {
    if (name.rfind("blk.", 0) != 0) return false;
    for (std::string_view kind : {".attn_q.weight", ".attn_k.weight", ".attn_v.weight", ".attn_output.weight",
                                  ".ffn_gate.weight", ".ffn_up.weight", ".ffn_down.weight"}) {
        if (name.size() > kind.size() && name.substr(name.size() - kind.size()) == kind) return true;
    }
    return false;
}

int64_t& at(TrainingMemoryPlan& p, MemoryCategory c) { return p.bytes[static_cast<size_t>(c)]; }

// Whether a linear tensor is among LoRA's targets ("q,k,v,o,gate,up,down" names).
bool is_lora_target(std::string_view name, const std::string& targets) {
    static const std::pair<const char*, const char*> kinds[] = {
        {"q", ".attn_q.weight"},      {"k", ".attn_k.weight"},  {"v", ".attn_v.weight"},
        {"o", ".attn_output.weight"}, {"gate", ".ffn_gate.weight"}, {"up", ".ffn_up.weight"},
        {"down", ".ffn_down.weight"}};
    for (const auto& [slot, suffix] : kinds) {
        const std::string_view sfx(suffix);
        if (name.size() <= sfx.size() || name.substr(name.size() - sfx.size()) != sfx) continue;
        const std::string list = "," + targets + ",";
        return list.find("," + std::string(slot) + ",") != std::string::npos;
    }
    return false;
}

}  // namespace

int64_t TrainingMemoryPlan::total() const {
    int64_t t = 0;
    for (int64_t b : bytes) t += b;
    return t;
}

MemoryPlanShape plan_shape_for_device(int max_tokens, int batch_size, int device_batch_tokens) {
    MemoryPlanShape shape;
    shape.max_tokens = max_tokens;
    shape.batch_size = batch_size;
    shape.batch_tokens = device_batch_tokens;
    shape.tensor_core_scratch = device_batch_tokens > 0;
    return shape;
}

std::vector<TrainingMemoryPlan> plan_training_memory(const GgufFile& file, const MemoryPlanShape& shape) {
    const LlamaConfig c = LlamaConfig::from_gguf(file);
    const int64_t T = shape.max_tokens;
    const int64_t kv = static_cast<int64_t>(c.n_kv_heads) * c.head_dim;

    int64_t all_bytes = 0, params = 0, linear_bytes = 0, linear_params = 0, qzo_scales = 0, lora_params = 0;
    int64_t largest_linear_params = 0, linear_rows = 0, linear_count = 0;
    // GaLore per linear [rows][cols]: P holds r x min(rows, cols) values, R (the
    // low-rank gradient, and Adam's states) r x max(rows, cols), r = min(rank, rows, cols).
    int64_t galore_p = 0, galore_r = 0, galore_int8 = 0, galore_int4 = 0, galore_8bit_states = 0;
    int64_t largest_p = 0, largest_r = 0;
    const auto groups = [](int64_t n, int64_t g) { return (n + g - 1) / g; };
    for (const GgufTensorInfo& t : file.tensors()) {
        all_bytes += static_cast<int64_t>(t.nbytes);
        params += t.num_elements();
        if (!is_trainable_linear(t.name)) continue;
        linear_bytes += static_cast<int64_t>(t.nbytes);
        linear_params += t.num_elements();
        linear_rows += t.dims.size() > 1 ? static_cast<int64_t>(t.dims[1]) : 1;
        ++linear_count;
        largest_linear_params = std::max(largest_linear_params, t.num_elements());
        {
            const int64_t cols = t.dims[0], rows = t.dims[1];
            const int64_t r = std::min<int64_t>({shape.galore_rank, rows, cols});
            const int64_t p = r * std::min(rows, cols), low = r * std::max(rows, cols);
            galore_p += p;
            galore_r += low;
            largest_p = std::max(largest_p, p);
            largest_r = std::max(largest_r, low);
            galore_int8 += t.num_elements() + groups(t.num_elements(), shape.galore_weight_group) * 8;
            galore_int4 += (p + 1) / 2 + groups(p, shape.galore_proj_group) * 8;
            galore_8bit_states += 2 * low + groups(low, 256) * 8;
        }
        if (is_lora_target(t.name, shape.lora_targets)) lora_params += int64_t{shape.lora_rank} * (t.dims[0] + t.dims[1]);
        if (const auto fields = quant_scale_fields(t.type)) {
            const int64_t blocks = t.num_elements() / ggml_traits(t.type).block_size;
            for (const ScaleField& f : *fields)
                if (!f.is_min || shape.qzo_train_min) qzo_scales += blocks;
        }
    }

    // ZO forward: LlamaModel's workspace for one sequence (x, xn, q, att: dim;
    // k, v: kv; gate, up: ffn; logits: vocab, float32), BatchLoss's host logits
    // (max_tokens x vocab float32) and one fp16 KV cache of max_tokens positions.
    int64_t zo_activations = T * (4LL * c.dim + 2 * kv + 2LL * c.ffn_dim + c.vocab_size) * 4 + T * c.vocab_size * 4;
    int64_t forward_tokens = T;
    if (shape.batch_tokens > 0) {
        // Sequences side by side: the workspace for all their tokens, logits for one
        // head chunk, targets and row losses (16 bytes a token).
        const int64_t seqs = std::max<int64_t>(1, std::min<int64_t>(shape.batch_size, shape.batch_tokens / T));
        forward_tokens = seqs * T;
        const int64_t chunk_rows = std::max<int64_t>(64, (int64_t{64} << 20) / (4LL * c.vocab_size));
        zo_activations = forward_tokens * (4LL * c.dim + 2 * kv + 2LL * c.ffn_dim) * 4 +
                         std::min(forward_tokens, chunk_rows) * c.vocab_size * 4 + forward_tokens * 16 +
                         T * c.vocab_size * 4;
    }
    if (shape.tensor_core_scratch) {
        int64_t largest_linear = 0;
        for (const GgufTensorInfo& t : file.tensors())
            if (t.dims.size() == 2) largest_linear = std::max(largest_linear, t.num_elements());
        zo_activations += forward_tokens * std::max(c.dim, c.ffn_dim) * 2 +
                          std::min<int64_t>(largest_linear * 2, int64_t{96} << 20) + (int64_t{32} << 20);
    }
    const int64_t zo_kv = 2LL * c.n_layers * T * kv * 2;

    TrainingMemoryPlan qzo;
    qzo.method = "qzo";
    at(qzo, MemoryCategory::Weights) = all_bytes;  // writable copies of the blocks as stored
    at(qzo, MemoryCategory::TrainableParameters) = qzo_scales * 4;  // float32 master of each trained scale
    at(qzo, MemoryCategory::Activations) = zo_activations;
    at(qzo, MemoryCategory::KvCache) = zo_kv;
    qzo.basis = "weights as stored in the file, a float32 master of each trained block scale (" +
                std::to_string(qzo_scales) + " scales), one forward pass of " + std::to_string(forward_tokens) +
                " tokens; no gradients, no optimizer states";

    TrainingMemoryPlan mezo;
    mezo.method = "mezo";
    at(mezo, MemoryCategory::Weights) = all_bytes - linear_bytes;  // embedding and norms stay as stored
    at(mezo, MemoryCategory::TrainableParameters) = linear_params * 4;  // linear layers expanded to float32
    at(mezo, MemoryCategory::Activations) = zo_activations;
    at(mezo, MemoryCategory::KvCache) = zo_kv;
    mezo.basis = "linear layers expanded to float32 (" + std::to_string(linear_params) +
                 " weights x 4 B), the rest as stored, one forward pass of " + std::to_string(forward_tokens) +
                 " tokens; no gradients, no optimizer states";

    // First order as this engine runs it (model/llama_backprop.h): one forward and
    // backward pass of forward_tokens tokens at a time keeps its activations
    // (LlamaBackprop::activation_bytes_per_token), the head's logits for one chunk
    // of rows and its row buffers, all held for the whole run; the evaluation
    // between steps runs the ZO forward above beside them (zo_activations, zo_kv).
    // AdamW: float32 m and v.
    const int64_t head_rows = std::min<int64_t>(forward_tokens, std::max<int64_t>(64, (int64_t{64} << 20) / (4LL * c.vocab_size)));
    const int64_t backprop_activations =
        forward_tokens * LlamaBackprop::activation_bytes_per_token(c, shape.checkpoint_activations) +
        head_rows * (c.vocab_size + 2LL * c.dim) * 4 + forward_tokens * (2LL * c.dim * 4 + 16);
    TrainingMemoryPlan qlora;
    qlora.method = "qlora";
    at(qlora, MemoryCategory::Weights) = all_bytes;  // frozen, as stored
    at(qlora, MemoryCategory::TrainableParameters) = lora_params * 4;
    at(qlora, MemoryCategory::Gradients) = lora_params * 4;
    at(qlora, MemoryCategory::OptimizerStates) = lora_params * 8;
    at(qlora, MemoryCategory::Activations) =
        zo_activations + backprop_activations + forward_tokens * 2LL * shape.lora_rank * 4;
    at(qlora, MemoryCategory::KvCache) = zo_kv;
    qlora.basis = "the quantized weights as stored, LoRA adapters of rank " + std::to_string(shape.lora_rank) + " (" +
                  std::to_string(lora_params) + " float32 values) with their gradients and AdamW moments, and the " +
                  "activations of one forward and backward pass of " + std::to_string(forward_tokens) + " tokens" +
                  (shape.checkpoint_activations ? " with activation checkpointing" : "");

    TrainingMemoryPlan adamw;
    adamw.method = "adamw";
    at(adamw, MemoryCategory::Weights) = all_bytes - linear_bytes;
    at(adamw, MemoryCategory::TrainableParameters) = linear_params * 4;  // float32 master weights
    at(adamw, MemoryCategory::Gradients) = linear_params * 4 + largest_linear_params * 4;  // + one layer's dW
    at(adamw, MemoryCategory::OptimizerStates) = linear_params * 8;
    at(adamw, MemoryCategory::Activations) = zo_activations + backprop_activations;
    at(adamw, MemoryCategory::KvCache) = zo_kv;
    adamw.basis = "linear layers as float32 master weights (" + std::to_string(linear_params) +
                  " values) with float32 gradients and AdamW moments (16 B a weight), the rest as stored, and the "
                  "activations of one forward and backward pass of " + std::to_string(forward_tokens) + " tokens";

    // Full fine-tuning, mixed precision: every parameter trains. Activations kept
    // for backward, bf16, per token and layer: x, xn, q, att, h, hn (6 dim), k, v
    // (2 kv), gate, up, silu(gate)*up (3 ffn); attention probabilities n_heads x T x T
    // per layer (no recomputation, no fused attention); float32 logits for the loss.
    TrainingMemoryPlan full;
    full.method = "full-bf16-adamw";
    const int64_t B = shape.batch_size;
    at(full, MemoryCategory::Weights) = params * 2;
    at(full, MemoryCategory::TrainableParameters) = params * 4;  // fp32 master weights
    at(full, MemoryCategory::Gradients) = params * 2;
    at(full, MemoryCategory::OptimizerStates) = params * 8;  // Adam m and v, fp32
    at(full, MemoryCategory::Activations) =
        B * (c.n_layers * (T * (6LL * c.dim + 2 * kv + 3LL * c.ffn_dim) * 2 + static_cast<int64_t>(c.n_heads) * T * T * 2) +
             T * c.vocab_size * 4);
    full.basis = "bf16 weights 2 B + bf16 gradients 2 B + fp32 Adam moments 8 B + fp32 master 4 B per parameter (" +
                 std::to_string(params) + " parameters), activations of a batch of " + std::to_string(B) + " x " +
                 std::to_string(T) + " tokens kept for the backward pass";
    // Q-GaLore as engine/methods/qgalore.h runs it: the whole batch in one backward
    // pass; per linear INT8 weights with a float scale and zero point per group, INT4
    // P with the same per group, 8-bit Adam states (2 codes and 2 floats per block of
    // 256); one float32 copy of the largest weight (each use dequantizes into it), the
    // backward's one dW, R and Adam's step of the largest linear, P as float32 once.
    const int64_t galore_tokens = shape.batch_size * T;
    const int64_t galore_backprop =
        galore_tokens * LlamaBackprop::activation_bytes_per_token(c, shape.checkpoint_activations) +
        std::min<int64_t>(galore_tokens, head_rows) * (c.vocab_size + 2LL * c.dim) * 4 +
        galore_tokens * (2LL * c.dim * 4 + 16);
    std::string galore_what = " of rank ";
    galore_what.append(std::to_string(shape.galore_rank))
        .append(", the whole batch's forward and backward pass (")
        .append(std::to_string(galore_tokens))
        .append(" tokens), each layer's gradient freed after use");
    TrainingMemoryPlan qgalore;
    qgalore.method = "qgalore";
    at(qgalore, MemoryCategory::Weights) = all_bytes - linear_bytes;
    at(qgalore, MemoryCategory::TrainableParameters) = galore_int8;
    at(qgalore, MemoryCategory::Projections) = galore_int4 + largest_p * 4;
    at(qgalore, MemoryCategory::OptimizerStates) = galore_8bit_states;
    at(qgalore, MemoryCategory::Gradients) = largest_linear_params * 4 + 2 * largest_r * 4;
    at(qgalore, MemoryCategory::Activations) = zo_activations + galore_backprop + largest_linear_params * 4;
    at(qgalore, MemoryCategory::KvCache) = zo_kv;
    qgalore.basis = "linear layers as INT8 in groups of ";
    qgalore.basis.append(std::to_string(shape.galore_weight_group))
        .append(", INT4 projections and 8-bit Adam states")
        .append(galore_what);

    TrainingMemoryPlan galore;
    galore.method = "galore";
    at(galore, MemoryCategory::Weights) = all_bytes - linear_bytes;
    at(galore, MemoryCategory::TrainableParameters) = linear_params * 4;
    at(galore, MemoryCategory::Projections) = galore_p * 4 + largest_p * 4;
    at(galore, MemoryCategory::OptimizerStates) = galore_r * 8;
    at(galore, MemoryCategory::Gradients) = largest_linear_params * 4 + 2 * largest_r * 4;
    at(galore, MemoryCategory::Activations) = zo_activations + galore_backprop;
    at(galore, MemoryCategory::KvCache) = zo_kv;
    galore.basis = "plain GaLore: linear layers as float32, float32 projections and Adam states";
    galore.basis.append(galore_what);
    // Sparse ZO: QZO's forward on the weights as stored, plus S (a float32 value per
    // masked entry) and the mask in compressed rows (a column index per entry, a row
    // start per row of every linear).
    const auto sparse_entries = static_cast<int64_t>(std::llround(shape.sparse_fraction * static_cast<double>(linear_params)));
    TrainingMemoryPlan sparse;
    sparse.method = "sparse-zo";
    at(sparse, MemoryCategory::Weights) = all_bytes;
    at(sparse, MemoryCategory::TrainableParameters) = shape.sparse_train_scales ? qzo_scales * 4 : 0;
    at(sparse, MemoryCategory::SparseValues) = sparse_entries * 4;
    at(sparse, MemoryCategory::SparseMask) = sparse_entries * 4 + (linear_rows + linear_count) * 4;
    at(sparse, MemoryCategory::Activations) = zo_activations;
    at(sparse, MemoryCategory::KvCache) = zo_kv;
    sparse.basis = "weights as stored, a float32 value and a column index for each of " +
                   std::to_string(sparse_entries) + " masked entries (" + std::to_string(shape.sparse_fraction * 100) +
                   "% of the linear weights), one forward pass of " + std::to_string(forward_tokens) +
                   " tokens; no gradients, no optimizer states";
    return {qzo, mezo, full, qlora, adamw, qgalore, galore, sparse};
}

}  // namespace qt
