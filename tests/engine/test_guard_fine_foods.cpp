// The divergence guard on the default model re-quantized to Q4_K_M by llama.cpp's
// own quantizer, training on the fine-food reviews: QZO (relative perturbation) with
// a learning rate 1000x its default, and a NaN injected at step 5 of the same run.
// Every spike and the NaN are rolled back; the run either recovers (the validation
// loss ends below where it started) or stops with the guard's message; no NaN
// reaches the checkpoint or the exported model.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gguf/gguf_file.h"
#include "quant/dequantize.h"
#include "checkpoint_sink.h"
#include "test_support.h"
#include "train/checkpoint.h"
#include "train/train_config.h"

namespace {

// Every weight of every tensor, dequantized: the count of values that are not finite.
int64_t non_finite_weights(const std::string& path) {
    const auto f = qt::GgufFile::open(path);
    int64_t bad = 0;
    for (const qt::GgufTensorInfo& t : f->tensors()) {
        const int64_t cols = t.dims[0];
        std::vector<float> row(static_cast<size_t>(cols));
        const size_t row_bytes = t.nbytes / static_cast<size_t>(t.rows());
        for (int64_t r = 0; r < t.rows(); ++r) {
            qt::dequantize_row(t.type, t.data + static_cast<size_t>(r) * row_bytes, row.data(), cols);
            for (float x : row) bad += std::isfinite(x) ? 0 : 1;
        }
    }
    return bad;
}

}  // namespace

TEST(GuardFineFoods, AThousandfoldLearningRateAndAnInjectedNanAreRolledBack) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const std::string data = qt::test::default_data_path("fine_foods_train_posneg.jsonl");
    if (data.empty()) {
        if (qt::test::oracles_required()) FAIL() << "fine-food data missing; run scripts/setup.sh";
        GTEST_SKIP() << "fine-food data missing (run scripts/setup.sh); skipping";
    }
    qt::test::TempDir dir("guard-fine-foods");
    const std::string q4km = dir.path + "/smollm2-q4_k_m.gguf";
    qt::test::run_oracle("quantize_llama_cpp.py", {model, q4km, "Q4_K_M"});
    const std::string out = dir.path + "/run";
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", 1000 * qt::kRelativeQzoDefaults.lr);
    const std::string cmd = "QUANTTUNE_FAULTS=nan-loss@5 " + std::string(QT_CLI_PATH) +
                            " train --method qzo --model " + q4km + " --data " + data + " --out " + out +
                            " --relative-eps --lr " + lr +
                            " --steps 40 --batch-size 4 --eval-examples 64 --checkpoint-every 10 --threads 2 --seed 42 --quiet";
    std::string output;
    const int status = qt::test::run_command(cmd, output);
    std::printf("%s\n", output.c_str());

    std::ifstream log(out + "/metrics.jsonl");
    std::vector<double> evals;
    int spikes = 0, nans = 0;
    for (std::string line; std::getline(log, line);) {
        const auto j = nlohmann::json::parse(line);
        if (j["type"] == "eval") evals.push_back(j["val_loss"].get<double>());
        if (j["type"] == "rollback") {
            const std::string why = j["reason"];
            if (why.find("not finite") != std::string::npos) {
                ++nans;
                EXPECT_EQ(j["step"], 5);
            } else {
                ++spikes;
            }
        }
    }
    std::printf("[ guard ] lr %s on Q4_K_M: %d rollbacks for spikes or drift, %d for the NaN; validation loss", lr,
                spikes, nans);
    for (double v : evals) std::printf(" %.4f", v);
    std::printf("; exit %d\n", status);
    EXPECT_GE(spikes, 1) << "a thousandfold learning rate must trip the guard";
    if (status == 0) {
        EXPECT_EQ(nans, 1);
        ASSERT_EQ(evals.size(), 2u);
        EXPECT_LT(evals.back(), evals.front()) << "recovered: the validation loss ends below where it started";
        EXPECT_EQ(non_finite_weights(out + "/model-qzo.gguf"), 0);
    } else {
        EXPECT_NE(output.find("error: training diverged"), std::string::npos) << output;
    }
    // Whatever happened, the checkpoint left is whole and finite (load_checkpoint checks both).
    const qt::CheckpointInfo info = qt::read_checkpoint_info(out + "/checkpoint.qtck");
    qt::test::CheckpointSink sink(info.parameter_count);
    EXPECT_NO_THROW(qt::load_checkpoint(out + "/checkpoint.qtck", sink));
}
