// The divergence guard through the training session on a tiny random model: its
// judgement, a state corrupted with NaN between steps rolled back to the last copy
// that passed (bit for bit) with a lower learning rate, a run that keeps diverging
// stopped with a message, in-run checkpoints that hold only states that passed, a
// resumed run that goes through a rollback exactly as the uninterrupted one, and no
// NaN in any file written.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "test_support.h"
#include "train/checkpoint.h"
#include "train/divergence_guard.h"
#include "train/metrics_log.h"
#include "train/training_session.h"

namespace {

struct Files {
    std::string model, data;
};

const Files& tiny_files() {
    static const Files f = [] {
        const std::string dir = qt::test::make_temp_dir("guard");
        Files out{dir + "/tiny.gguf", dir + "/data.jsonl"};
        qt::RandomLlamaSpec spec;
        spec.seed = 11;
        qt::write_random_llama_gguf(out.model, spec);
        std::ofstream d(out.data);
        for (int i = 0; i < 24; ++i)
            d << "{\"prompt\": \"item " << i << " is\", \"completion\": \"" << (i % 3 == 0 ? "red" : "blue") << "\"}\n";
        return out;
    }();
    return f;
}

qt::TrainConfig config(const std::string& method, const std::string& out_dir = "") {
    qt::TrainConfig c;
    c.method = method;
    c.model = tiny_files().model;
    c.data = tiny_files().data;
    c.out_dir = out_dir;
    c.steps = 12;
    c.batch_size = 3;
    c.lr = method == "qlora" ? 5e-3 : 1e-6;
    c.lora_rank = 4;
    c.seed = 21;
    c.threads = 1;
    c.guard_snapshot_every = 4;
    return c;
}

std::vector<float> values(qt::TrainableState& s) {
    std::vector<float> v(static_cast<size_t>(s.size()));
    s.read(0, s.size(), v.data());
    return v;
}

// Makes the model compute NaN from the next step on: every 97th trained value
// becomes NaN (one alone may sit in an embedding row no batch reads).
void corrupt(qt::TrainingSession& s) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (int64_t i = 0; i < s.params().size(); i += 97) s.params().write(i, 1, &nan);
}

bool all_finite(const std::vector<float>& v) {
    for (float x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

qt::StepRecord record_with_loss(double loss) {
    qt::StepRecord r;
    r.loss = loss;
    r.result.loss_plus = r.result.loss_minus = loss;
    return r;
}

}  // namespace

TEST(DivergenceGuard, JudgesNonFiniteLossesGradientsAndSpikesAfterTheWarmup) {
    qt::GuardSettings s;
    s.spike_factor = 3.0;
    s.warmup = 2;
    qt::TrainerState st;
    EXPECT_TRUE(qt::judge_step(record_with_loss(std::nan("")), st, s).reject);
    EXPECT_TRUE(qt::judge_step(record_with_loss(INFINITY), st, s).reject);
    qt::StepRecord fo = record_with_loss(2.0);
    fo.first_order = true;
    fo.grad_norm = std::nan("");
    EXPECT_NE(qt::judge_step(fo, st, s).reason.find("gradient is not finite"), std::string::npos);
    // Warm-up: nothing to compare with yet.
    EXPECT_FALSE(qt::judge_step(record_with_loss(100.0), st, s).reject);
    qt::accept_loss(st, 2.0, s);
    EXPECT_FALSE(qt::judge_step(record_with_loss(100.0), st, s).reject) << "one loss seen, warm-up is 2";
    qt::accept_loss(st, 2.0, s);
    EXPECT_DOUBLE_EQ(st.loss_floor, 2.0);
    EXPECT_FALSE(qt::judge_step(record_with_loss(5.9), st, s).reject);
    const qt::GuardVerdict v = qt::judge_step(record_with_loss(6.1), st, s);
    EXPECT_TRUE(v.reject);
    EXPECT_NE(v.reason.find("loss spike"), std::string::npos) << v.reason;
    // A loss creeping up drags the average up, not the floor: 10% a step is caught
    // within a dozen steps, where a reference that follows it would never trip.
    int64_t caught = -1;
    double loss = 2.0;
    for (int i = 0; i < 40 && caught < 0; ++i) {
        loss *= 1.1;
        if (qt::judge_step(record_with_loss(loss), st, s).reject) caught = i;
        else qt::accept_loss(st, loss, s);
    }
    EXPECT_GT(caught, 5);
    EXPECT_LT(caught, 15);
}

TEST(DivergenceGuard, CatchesALossThatDriftsUpTooSlowlyForTheSpikeTest) {
    qt::GuardSettings s;  // the defaults: spike 3x, drift 1.5x, window 20
    qt::TrainerState st;
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0.0, 0.3);
    // 60 steps of a healthy noisy loss around 2.5: nothing rejected.
    for (int i = 0; i < 60; ++i) {
        const double loss = 2.5 + noise(rng);
        ASSERT_FALSE(qt::judge_step(record_with_loss(loss), st, s).reject) << "step " << i << " loss " << loss;
        qt::accept_loss(st, loss, s);
    }
    // Then +3% a step: the spike test alone would wait for 7.5 (~38 steps).
    double loss = 2.5;
    int caught = -1;
    std::string reason;
    for (int i = 0; i < 60 && caught < 0; ++i) {
        loss *= 1.03;
        const qt::GuardVerdict v = qt::judge_step(record_with_loss(loss + noise(rng)), st, s);
        if (v.reject) {
            caught = i;
            reason = v.reason;
        } else {
            qt::accept_loss(st, loss, s);
        }
    }
    EXPECT_GT(caught, 10);
    EXPECT_LT(caught, 30);
    EXPECT_NE(reason.find("loss drifting up"), std::string::npos) << reason;
}

TEST(DivergenceGuard, NanStateRollsBackToTheLastCopyThatPassedBitForBit) {
    for (const std::string method : {"qzo", "qlora"}) {
        SCOPED_TRACE(method);
        auto backend = qt::make_cpu_backend(1);
        qt::TrainingSession s(config(method), *backend);
        for (int i = 0; i < 6; ++i) ASSERT_FALSE(s.step().rollback);  // copies taken before steps 0 and 4
        const int64_t copies = backend->ledger().snapshot().live[static_cast<int>(qt::MemoryCategory::RollbackCopies)];
        EXPECT_EQ(copies, 2 * 4 * s.params().size() * (method == "qzo" ? 1 : 3))
            << "two float32 copies of the checkpoint state (QLoRA: adapters and AdamW's two moments)";
        // The state before step 4 passed with step 4: it is what a rollback returns to.
        corrupt(s);
        const qt::SessionStep bad = s.step();
        ASSERT_TRUE(bad.rollback);
        EXPECT_EQ(bad.rollback->step, 6);
        EXPECT_EQ(bad.rollback->to_step, 4);
        EXPECT_NE(bad.rollback->reason.find("not finite"), std::string::npos) << bad.rollback->reason;
        EXPECT_DOUBLE_EQ(s.trainer().state().lr_scale, 0.25);
        EXPECT_EQ(s.trainer().state().next_step, 7) << "the step counter goes on: the data moves past the bad step";
        const std::vector<float> restored = values(s.params());
        EXPECT_TRUE(all_finite(restored));
        // The same state as a fresh run after 4 steps.
        auto backend2 = qt::make_cpu_backend(1);
        qt::TrainingSession ref(config(method), *backend2);
        for (int i = 0; i < 4; ++i) ref.step();
        EXPECT_EQ(restored, values(ref.params()));
        // Training goes on at the lower rate and passes.
        const qt::SessionStep next = s.step();
        EXPECT_FALSE(next.rollback);
        EXPECT_DOUBLE_EQ(next.record.lr, 0.25 * config(method).lr);
        EXPECT_EQ(s.trainer().state().rollbacks, 1);
    }
}

TEST(DivergenceGuard, StopsWithAMessageAfterTooManyRollbacksInARowAndSavesNoNan) {
    qt::test::TempDir dir("guard-stop");
    qt::TrainConfig c = config("qzo", dir.path);
    c.checkpoint_every = 2;
    c.guard_max_rollbacks = 3;
    auto backend = qt::make_cpu_backend(1);
    qt::TrainingSession s(c, *backend);
    for (int i = 0; i < 3; ++i) s.step();  // the state before step 2 passed with step 2: written
    const std::string ckpt = dir.path + "/checkpoint.qtck";
    ASSERT_TRUE(std::filesystem::exists(ckpt));
    EXPECT_EQ(qt::read_checkpoint_info(ckpt).state.next_step, 2);
    std::string message;
    int rollbacks = 0;
    try {
        for (int i = 0; i < 10; ++i) {
            corrupt(s);
            if (s.step().rollback) ++rollbacks;
        }
    } catch (const qt::TrainingDiverged& e) {
        message = e.what();
    }
    EXPECT_EQ(rollbacks, 3);
    EXPECT_NE(message.find("4 rollbacks in a row"), std::string::npos) << message;
    EXPECT_NE(message.find("Lower the learning rate"), std::string::npos) << message;
    EXPECT_TRUE(all_finite(values(s.params()))) << "the session holds the last state that passed";
    // Nothing with a NaN reaches a file: a checkpoint or export of a NaN state is refused, the old file stays.
    const std::vector<uint8_t> before = qt::test::read_bytes(ckpt);
    corrupt(s);
    try {
        s.save_checkpoint(ckpt);
        ADD_FAILURE() << "a NaN state was saved";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("is not finite"), std::string::npos) << e.what();
    }
    EXPECT_EQ(qt::test::read_bytes(ckpt), before);
    try {
        s.export_gguf(dir.path + "/model.gguf");
        ADD_FAILURE() << "a NaN state was exported";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("not exported"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(dir.path + "/model.gguf"));
}

// Checkpoints every 3 steps; the state is corrupted before step 7. A run resumed
// from the checkpoint written after step 6 rolls back at step 7 to the same state,
// with the same learning rate, and ends bit for bit where the uninterrupted run ends.
TEST(DivergenceGuard, AResumedRunRollsBackExactlyAsTheUninterruptedOne) {
    for (const std::string method : {"qzo", "mezo", "qlora"}) {
        SCOPED_TRACE(method);
        qt::test::TempDir dir("guard-resume");
        qt::TrainConfig c = config(method, dir.path);
        c.checkpoint_every = 3;
        auto drive = [&](qt::TrainingSession& s, int64_t stop, std::vector<double>& losses) {
            while (!s.trainer().finished() && s.trainer().state().next_step < stop) {
                if (s.trainer().state().next_step == 7) corrupt(s);
                const qt::SessionStep st = s.step();
                losses.push_back(st.record.loss);
                if (st.record.step == 7) EXPECT_TRUE(st.rollback);
            }
        };
        std::vector<double> a_losses, b_losses;
        std::vector<float> a_final;
        {
            auto backend = qt::make_cpu_backend(1);
            qt::TrainingSession a(c, *backend);
            drive(a, c.steps, a_losses);
            a_final = values(a.params());
            EXPECT_EQ(a.trainer().state().rollbacks, 1);
        }
        std::filesystem::remove(dir.path + "/checkpoint.qtck");
        {
            auto backend = qt::make_cpu_backend(1);
            qt::TrainingSession b(c, *backend);
            drive(b, 7, b_losses);  // "killed" before step 7; the checkpoint holds the state before step 6
        }
        const qt::CheckpointInfo info = qt::read_checkpoint_info(dir.path + "/checkpoint.qtck");
        ASSERT_EQ(info.state.next_step, 6);
        b_losses.resize(6);
        auto backend = qt::make_cpu_backend(1);
        qt::TrainingSession b(c, *backend);
        b.resume(dir.path + "/checkpoint.qtck");
        drive(b, c.steps, b_losses);
        EXPECT_EQ(b_losses.size(), a_losses.size());
        for (size_t i = 0; i < a_losses.size() && i < b_losses.size(); ++i)
            if (std::isfinite(a_losses[i]) || std::isfinite(b_losses[i])) EXPECT_EQ(a_losses[i], b_losses[i]) << "step " << i;
        EXPECT_EQ(values(b.params()), a_final);
        EXPECT_EQ(b.trainer().state().lr_scale, 0.25);
    }
}

TEST(DivergenceGuard, WithoutTheGuardANonFiniteLossStopsTheRun) {
    qt::test::TempDir dir("guard-off");
    qt::TrainConfig c = config("qzo", dir.path);
    c.guard = false;
    c.checkpoint_every = 2;
    auto backend = qt::make_cpu_backend(1);
    qt::TrainingSession s(c, *backend);
    for (int i = 0; i < 3; ++i) s.step();
    // Checkpoints are written from the state itself: no copy of it is ever made.
    EXPECT_EQ(qt::read_checkpoint_info(dir.path + "/checkpoint.qtck").state.next_step, 2);
    EXPECT_EQ(backend->ledger().snapshot().peak[static_cast<int>(qt::MemoryCategory::RollbackCopies)], 0);
    corrupt(s);
    try {
        s.step();
        ADD_FAILURE() << "trained on a NaN loss";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("not finite"), std::string::npos) << e.what();
    }
}

// Found by tests/fuzz/fuzz_train_config: a line whose "type" is not a string made
// j.value("type", "") throw json::type_error out of the trim.
TEST(MetricsLogTrim, KeepsALineWhoseTypeIsNotAString) {
    qt::test::TempDir dir("trim-type");
    const std::string path = dir.path + "/metrics.jsonl";
    std::ofstream(path) << R"({"type": 7, "step": 0})" << "\n" << R"({"type": null, "step": 5})" << "\n";
    qt::trim_metrics_log(path, 4);
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(all, "{\"type\": 7, \"step\": 0}\n");
}

TEST(MetricsLogTrim, KeepsTheStepsBeforeTheCheckpointAndDropsACutLine) {
    qt::test::TempDir dir("trim");
    const std::string path = dir.path + "/metrics.jsonl";
    {
        std::ofstream f(path);
        f << R"({"type":"eval","step":0,"val_loss":3})" << "\n";
        for (int s = 0; s < 6; ++s) f << R"({"type":"step","step":)" << s << R"(,"loss":2})" << "\n";
        f << R"({"type":"eval","step":4,"val_loss":2.5})" << "\n";
        f << R"({"type":"rollback","step":5,"to_step":4})" << "\n";
        f << R"({"type":"eval","step":6,"val_loss":2.4})" << "\n";
        f << R"({"type":"step","step":6,"lo)";  // killed mid-line
    }
    qt::trim_metrics_log(path, 4);
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_NE(lines.front().find("\"eval\""), std::string::npos);
    EXPECT_NE(lines[4].find("\"step\":3"), std::string::npos);
    EXPECT_NE(lines[5].find("\"eval\",\"step\":4"), std::string::npos) << "the evaluation after 4 steps belongs to the checkpoint";
}
