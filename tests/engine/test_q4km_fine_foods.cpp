// A Q4_K_M file end to end (issue 18): the default model re-quantized to Q4_K_M by
// llama.cpp's own quantizer, then `quanttune-cli train --method qzo` with no
// setting given by hand. The absolute default eps would move the Q6_K super-block
// scales by 79% of themselves (the run that went from loss 2.18 to 18.95), so the
// session must choose the relative unit by itself, say why, and lower the
// validation loss on the fine-food reviews.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_support.h"

TEST(Q4kmFineFoods, QzoWithNoFlagsPicksTheRelativeUnitAndLowersValidationLoss) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    const std::string data = qt::test::default_data_path("fine_foods_train_posneg.jsonl");
    if (data.empty()) {
        if (qt::test::oracles_required()) FAIL() << "fine-food data missing; run scripts/setup.sh";
        GTEST_SKIP() << "fine-food data missing (run scripts/setup.sh); skipping";
    }
    qt::test::TempDir dir("q4km-fine-foods");
    const std::string q4km = dir.path + "/smollm2-q4_k_m.gguf";
    qt::test::run_oracle("quantize_llama_cpp.py", {model, q4km, "Q4_K_M"});
    const std::string out = dir.path + "/run";
    // Only what any run needs: the model, the data, the length of the run and where it goes.
    const std::string cmd = std::string(QT_CLI_PATH) + " train --method qzo --model " + q4km + " --data " + data +
                            " --out " + out + " --steps 30 --eval-examples 64 --threads 2 --quiet";
    std::string output;
    const int status = qt::test::run_command(cmd, output);
    std::printf("%s\n", output.c_str());
    ASSERT_EQ(status, 0) << output;

    // The session said it switched, and why.
    EXPECT_NE(output.find("too small for an absolute perturbation"), std::string::npos) << output;
    EXPECT_NE(output.find("(Q6_K)"), std::string::npos) << "the worst weight is a Q6_K one: " << output;
    EXPECT_NE(output.find("relative perturbation: eps 0.002, lr 4e-05 and clip 25"), std::string::npos) << output;

    std::ifstream log(out + "/metrics.jsonl");
    std::vector<double> evals;
    int rollbacks = 0;
    for (std::string line; std::getline(log, line);) {
        const auto j = nlohmann::json::parse(line);
        if (j["type"] == "eval") evals.push_back(j["val_loss"].get<double>());
        if (j["type"] == "rollback") ++rollbacks;
    }
    ASSERT_EQ(evals.size(), 2u) << "an evaluation at the start and one at the end";
    std::printf("[ q4_k_m ] QZO, defaults: validation loss %.4f -> %.4f over 30 steps, %d rollbacks\n", evals.front(),
                evals.back(), rollbacks);
    EXPECT_LT(evals.back(), evals.front()) << "QZO with its defaults lowers the validation loss on a Q4_K_M file";
    EXPECT_EQ(rollbacks, 0) << "the relative unit's defaults train without tripping the divergence guard";
}
