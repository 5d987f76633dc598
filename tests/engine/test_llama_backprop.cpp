// The whole model's backward (model/llama_backprop.h) on a tiny random float32
// LLaMA: LoRA adapter gradients and a dense weight's gradient against central
// finite differences of the training forward's loss, the same gradients with
// and without activation checkpointing and for sequences side by side or one by
// one, and the inference forward with adapters attached against the training one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <cmath>
#include <random>
#include <vector>

#include "methods/full_finetune.h"
#include "methods/lora_adapters.h"
#include "model/llama_backprop.h"
#include "gradient_check_support.h"
#include "tiny_model_support.h"
#include "train/batch_loss.h"

namespace {

qt::RandomLlamaSpec float_spec() {
    qt::RandomLlamaSpec s;
    s.n_layers = 2;
    s.dim = 64;
    s.ffn_dim = 96;
    s.n_heads = 4;
    s.n_kv_heads = 2;
    s.weight_type = qt::GgmlType::F32;
    s.embedding_type = qt::GgmlType::F32;
    s.seed = 7;
    return s;
}

using qt::test::Batch;
using qt::test::expect_gradient_matches_finite_differences;
using qt::test::gradients;
using qt::test::make_batch;
using qt::test::randomize;

}  // namespace

TEST(LlamaBackprop, LoraGradientsMatchFiniteDifferencesOfTheLoss) {
    qt::test::TinyCpuModel t("backprop_lora", float_spec());
    qt::LoraSettings s;
    s.rank = 4;
    s.alpha = 8;
    qt::LoraAdapters lora(*t.model, s);
    randomize(lora, 0.05f, 1);
    t.model->set_training_hooks(&lora);
    qt::LlamaBackprop bp(*t.model);
    expect_gradient_matches_finite_differences(bp, lora, *t.backend, make_batch(t.model->config().vocab_size));
}

TEST(LlamaBackprop, DenseWeightGradientsMatchFiniteDifferencesOfTheLoss) {
    qt::test::TinyCpuModel t("backprop_dense", float_spec());
    qt::FullFinetune full(*t.model);
    t.model->set_training_hooks(&full);
    qt::LlamaBackprop bp(*t.model);
    expect_gradient_matches_finite_differences(bp, full, *t.backend, make_batch(t.model->config().vocab_size));
}

TEST(LlamaBackprop, CheckpointingAndSideBySideSequencesGiveTheSameGradients) {
    qt::test::TinyCpuModel t("backprop_same", float_spec());
    qt::LoraSettings s;
    s.rank = 4;
    qt::LoraAdapters lora(*t.model, s);
    randomize(lora, 0.05f, 2);
    t.model->set_training_hooks(&lora);
    const Batch batch = make_batch(t.model->config().vocab_size);
    auto run = [&](bool checkpoint, bool one_by_one) {
        qt::LlamaBackprop bp(*t.model, qt::BackpropOptions{checkpoint});
        lora.zero_gradients();
        double loss = 0;
        if (one_by_one)
            for (int sq = 0; sq < 2; ++sq) {
                const std::span<const int32_t> tok(batch.tokens.data() + sq * 12, 12), tg(batch.targets.data() + sq * 12, 12);
                loss += bp.forward_backward(tok, 1, tg, 1.0).sum_nll;
            }
        else
            loss = bp.forward_backward(batch.tokens, 2, batch.targets, 1.0).sum_nll;
        return std::make_pair(loss, gradients(lora, *t.backend));
    };
    const auto base = run(true, false), kept = run(false, false), apart = run(true, true);
    double gmax = 0, d_kept = 0, d_apart = 0;
    for (size_t i = 0; i < base.second.size(); ++i) {
        gmax = std::max(gmax, static_cast<double>(std::abs(base.second[i])));
        d_kept = std::max(d_kept, static_cast<double>(std::abs(base.second[i] - kept.second[i])));
        d_apart = std::max(d_apart, static_cast<double>(std::abs(base.second[i] - apart.second[i])));
    }
    EXPECT_EQ(d_kept, 0.0);  // the same operations in the same order
    EXPECT_EQ(base.first, kept.first);
    EXPECT_LT(d_apart, 1e-5 * gmax);
    EXPECT_NEAR(apart.first, base.first, 1e-5 * base.first);
}

TEST(LlamaBackprop, InferenceForwardWithAdaptersEqualsTheTrainingForward) {
    qt::test::TinyCpuModel t("backprop_infer", float_spec());
    qt::LoraSettings s;
    s.rank = 8;
    qt::LoraAdapters lora(*t.model, s);
    const Batch batch = make_batch(t.model->config().vocab_size);
    qt::LlamaBackprop bp(*t.model);
    const std::span<const int32_t> tok(batch.tokens.data(), 12), tg(batch.targets.data(), 12);
    const double base = bp.forward_loss(tok, 1, tg).sum_nll;
    randomize(lora, 0.2f, 3);
    const double detached = bp.forward_loss(tok, 1, tg).sum_nll;
    EXPECT_EQ(detached, base);  // not attached: the adapters change nothing
    t.model->set_training_hooks(&lora);
    const double train = bp.forward_loss(tok, 1, tg).sum_nll;
    EXPECT_GT(std::abs(train - base), 1e-3);
    // The KV-cache forward (generation, evaluation) sees the adapters too; it keeps
    // keys and values in fp16, hence the small difference.
    qt::BatchLoss loss(*t.model, 64, 0);
    qt::Example ex;
    ex.tokens.assign(tok.begin(), tok.end());
    ex.loss_mask.assign(12, 0);
    for (int i = 6; i < 12; ++i) ex.loss_mask[static_cast<size_t>(i)] = 1;
    const double infer = loss.evaluate(ex).sum_nll;
    EXPECT_NEAR(infer, train, 2e-3 * std::abs(train));
    t.model->set_training_hooks(nullptr);
}

// A method that consumes each linear's dW as soon as the backward forms it (as
// Q-GaLore applies it, or sparse ZO's sensitivity pass squares and sums it) never
// holds a gradient of the whole model: the ledger's gradient peak is one weight's
// dW, the largest, and every linear's gradient arrives once per pass.
namespace {
class SquaredGradientSums final : public qt::TrainingHooks {
public:
    explicit SquaredGradientSums(qt::Backend& b) : b_(b) {}
    bool wants_weight_gradient(qt::LinearId id) const override { return id.slot != qt::LinearSlot::Head; }
    void consume_weight_gradient(qt::LinearId id, qt::WeightTensor& w, const float* grad) override {
        sums[{id.layer, static_cast<int>(id.slot)}] += b_.sum_squares(grad, w.rows * w.cols);
        ++calls;
    }
    std::map<std::pair<int, int>, double> sums;
    int calls = 0;

private:
    qt::Backend& b_;
};
}  // namespace

TEST(LlamaBackprop, ConsumedWeightGradientsNeverAddUpToTheWholeModel) {
    qt::test::TinyCpuModel t("backprop_consume", float_spec());
    SquaredGradientSums hooks(*t.backend);
    t.model->set_training_hooks(&hooks);
    qt::LlamaBackprop bp(*t.model);
    const Batch batch = make_batch(t.model->config().vocab_size);
    t.backend->ledger().reset_peaks();
    const int64_t before = t.backend->ledger().snapshot().live[static_cast<int>(qt::MemoryCategory::Gradients)];
    bp.forward_backward(batch.tokens, batch.n_seqs, batch.targets, 1.0);
    const int64_t peak = t.backend->ledger().snapshot().peak[static_cast<int>(qt::MemoryCategory::Gradients)] - before;
    const auto& c = t.model->config();
    EXPECT_EQ(hooks.calls, 7 * c.n_layers);  // every linear of every block, once
    EXPECT_EQ(hooks.sums.size(), static_cast<size_t>(7 * c.n_layers));
    for (const auto& [id, s] : hooks.sums) EXPECT_GT(s, 0.0) << "layer " << id.first << " slot " << id.second;
    const int64_t largest = static_cast<int64_t>(std::max(c.dim, c.ffn_dim)) * std::min(c.dim, c.ffn_dim) * 4;
    EXPECT_EQ(peak, largest);
    t.model->set_training_hooks(nullptr);
}
