// The memory plan (memory/training_memory_plan.h) against the ledger of a real
// ZO loss evaluation on the CPU, with the sequences one after another and side
// by side as a GPU runs them (batch_tokens). The plan is what the GUI shows as
// "will it fit" before anything is loaded, so it must not fall short: it counts
// logits for every row, where the engine makes them only from the first row with
// a target (here half of them), so it may exceed the ledger by that much.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <vector>

#include "memory/training_memory_plan.h"
#include "tiny_model_support.h"
#include "train/batch_loss.h"
#include "train/fo_trainer.h"
#include "train/training_methods.h"

TEST(TrainingMemoryPlan, ActivationsMatchTheLedgerOneAfterAnotherAndSideBySide) {
    constexpr int kTokens = 64, kBatch = 8;
    for (int batch_tokens : {0, 4096}) {
        qt::RandomLlamaSpec spec;
        spec.seed = 29;
        qt::test::TinyCpuModel tiny("memory_plan", spec);
        std::mt19937 rng(3);
        std::uniform_int_distribution<int32_t> token(0, spec.vocab_size - 1);
        std::vector<qt::Example> examples(kBatch);
        for (auto& ex : examples) {
            for (int t = 0; t < kTokens; ++t) ex.tokens.push_back(token(rng));
            ex.loss_mask.assign(ex.tokens.size(), 0);
            for (int t = kTokens / 2; t < kTokens; ++t) ex.loss_mask[static_cast<size_t>(t)] = 1;
        }
        std::vector<const qt::Example*> batch;
        for (const auto& ex : examples) batch.push_back(&ex);
        const int64_t before = tiny.backend->ledger().snapshot().live[static_cast<int>(qt::MemoryCategory::Activations)];
        qt::BatchLoss loss(*tiny.model, kTokens, batch_tokens);
        loss.evaluate(batch);
        const int64_t used =
            tiny.backend->ledger().snapshot().peak[static_cast<int>(qt::MemoryCategory::Activations)] - before;
        qt::MemoryPlanShape shape;
        shape.max_tokens = kTokens;
        shape.batch_size = kBatch;
        shape.batch_tokens = batch_tokens;
        const auto plans = qt::plan_training_memory(*tiny.file, shape);
        const int64_t planned = plans[0].bytes[static_cast<int>(qt::MemoryCategory::Activations)];
        std::printf("[ plan     ] batch_tokens %d: activations planned %lld, ledger %lld bytes\n", batch_tokens,
                    static_cast<long long>(planned), static_cast<long long>(used));
        EXPECT_LE(used, planned) << "batch_tokens " << batch_tokens;
        EXPECT_GE(static_cast<double>(used), 0.75 * static_cast<double>(planned)) << "batch_tokens " << batch_tokens;
    }
}

// QLoRA and float32 AdamW: the plan's trainable parameters, gradients and
// optimizer states against the ledger after a training step and an evaluation
// on the tiny model, and its activations against their peak.
TEST(TrainingMemoryPlan, FirstOrderPlansMatchTheLedgerOfATrainingStep) {
    constexpr int kTokens = 48;
    for (const char* method : {"qlora", "adamw"}) {
        qt::RandomLlamaSpec spec;
        spec.seed = 31;
        spec.vocab_size = 900;  // the head's logits weigh as on a real model
        qt::test::TinyCpuModel tiny("memory_plan_fo", spec);
        qt::MemoryPlanShape shape;
        shape.max_tokens = kTokens;
        shape.batch_size = 2;
        shape.lora_rank = 8;
        shape.lora_targets = "q,v,down";
        qt::TrainingMemoryPlan plan;
        for (const auto& p : qt::plan_training_memory(*tiny.file, shape))
            if (p.method == method) plan = p;
        ASSERT_EQ(plan.method, method);

        const auto at = [](const qt::MemorySnapshot& m, qt::MemoryCategory c) { return m.peak[static_cast<int>(c)]; };
        const qt::MemorySnapshot before = tiny.backend->ledger().snapshot();
        qt::TrainConfig c;
        c.method = method;
        c.lora_rank = shape.lora_rank;
        c.lora_targets = shape.lora_targets;
        c.batch_size = 2;
        c.steps = 1;
        c.lr = 1e-4;
        c.eval_examples = 1;
        auto fo = qt::training_method(method).make_first_order(c, *tiny.model);
        tiny.model->set_training_hooks(fo.get());
        qt::TrainData data;
        std::mt19937 rng(5);
        for (int e = 0; e < 2; ++e) {
            qt::Example ex;
            for (int t = 0; t < kTokens; ++t) ex.tokens.push_back(static_cast<int32_t>(rng() % spec.vocab_size));
            ex.loss_mask.assign(kTokens, 1);
            data.train.push_back(ex);
        }
        const int64_t act0 = tiny.backend->ledger().snapshot().live[static_cast<int>(qt::MemoryCategory::Activations)];
        {
            qt::FoTrainer trainer(*tiny.model, *fo, c, data);
            tiny.backend->ledger().reset_peaks();
            trainer.step();
            trainer.evaluate();
            const qt::MemorySnapshot after = tiny.backend->ledger().snapshot();
            for (qt::MemoryCategory k : {qt::MemoryCategory::TrainableParameters, qt::MemoryCategory::Gradients,
                                         qt::MemoryCategory::OptimizerStates}) {
                const int64_t planned = plan.bytes[static_cast<int>(k)];
                const int64_t used = at(after, k) - (k == qt::MemoryCategory::Gradients ? 0 : at(before, k));
                std::printf("[ plan     ] %s %s: planned %lld, ledger %lld bytes\n", method,
                            std::string(qt::memory_category_name(k)).c_str(), static_cast<long long>(planned),
                            static_cast<long long>(used));
                EXPECT_EQ(used, planned) << method << " " << qt::memory_category_name(k);
            }
            const int64_t planned = plan.bytes[static_cast<int>(qt::MemoryCategory::Activations)];
            const int64_t used = at(after, qt::MemoryCategory::Activations) - act0;
            std::printf("[ plan     ] %s activations: planned %lld, ledger %lld bytes\n", method,
                        static_cast<long long>(planned), static_cast<long long>(used));
            EXPECT_LE(used, planned) << method;
            EXPECT_GE(static_cast<double>(used), 0.9 * static_cast<double>(planned)) << method;
        }
        tiny.model->set_training_hooks(nullptr);
    }
}
