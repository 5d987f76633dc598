// QLoRA and float32 AdamW through the training session on a tiny random model:
// the same seed gives the same trajectory, and a run stopped, checkpointed (the
// adapters or weights and AdamW's moments) and resumed in a fresh session follows
// the uninterrupted run's losses bit for bit.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "backend/cpu_backend.h"
#include "gguf/random_llama_gguf.h"
#include "test_support.h"
#include "train/training_session.h"

namespace {

struct Files {
    std::string model, data;
};

const Files& tiny_files() {
    static const Files f = [] {
        const std::string dir = qt::test::make_temp_dir("fo-resume");
        Files out{dir + "/tiny.gguf", dir + "/data.jsonl"};
        qt::RandomLlamaSpec spec;
        spec.seed = 8;
        qt::write_random_llama_gguf(out.model, spec);
        std::ofstream d(out.data);
        for (int i = 0; i < 24; ++i)
            d << "{\"prompt\": \"item " << i << " is\", \"completion\": \"" << (i % 3 == 0 ? "red" : "blue")
              << "\"}\n";
        return out;
    }();
    return f;
}

qt::TrainConfig config(const std::string& method) {
    qt::TrainConfig c;
    c.method = method;
    c.model = tiny_files().model;
    c.data = tiny_files().data;
    c.steps = 8;
    c.batch_size = 3;
    c.lr = method == "qlora" ? 5e-3 : 1e-3;
    c.lora_rank = 4;
    c.seed = 13;
    c.schedule = "cosine";
    c.eval_every = 4;
    c.eval_examples = 4;
    c.threads = 1;
    return c;
}

struct RunLog {
    std::vector<double> losses, grad_norms, val_losses;
    std::vector<float> final_values;
};

void run_until(qt::TrainingSession& s, int64_t stop, RunLog& r) {
    qt::Trainer& t = s.trainer();
    while (!t.finished() && t.state().next_step < stop) {
        const qt::StepRecord rec = t.step();
        r.losses.push_back(rec.loss);
        r.grad_norms.push_back(rec.grad_norm);
        if (t.evaluation_due()) r.val_losses.push_back(t.evaluate().val_loss);
    }
}

std::vector<float> values(qt::TrainingSession& s) {
    std::vector<float> v(static_cast<size_t>(s.params().size()));
    s.params().read(0, s.params().size(), v.data());
    return v;
}

class FirstOrderResume : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(FirstOrderResume, ResumedRunEqualsTheUninterruptedOneBitForBit) {
    const qt::TrainConfig c = config(GetParam());
    auto backend = qt::make_cpu_backend(1);
    RunLog a;
    {
        qt::TrainingSession s(c, *backend);
        const std::vector<float> initial = values(s);
        run_until(s, c.steps, a);
        a.final_values = values(s);
        EXPECT_NE(a.final_values, initial);
    }
    ASSERT_EQ(a.losses.size(), 8u);
    EXPECT_LT(a.losses.back(), a.losses.front());  // it learns the two answers

    const std::string ckpt = qt::test::make_temp_dir("fo-ckpt") + "/run.qtck";
    RunLog b;
    {
        qt::TrainingSession s(c, *backend);
        run_until(s, 3, b);
        s.save_checkpoint(ckpt);
    }
    {
        qt::TrainingSession s(c, *backend);
        s.resume(ckpt);
        EXPECT_EQ(s.trainer().state().next_step, 3);
        run_until(s, c.steps, b);
        b.final_values = values(s);
    }
    EXPECT_EQ(b.losses, a.losses);
    EXPECT_EQ(b.grad_norms, a.grad_norms);
    EXPECT_EQ(b.val_losses, a.val_losses);
    EXPECT_EQ(b.final_values, a.final_values);
}

INSTANTIATE_TEST_SUITE_P(Methods, FirstOrderResume, ::testing::Values("qlora", "adamw"));

// QLoRA's merged export into Q8_0 (merge_type) keeps the update; an unknown type
// is refused naming the setting.
TEST(QloraMergeType, Q8_0MergeKeepsTheUpdateAndUnknownTypesAreRefused) {
    qt::TrainConfig c = config("qlora");
    c.merge_type = "q8_0";
    auto backend = qt::make_cpu_backend(1);
    qt::TrainingSession s(c, *backend);
    while (!s.trainer().finished()) s.trainer().step();
    const std::string out = qt::test::make_temp_dir("fo-merge") + "/model.gguf";
    const auto report = s.export_gguf(out);
    ASSERT_EQ(report.files.size(), 2u);
    ASSERT_FALSE(report.notes.empty());
    const std::string& first = report.notes.front();
    const int kept = std::stoi(first.substr(first.find("keeps ") + 6));
    EXPECT_GE(kept, 90) << first;
    auto written = qt::GgufFile::open(out);
    EXPECT_EQ(written->tensor("blk.0.attn_q.weight").type, qt::GgmlType::Q8_0);
    EXPECT_EQ(written->tensor("output_norm.weight").type, s.model().file->tensor("output_norm.weight").type);

    c.merge_type = "q4_k";
    try {
        qt::validate(c);
        FAIL() << "q4_k accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("merge_type"), std::string::npos) << e.what();
    }
}

// Q-GaLore's export writes every trained linear in place of the base's: as Q8_0 it
// keeps most of the update; re-quantized to the file's own Q4_1 it keeps less (the
// note says how much and points to q8_0); the rest of the file is unchanged. The
// same seed gives the same trajectory (stochastic rounding is counter-based).
TEST(QgaloreExport, Q8_0KeepsTheUpdateAndTheOwnTypeSaysWhatRoundingCosts) {
    int kept_q8 = 0, kept_same = 0;
    std::vector<std::vector<double>> losses(2);
    const std::vector<std::string> types = {"q8_0", "same"};
    for (size_t k = 0; k < types.size(); ++k) {
        qt::TrainConfig c = config("qgalore");
        c.galore_rank = 4;
        c.galore_update_gap = 2;
        c.merge_type = types[k];
        auto backend = qt::make_cpu_backend(1);
        qt::TrainingSession s(c, *backend);
        while (!s.trainer().finished()) losses[k].push_back(s.trainer().step().loss);
        const std::string out = qt::test::make_temp_dir("qgalore-export") + "/model.gguf";
        const auto report = s.export_gguf(out);
        ASSERT_EQ(report.files.size(), 1u);
        ASSERT_FALSE(report.notes.empty());
        for (const std::string& n : report.notes) std::cout << "[ export " << types[k] << " ] " << n << "\n";
        const std::string& first = report.notes.front();
        (k == 0 ? kept_q8 : kept_same) = std::stoi(first.substr(first.find("keeps ") + 6));
        auto written = qt::GgufFile::open(out);
        const auto& base = *s.model().file;
        EXPECT_EQ(written->tensor("blk.1.ffn_down.weight").type,
                  k == 0 ? qt::GgmlType::Q8_0 : base.tensor("blk.1.ffn_down.weight").type);
        EXPECT_EQ(written->tensor("token_embd.weight").type, base.tensor("token_embd.weight").type);
        EXPECT_EQ(written->tensors().size(), base.tensors().size());
    }
    EXPECT_EQ(losses[0], losses[1]);  // the export type does not change training
    EXPECT_GE(kept_q8, 90);
    EXPECT_LT(kept_same, kept_q8);
}
