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
