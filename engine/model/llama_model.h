#pragma once
// The LLaMA-family decoder, one readable pass per layer:
//   x = embed(tokens) * embedding_scale
//   per layer: q = Wq n(x) + bq, k = Wk n(x) + bk, v = Wv n(x) + bv; q, k = qk_norm(q, k) per head
//              h = x + post_n(Wo attn(rope(q), rope(k), v))                (window, softcap as the layer says)
//              x = h + post_n(Wd (act(Wg n(h)) * Wu n(h)))                 (act: silu, or gelu for GeGLU)
//   logits = softcap(Wout n(x))
// Each optional step runs where the config's features say (model/llama_config.h):
// LLaMA, Mistral, Qwen2, Qwen3, Gemma 2, Gemma 3 and Phi-3 are this graph with
// different features. Weights stay in their GGUF blocks on the backend; all
// arithmetic is the backend's.
#include <initializer_list>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "backend/backend.h"
#include "gguf/gguf_file.h"
#include "model/llama_config.h"
#include "model/training_hooks.h"

namespace qt {

struct KvCache {
    KvCacheLayout layout;
    DeviceBuffer k;
    DeviceBuffer v;
    int n_filled = 0;  // positions 0..n_filled-1 hold valid entries
};

struct LlamaLayer {
    WeightTensor attn_norm, wq, wk, wv, wo;
    WeightTensor ffn_norm, w_gate, w_up, w_down;
    // Present where the config's features say (float32 vectors), else empty (data null).
    WeightTensor bq, bk, bv;                     // qkv_bias
    WeightTensor q_norm, k_norm;                 // qk_norm: [head_dim]
    WeightTensor post_attn_norm, post_ffn_norm;  // post_norms
};

// Where a linear's weight lies in the GGUF file: a tensor and its first row. Phi-3's
// q, k and v are row ranges of one blk.N.attn_qkv.weight, its gate and up of one
// blk.N.ffn_up.weight; every other linear is a whole tensor (first_row 0).
struct LinearSource {
    std::string tensor;
    int64_t first_row = 0;
};

struct LlamaLoadOptions {
    // Copies every weight into backend-owned memory instead of reading the file
    // mapping in place (the CPU backend's default), so that training can rewrite
    // blocks (QZO writes scales into them). The copies count as Weights.
    bool writable_weights = false;
};

class LlamaModel {
public:
    // The model keeps `file` alive: on the CPU its weights are read from the mapping.
    static std::unique_ptr<LlamaModel> load(std::shared_ptr<const GgufFile> file, Backend& backend,
                                            const LlamaLoadOptions& options = {});

    const LlamaConfig& config() const { return config_; }
    const GgufFile& file() const { return *file_; }
    Backend& backend() const { return backend_; }
    int64_t parameter_count() const;

    KvCache make_cache(int n_ctx) const;

    bool weights_writable() const { return writable_; }
    // The weight matrices training may change: q, k, v, o, gate, up, down of every
    // layer, and the output head when it is not tied to the embedding (a tied
    // embedding stays frozen, as do norms: the setting of QZO and MeZO here).
    // A method may replace a tensor (MeZO swaps in float32 copies).
    std::vector<WeightTensor*> trainable_linears();
    // The same linears by role, in the same order.
    std::vector<LinearId> trainable_linear_ids() const;

    // The weights by role, for the backward pass (model/llama_backprop.h) and methods.
    const LlamaLayer& layer(int l) const { return layers_.at(static_cast<size_t>(l)); }
    const WeightTensor& token_embedding() const { return token_embd_; }
    const WeightTensor& output_norm() const { return output_norm_; }
    // How layer l rotates q and k, and how it attends (its window, softcap, scale).
    RopeSpec rope_spec(int layer) const;
    AttentionShape attention_shape(int layer) const;
    // The head's weight: output.weight, or the embedding where the two are tied.
    const WeightTensor& head_weight() const { return config_.tied_output ? token_embd_ : output_; }
    // The weight of linear `id` (a tied head: the embedding).
    WeightTensor& linear(LinearId id);
    // The file tensor (and row range) linear `id` was loaded from; exports write it back there.
    LinearSource linear_source(LinearId id) const;
    // The same by the weight's name (WeightTensor::name: "blk.0.attn_qkv.weight:q" for a fused part).
    LinearSource linear_source(const std::string& weight_name) const;

    // A method's hooks (LoRA's adapters, ...): every forward adds their extra terms
    // to the linears that carry one, and the backward sends them its gradients.
    // nullptr (the default) detaches them. The hooks must outlive their attachment.
    void set_training_hooks(TrainingHooks* hooks) { hooks_ = hooks; }
    TrainingHooks* training_hooks() const { return hooks_; }
    // The weight linear `id` computes with: the hooks' own (TrainingHooks::weight_override)
    // where they hold it, else linear(id).
    const WeightTensor& computing_weight(LinearId id);
    // y = W x (+ the hooks' extra term) for linear `id`.
    void hooked_linear(LinearId id, const float* x, float* y, int n);

    // Runs `tokens` at positions cache.n_filled ... and appends them to the cache.
    // Writes vocab_size logits per token into `logits` (host memory) for every
    // token when all_logits, else for the last one only.
    void forward(std::span<const int32_t> tokens, KvCache& cache, std::vector<float>& logits, bool all_logits);
    // As above, with logits for tokens first_logit .. n-1 only (n - first_logit rows
    // of vocab_size, written to `logits`, host memory the caller sized for them):
    // training needs them only where the loss is taken.
    void forward(std::span<const int32_t> tokens, KvCache& cache, int first_logit, float* logits);
    // As above, but the logits stay on the backend: returns the sum over rows
    // first_logit .. n-1 of -log softmax(row)[targets[r]] (targets.size() == n -
    // first_logit; a negative target skips its row), from Backend::cross_entropy_sum.
    double forward_nll(std::span<const int32_t> tokens, KvCache& cache, int first_logit,
                       std::span<const int32_t> targets);
    // n_seqs sequences of equal length (tokens back to back), each from position 0,
    // in one pass: every matmul sees all their tokens, so each weight is read once
    // for the lot; attention stays inside each sequence (Backend::rope_attention_batch)
    // and the cache is left empty. targets: one per token, negative to skip.
    // Returns the summed -log p(target), as forward_nll; the head runs in chunks
    // of rows, so no more than set_head_chunk_bytes() of logits exist at once.
    double forward_nll_batch(std::span<const int32_t> tokens, int n_seqs, KvCache& cache,
                             std::span<const int32_t> targets);
    // Bytes of logits forward_nll_batch computes at once (at least 64 rows).
    void set_head_chunk_bytes(size_t bytes) { head_chunk_bytes_ = bytes; }

private:
    LlamaModel(std::shared_ptr<const GgufFile> file, Backend& backend, LlamaConfig config);
    WeightTensor load(const std::string& name, int64_t expect_cols, int64_t expect_rows);
    // Rows first_row .. first_row + rows of a fused tensor (`part` names it: "q", "gate" ...).
    WeightTensor load_rows(const std::string& name, const std::string& part, int64_t cols, int64_t total_rows,
                           int64_t first_row, int64_t rows);
    // A vector of `width` floats (norms, biases, rope factors), expanded to float32 where stored otherwise.
    WeightTensor load_vector(const std::string& name, int64_t width);
    WeightTensor load_norm(const std::string& name) { return load_vector(name, config_.dim); }
    WeightTensor place(const std::string& name, GgmlType type, int64_t cols, int64_t rows, const void* host_data);
    // Several weights on rmsnorm(x) * norm (q, k, v; gate, up; the head), through
    // Backend::rmsnorm_matmul_shared_input with xn_ as its scratch.
    void norm_linears(const WeightTensor& norm, const float* x, std::initializer_list<const WeightTensor*> ws,
                      std::initializer_list<float*> ys, int n);
    void ensure_workspace(int n);
    // The forward pass of one sequence; returns the backend's logits of rows first_logit .. n-1.
    const float* forward_to_logits(std::span<const int32_t> tokens, KvCache& cache, int first_logit);
    // Throws naming the first target at or beyond the vocabulary (negative ones are "skip").
    void check_targets(std::span<const int32_t> targets) const;
    // One forward's shape: n tokens in n_seqs sequences of seq_len, the first at
    // cache position pos0 (0 when n_seqs > 1), and each token's position.
    struct Pass {
        int n = 0, n_seqs = 1, seq_len = 0, pos0 = 0;
        std::vector<int32_t> positions;
    };
    // Checks the shape, sizes the activations and embeds the tokens into x_.
    // n_seqs > 1: tokens are that many sequences of equal length, each from position 0.
    Pass begin_pass(std::span<const int32_t> tokens, const KvCache& cache, int n_seqs);
    // Every layer over x_ (a single sequence also appends to the cache's rows, not to n_filled).
    void layer_stack(const Pass& pass, KvCache& cache);
    // One layer as separate calls, each linear through hooked_linear: the path
    // taken while training hooks are attached (the fused calls know of no extra
    // term), and for every architecture feature the fused calls lack.
    void layer_by_calls(int l, const Pass& p, KvCache& cache);
    // Whether the backends' fused calls (norm_linears, rope_attention_matmul_add,
    // feed_forward, run_repeated) run the forward: LLaMA's plain block, no hooks.
    bool fused_path() const { return !hooks_ && config_.plain_block(); }
    // Embedding and every layer; the final hidden states are left in x_.
    void run_layers(std::span<const int32_t> tokens, KvCache& cache, int n_seqs);
    // A key for Backend::run_repeated from what determines the operations it runs.
    static uint64_t repeat_key(std::initializer_list<uint64_t> parts);
    // Output norm and head over `rows` hidden states; returns their logits (backend memory).
    const float* head(const float* x, int rows);
    float* logit_rows(int rows);

    std::shared_ptr<const GgufFile> file_;
    Backend& backend_;
    LlamaConfig config_;
    bool writable_ = false;
    WeightTensor token_embd_, output_norm_, output_;
    WeightTensor rope_freqs_;  // [n_rot / 2] float32 where config_.rope_freqs
    std::map<std::string, LinearSource> fused_sources_;  // by weight name: the row ranges of fused tensors
    std::vector<LlamaLayer> layers_;
    TrainingHooks* hooks_ = nullptr;

    // Activations for up to ws_tokens_ tokens.
    int ws_tokens_ = 0;
    int logit_rows_ = 0;
    size_t head_chunk_bytes_ = size_t{64} << 20;
    DeviceBuffer x_, xn_, q_, k_, v_, att_, gate_, up_, logits_;
    // forward_nll_batch's targets, head rows and per-row losses, for up to batch_rows_ rows.
    int64_t batch_rows_ = 0;
    DeviceBuffer batch_targets_, batch_head_rows_, batch_nll_;
};

}  // namespace qt
