// BatchLoss::evaluate with sequences side by side (right-padded to one length,
// run through LlamaModel::forward_nll_batch in groups that fit batch_tokens)
// must give the loss of running them one after another: padding after a
// sequence is invisible to it under causal attention, and only masked positions
// count. On the CPU both ways compute each row alike, so they agree to rounding
// of the sums.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tiny_model_support.h"
#include "train/batch_loss.h"

TEST(BatchLossSideBySide, EqualsOneAfterAnotherForMixedLengthsAndMasks) {
    qt::RandomLlamaSpec spec;
    spec.seed = 17;
    qt::test::TinyCpuModel tiny("side_by_side", spec);
    std::mt19937 rng(23);
    std::uniform_int_distribution<int32_t> token(0, spec.vocab_size - 1);
    std::vector<qt::Example> examples;
    for (int i = 0; i < 7; ++i) {
        qt::Example ex;
        const int n = 5 + 9 * i % 41;  // 5 .. 45 tokens, mixed
        for (int t = 0; t < n; ++t) ex.tokens.push_back(token(rng));
        ex.loss_mask.assign(ex.tokens.size(), 0);
        for (int t = n / 2; t < n; ++t) ex.loss_mask[static_cast<size_t>(t)] = (t % 3 != 1);
        examples.push_back(ex);
    }
    qt::Example no_target;  // contributes nothing either way
    no_target.tokens = {1, 2, 3};
    no_target.loss_mask = {1, 0, 0};
    examples.insert(examples.begin() + 3, no_target);
    std::vector<const qt::Example*> batch;
    for (const auto& ex : examples) batch.push_back(&ex);

    qt::BatchLoss apart(*tiny.model, 64, 0);
    const qt::TokenLoss ref = apart.evaluate(batch);
    ASSERT_GT(ref.count, 0);
    // 96 tokens per forward: groups of one to three sequences, padded to 32 or 64.
    for (int batch_tokens : {96, 4096}) {
        qt::BatchLoss together(*tiny.model, 64, batch_tokens);
        const qt::TokenLoss got = together.evaluate(batch);
        EXPECT_EQ(got.count, ref.count) << batch_tokens;
        EXPECT_NEAR(got.sum_nll, ref.sum_nll, 1e-9 * ref.sum_nll) << batch_tokens;
        EXPECT_EQ(together.tokens_processed(), apart.tokens_processed()) << "padding is not counted";
    }
}

TEST(BatchLossSideBySide, RejectsAnExampleLongerThanTheMaximumNamingIt) {
    qt::RandomLlamaSpec spec;
    spec.seed = 19;
    qt::test::TinyCpuModel tiny("side_by_side_long", spec);
    qt::Example ok, too_long;
    ok.tokens = {1, 2, 3, 4};
    ok.loss_mask = {0, 0, 1, 1};
    too_long.tokens.assign(70, 5);
    too_long.loss_mask.assign(70, 1);
    const std::vector<const qt::Example*> batch{&ok, &too_long};
    qt::BatchLoss loss(*tiny.model, 64, 4096);
    try {
        loss.evaluate(batch);
        FAIL() << "no error";
    } catch (const std::length_error& e) {
        EXPECT_NE(std::string(e.what()).find("70 tokens exceeds the maximum length 64"), std::string::npos) << e.what();
    }
}
