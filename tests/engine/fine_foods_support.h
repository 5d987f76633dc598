#pragma once
// What the fine-food training tests share: the default model and the reviews
// asked as "positive or negative" (scripts/data/fine_foods_to_jsonl.py), and the
// settings every method runs them with.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "test_support.h"
#include "train/train_config.h"
#include "train/training_session.h"

namespace qt::test {

// The config of a run of `method` on the two files (empty model or data: missing),
// batch 4, seed 42, a tenth held out, two threads.
inline TrainConfig fine_foods_config(const std::string& method, int64_t steps, int64_t eval_examples) {
    TrainConfig c;
    c.method = method;
    c.model = default_model_path();
    c.data = default_data_path("fine_foods_train_posneg.jsonl");
    c.steps = steps;
    c.batch_size = 4;
    c.seed = 42;
    c.eval_examples = eval_examples;
    c.validation_fraction = 0.1;
    c.threads = 2;
    return c;
}

struct FineFoodsRun {
    EvalRecord before, after;
    double seconds = 0;
};

// Evaluates the zero-shot model, runs every step of the session's trainer (each
// record to on_step), evaluates again, and prints the validation line.
template <class OnStep>
FineFoodsRun train_fine_foods(TrainingSession& session, int64_t eval_examples, OnStep&& on_step) {
    Trainer& trainer = session.trainer();
    const auto t0 = std::chrono::steady_clock::now();
    FineFoodsRun run;
    run.before = trainer.evaluate();
    while (!trainer.finished()) on_step(trainer.step());
    run.after = trainer.evaluate();
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (run.before.accuracy && run.after.accuracy)
        std::printf("[ fine foods ] %lld validation examples: loss %.4f -> %.4f, accuracy %.3f -> %.3f\n",
                    static_cast<long long>(eval_examples), run.before.val_loss, run.after.val_loss,
                    *run.before.accuracy, *run.after.accuracy);
    return run;
}

}  // namespace qt::test

// Skips (printing why) or fails, as oracles_required() says, when the config's model or data is missing.
#define QT_REQUIRE_FINE_FOODS(config)                                                                        \
    if ((config).model.empty() || (config).data.empty()) {                                                   \
        if (::qt::test::oracles_required()) FAIL() << "default model or fine-food data missing; run scripts/setup.sh"; \
        GTEST_SKIP() << "default model or fine-food data missing (run scripts/setup.sh); skipping";        \
    }
