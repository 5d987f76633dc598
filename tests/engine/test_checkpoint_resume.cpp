// Same seed, same trajectory; a run stopped, checkpointed and resumed follows the
// uninterrupted run's loss curve bit for bit (QZO and MeZO, on the CPU).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "methods/mezo_weights.h"
#include "methods/qzo_scales.h"
#include "test_support.h"
#include "train/checkpoint.h"
#include "train/training_session.h"
#include "train/zo_trainer.h"

namespace {

std::string tiny_model() {
    static const std::string path = [] {
        const std::string p = qt::test::make_temp_dir("zo-resume") + "/tiny.gguf";
        qt::RandomLlamaSpec spec;
        spec.seed = 5;
        qt::write_random_llama_gguf(p, spec);
        return p;
    }();
    return path;
}

qt::TrainData tiny_data(int vocab) {
    qt::TrainData d;
    for (int e = 0; e < 10; ++e) {
        qt::Example ex;
        const int n = 8 + e % 5;
        for (int t = 0; t < n; ++t) {
            ex.tokens.push_back(static_cast<int32_t>((13 * t + 29 * e + 3) % vocab));
            ex.loss_mask.push_back(t >= 3);
        }
        ex.prompt_length = 3;
        (e < 8 ? d.train : d.validation).push_back(ex);
    }
    return d;
}

struct RunLog {
    std::vector<double> losses;  // l+, l- of every step
    std::vector<double> val_losses;
    std::vector<float> final_params;
};

struct Harness {
    std::unique_ptr<qt::Backend> backend = qt::make_cpu_backend(1);
    std::shared_ptr<const qt::GgufFile> file;
    std::unique_ptr<qt::LlamaModel> model;
    std::unique_ptr<qt::ZoParameters> params;
    qt::TrainData data;
    std::unique_ptr<qt::ZoTrainer> trainer;

    explicit Harness(const qt::TrainConfig& c) {
        file = std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(c.model));
        qt::LlamaLoadOptions o;
        o.writable_weights = true;
        model = qt::LlamaModel::load(file, *backend, o);
        params = qt::make_zo_parameters(c, *model);
        data = tiny_data(model->config().vocab_size);
        trainer = std::make_unique<qt::ZoTrainer>(*model, *params, c, data);
    }
    void run_until(int64_t stop, RunLog& r) {
        while (!trainer->finished() && trainer->state().next_step < stop) {
            const auto s = trainer->step();
            r.losses.push_back(s.result.loss_plus);
            r.losses.push_back(s.result.loss_minus);
            if (trainer->evaluation_due()) r.val_losses.push_back(trainer->evaluate().val_loss);
        }
    }
    std::vector<float> values() {
        std::vector<float> v(static_cast<size_t>(params->size()));
        params->read(0, params->size(), v.data());
        return v;
    }
};

qt::TrainConfig config(const std::string& method) {
    qt::TrainConfig c;
    c.method = method;
    c.model = tiny_model();
    c.steps = 12;
    c.batch_size = 3;
    c.lr = method == "qzo" ? 2e-4 : 1e-4;
    c.eps = 1e-3;
    c.clip = 50;
    c.seed = 77;
    c.schedule = "cosine";
    c.warmup_steps = 2;
    c.eval_every = 4;
    return c;
}

RunLog uninterrupted(const qt::TrainConfig& c) {
    Harness h(c);
    RunLog r;
    h.run_until(c.steps, r);
    r.final_params = h.values();
    return r;
}

class Resume : public ::testing::TestWithParam<std::string> {};

TEST_P(Resume, SameSeedGivesTheSameTrajectoryAndResumeEqualsUninterrupted) {
    const qt::TrainConfig c = config(GetParam());
    const RunLog a = uninterrupted(c);
    const RunLog b = uninterrupted(c);
    ASSERT_EQ(a.losses.size(), 24u);
    EXPECT_EQ(a.losses, b.losses);  // exact: same seed, same trajectory
    EXPECT_EQ(a.val_losses, b.val_losses);
    EXPECT_EQ(a.final_params, b.final_params);

    // Training changed something, and another seed changes the trajectory.
    Harness fresh(c);
    EXPECT_NE(fresh.values(), a.final_params);
    qt::TrainConfig other = c;
    other.seed = 78;
    EXPECT_NE(uninterrupted(other).losses, a.losses);

    // Stop after 5 steps, checkpoint, resume in a fresh process-like harness.
    const std::string ckpt = qt::test::make_temp_dir("zo-ckpt") + "/run.qtck";
    RunLog resumed;
    {
        Harness first(c);
        first.run_until(5, resumed);
        qt::CheckpointInfo info;
        info.method = first.params->method_name();
        info.state = first.trainer->state();
        info.config = c;
        info.parameter_count = first.params->size();
        qt::write_checkpoint(ckpt, info, *first.params);
    }
    {
        Harness second(c);
        const qt::CheckpointInfo info = qt::load_checkpoint(ckpt, *second.params);
        EXPECT_EQ(info.state.next_step, 5);
        second.trainer->set_state(info.state);
        second.run_until(c.steps, resumed);
        resumed.final_params = second.values();
    }
    EXPECT_EQ(resumed.losses, a.losses);  // bit for bit
    EXPECT_EQ(resumed.val_losses, a.val_losses);
    EXPECT_EQ(resumed.final_params, a.final_params);
}

INSTANTIATE_TEST_SUITE_P(Methods, Resume, ::testing::Values("qzo", "mezo"));

TEST(Checkpoint, RejectsCorruptionAnotherMethodAndAnotherSize) {
    const qt::TrainConfig c = config("qzo");
    Harness h(c);
    const std::string dir = qt::test::make_temp_dir("zo-ckpt-bad");
    const std::string ckpt = dir + "/a.qtck";
    qt::CheckpointInfo info;
    info.method = "qzo";
    info.state = h.trainer->state();
    info.config = c;
    info.parameter_count = h.params->size();
    qt::write_checkpoint(ckpt, info, *h.params);
    // No temporary file is left behind by the atomic write.
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
    EXPECT_EQ(files, 1);
    // Flip one byte of the parameters: the checksum catches it.
    {
        std::fstream f(ckpt, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(-20, std::ios::end);
        char ch;
        f.read(&ch, 1);
        ch ^= 1;
        f.seekp(-20, std::ios::end);
        f.write(&ch, 1);
    }
    EXPECT_THROW(qt::load_checkpoint(ckpt, *h.params), std::runtime_error);
    qt::write_checkpoint(ckpt, info, *h.params);
    qt::TrainConfig mc = config("mezo");
    Harness m(mc);
    try {
        qt::load_checkpoint(ckpt, *m.params);
        FAIL() << "a QZO checkpoint loaded into MeZO";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("method"), std::string::npos) << e.what();
    }
}

TEST(TrainConfigJson, RoundTripsAndNamesUnknownKeys) {
    qt::TrainConfig c = config("mezo");
    c.train_min = true;
    const nlohmann::json j = c;
    qt::TrainConfig back;
    qt::from_json(j, back);
    EXPECT_EQ(nlohmann::json(back), j);
    nlohmann::json bad = j;
    bad["learning_rate"] = 0.1;
    try {
        qt::from_json(bad, back);
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("learning_rate"), std::string::npos);
    }
    nlohmann::json wrong = j;
    wrong["steps"] = "many";
    EXPECT_THROW(qt::from_json(wrong, back), std::invalid_argument);
}

// Found by tests/fuzz/fuzz_train_config: an integer too large for its field was
// wrapped without a word (batch_size 4294967297 became 1, steps 2^64-1 became -1).
TEST(TrainConfigJson, RefusesIntegersTooLargeForTheirField) {
    qt::TrainConfig c;
    try {
        qt::from_json(nlohmann::json::parse(R"({"batch_size": 4294967297})"), c);
        FAIL() << "batch_size became " << c.batch_size;
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(), "training config key \"batch_size\" is out of range (4294967297)");
    }
    EXPECT_THROW(qt::from_json(nlohmann::json::parse(R"({"steps": 18446744073709551615})"), c), std::invalid_argument);
    EXPECT_THROW(qt::from_json(nlohmann::json::parse(R"({"threads": -2147483649})"), c), std::invalid_argument);
    qt::from_json(nlohmann::json::parse(R"({"seed": 18446744073709551615, "steps": 9223372036854775807})"), c);
    EXPECT_EQ(c.seed, 18446744073709551615u);
    EXPECT_EQ(c.steps, 9223372036854775807);
}

TEST(LrSchedule, WarmsUpThenDecaysAsAsked) {
    qt::LrSchedule s;
    s.base_lr = 1.0;
    s.warmup_steps = 4;
    s.total_steps = 14;
    EXPECT_DOUBLE_EQ(s.at(0), 0.25);
    EXPECT_DOUBLE_EQ(s.at(3), 1.0);
    EXPECT_DOUBLE_EQ(s.at(10), 1.0);
    s.kind = qt::LrScheduleKind::Linear;
    EXPECT_DOUBLE_EQ(s.at(9), 0.5);
    EXPECT_DOUBLE_EQ(s.at(14), 0.0);
    s.kind = qt::LrScheduleKind::Cosine;
    s.min_lr_ratio = 0.1;
    EXPECT_NEAR(s.at(9), 0.55, 1e-12);
    EXPECT_NEAR(s.at(14), 0.1, 1e-12);
}

}  // namespace
