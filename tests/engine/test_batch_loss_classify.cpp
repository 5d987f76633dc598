// BatchLoss::classify runs the prompt once and continues every candidate from
// the cached keys and values; it must pick what scoring each full sequence from
// scratch (continuation_logprob) picks, multi-token candidates included.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "tiny_model_support.h"
#include "train/batch_loss.h"

TEST(BatchLossClassify, PromptOnceAgreesWithScoringEachSequence) {
    qt::RandomLlamaSpec spec;
    spec.seed = 11;
    qt::test::TinyCpuModel tiny("classify", spec);
    qt::BatchLoss loss(*tiny.model, 64);

    std::mt19937 rng(5);
    std::uniform_int_distribution<int32_t> token(0, spec.vocab_size - 1);
    int picked_second = 0;
    for (int trial = 0; trial < 40; ++trial) {
        qt::Example ex;
        const int np = 3 + trial % 20;
        for (int i = 0; i < np; ++i) ex.tokens.push_back(token(rng));
        ex.prompt_length = static_cast<size_t>(np);
        ex.loss_mask.assign(ex.tokens.size(), 0);
        // Candidates of 1, 3 and 2 tokens; two share their first token.
        const int32_t shared = token(rng);
        ex.label_candidates = {{token(rng)}, {shared, token(rng), token(rng)}, {shared, token(rng)}};
        const std::span<const int32_t> prompt(ex.tokens.data(), ex.prompt_length);
        int expected = 0;
        double best = -INFINITY;
        for (size_t c = 0; c < ex.label_candidates.size(); ++c) {
            const double lp = loss.continuation_logprob(prompt, ex.label_candidates[c]);
            if (lp > best) {
                best = lp;
                expected = static_cast<int>(c);
            }
        }
        EXPECT_EQ(loss.classify(ex), expected) << "trial " << trial;
        picked_second += expected != 0;
    }
    // The comparison means something only if the answer varies across trials.
    EXPECT_GT(picked_second, 0);
    EXPECT_LT(picked_second, 40);
}

TEST(BatchLossClassify, RejectsAPromptAndLabelLongerThanTheCache) {
    qt::test::TinyCpuModel tiny("classify_long");
    qt::BatchLoss loss(*tiny.model, 8);
    qt::Example ex;
    ex.tokens = {1, 2, 3, 4, 5, 6, 7};
    ex.prompt_length = 7;
    ex.label_candidates = {{9, 10}};
    EXPECT_THROW(loss.classify(ex), std::length_error);
}
