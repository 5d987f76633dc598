// QLoRA on the default model, checked by llama.cpp itself: a few AdamW steps on
// review sentiment give real adapters; llama.cpp then runs (a) the base file with
// our exported LoRA GGUF (llama-cpp-python's lora_path) and (b) our merged,
// re-quantized export, on 3 prompts, against our own logits with the adapters.
// The yardstick is the two engines' disagreement on the untrained file (both
// quantize activations before their products, each its own way).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "backend/cpu_backend.h"
#include "methods/lora_adapters.h"
#include "model/llama_model.h"
#include "test_support.h"
#include "tokenizer/tokenizer.h"
#include "train/fo_trainer.h"
#include "train/lora_gguf_export.h"
#include "train/merged_export.h"

namespace {

std::vector<float> read_f32(const std::string& path) {
    const std::vector<uint8_t> b = qt::test::read_bytes(path);
    std::vector<float> v(b.size() / sizeof(float));
    std::memcpy(v.data(), b.data(), v.size() * sizeof(float));
    return v;
}

double mean_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i) s += std::abs(a[i] - b[i]);
    return a.size() == b.size() && !a.empty() ? s / static_cast<double>(a.size()) : INFINITY;
}

}  // namespace

TEST(QloraExport, LlamaCppWithOurAdapterAndOurMergedFileMatchesOurLogits) {
    QT_REQUIRE_MODEL_AND_ORACLE(model_path);
    auto file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(model_path));
    auto backend = qt::make_cpu_backend(0);
    auto model = qt::LlamaModel::load(file, *backend, {});
    auto tokenizer = qt::Tokenizer::from_gguf(*file);
    const int vocab = model->config().vocab_size;

    // A few large steps so that the adapters move the logits well beyond the engines' disagreement.
    qt::TrainConfig c;
    c.method = "qlora";
    c.lr = 2e-3;
    c.steps = 4;
    c.batch_size = 2;
    c.lora_rank = 8;
    c.lora_alpha = 16;
    c.eval_examples = 2;
    qt::TrainData data;
    for (const char* text : {"Review: the tea was wonderful and fresh. Sentiment: great",
                             "Review: stale crackers, broken box. Sentiment: awful"}) {
        qt::Example ex;
        ex.tokens = tokenizer->encode(text, false, false);
        ex.loss_mask.assign(ex.tokens.size(), 1);
        data.train.push_back(ex);
    }
    qt::LoraSettings s;
    s.rank = c.lora_rank;
    s.alpha = c.lora_alpha;
    qt::LoraAdapters lora(*model, s);
    model->set_training_hooks(&lora);
    qt::FoTrainer trainer(*model, lora, c, data);
    while (!trainer.finished()) trainer.step();

    const std::vector<std::string> prompts = {"The capital of France is", "Review: the tea was wonderful. Sentiment:",
                                              "Once upon a time, a small robot"};
    qt::test::TempDir dir("qlora_export");
    const std::string adapter = dir.path + "/adapter.gguf", merged = dir.path + "/merged.gguf",
                      merged8 = dir.path + "/merged_q8_0.gguf";
    std::vector<qt::LoraTensorExport> tensors;
    std::vector<qt::LoraMergeInput> merge;
    const auto host = lora.download();
    for (const auto& a : host) {
        tensors.push_back({a.base_name, a.in, a.out, a.a, a.b});
        merge.push_back({a.base_name, a.in, a.out, a.a.data(), a.b.data()});
    }
    qt::export_lora_gguf(adapter, *file, s.rank, static_cast<float>(s.alpha), tensors);
    // Merged into the file's own types (Q4_1 here), and into Q8_0.
    for (const auto& [path, type] : {std::pair<std::string, std::optional<qt::GgmlType>>{merged, std::nullopt},
                                     {merged8, qt::GgmlType::Q8_0}}) {
        const auto cost = qt::export_merged_gguf(*file, path, s.rank, static_cast<float>(s.alpha), merge, type);
        double upd = 0, err = 0, kept = 0;
        for (const auto& r : cost) {
            upd += r.rms_update * r.rms_update;
            err += r.rms_requant_error * r.rms_requant_error;
            kept += r.update_kept * r.rms_update * r.rms_update;
        }
        kept /= upd;
        std::printf("[ qlora export ] merged into %s, %zu tensors: update RMS %.3g, re-quantization error RMS %.3g, "
                    "update kept %.2f\n",
                    type ? std::string(qt::ggml_type_name(*type)).c_str() : "the file's types", cost.size(),
                    std::sqrt(upd / cost.size()), std::sqrt(err / cost.size()), kept);
        // The report's figure says which merge keeps the training (checked by llama.cpp below).
        if (type) EXPECT_GT(kept, 0.8);
        else EXPECT_LT(kept, 0.5);
    }

    double base_gap = 0, adapter_gap = 0, merged_gap = 0, merged8_gap = 0, effect = 0;
    int top1_checked = 0, top1_same = 0;
    for (size_t p = 0; p < prompts.size(); ++p) {
        const std::vector<int32_t> ids = tokenizer->encode(prompts[p], true, false);
        const std::string tok = dir.path + "/tokens" + std::to_string(p);
        {
            std::ofstream out(tok);
            for (int32_t id : ids) out << id << "\n";
        }
        auto ours = [&](bool with_adapters) {
            model->set_training_hooks(with_adapters ? &lora : nullptr);
            qt::KvCache cache = model->make_cache(static_cast<int>(ids.size()));
            std::vector<float> logits;
            model->forward(ids, cache, logits, true);
            return logits;
        };
        const std::vector<float> ours_base = ours(false), ours_lora = ours(true);
        auto llama = [&](const std::string& m, const std::string& lora_file, const char* tag) {
            std::vector<std::string> args = {m, tok, dir.path + "/" + tag};
            if (!lora_file.empty()) args.push_back(lora_file);
            qt::test::run_oracle("llama_cpp_lora_logits.py", args);
            return read_f32(dir.path + "/" + tag);
        };
        const std::vector<float> ll_base = llama(model_path, "", "base"), ll_lora = llama(model_path, adapter, "lora"),
                                 ll_merged = llama(merged, "", "merged"), ll_merged8 = llama(merged8, "", "merged8");
        base_gap += mean_abs_diff(ours_base, ll_base) / prompts.size();
        adapter_gap += mean_abs_diff(ours_lora, ll_lora) / prompts.size();
        merged_gap += mean_abs_diff(ours_lora, ll_merged) / prompts.size();
        merged8_gap += mean_abs_diff(ours_lora, ll_merged8) / prompts.size();
        effect += mean_abs_diff(ours_lora, ours_base) / prompts.size();
        // Where our adapted model has a clear favourite, llama.cpp with our adapter picks it too.
        for (size_t t = 0; t < ids.size(); ++t) {
            const float* row = ours_lora.data() + t * vocab;
            std::vector<float> sorted(row, row + vocab);
            std::partial_sort(sorted.begin(), sorted.begin() + 2, sorted.end(), std::greater<float>());
            if (sorted[0] - sorted[1] < 1.0f) continue;
            ++top1_checked;
            const float* theirs = ll_lora.data() + t * vocab;
            top1_same += std::max_element(row, row + vocab) - row == std::max_element(theirs, theirs + vocab) - theirs;
        }
    }
    std::printf("[ qlora export ] mean |logit difference| over 3 prompts: ours vs llama.cpp on the base %.3f; with "
                "our adapter %.3f; vs our merged file re-quantized to Q4_1 %.3f, to Q8_0 %.3f; the adapters' own "
                "effect %.3f; clear top-1 kept by llama.cpp+adapter at %d of %d positions\n",
                base_gap, adapter_gap, merged_gap, merged8_gap, effect, top1_same, top1_checked);
    ASSERT_GT(effect, 4 * base_gap) << "training too weak to tell the adapter's effect from engine noise";
    // With the adapter, the engines disagree no more than they do without it.
    EXPECT_LT(adapter_gap, 1.5 * base_gap);
    EXPECT_EQ(top1_same, top1_checked);
    // Merged into Q8_0 the training survives its re-quantization. Rounded back into
    // Q4_1 most of it is lost: an update smaller than the blocks' half step (the
    // report above: its RMS below the rounding error's) mostly rounds back to the
    // base codes. That is the cost the export shows the user; here it must at least
    // be no worse than dropping the adapters.
    EXPECT_LT(merged8_gap, 0.5 * effect);
    EXPECT_LT(merged_gap, effect);
}
