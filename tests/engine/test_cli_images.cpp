// The CLI's image commands as a user drives them: pretrain-image, generate-image
// and score-images on the real Fashion-MNIST with a tiny model (width 32, one
// block, 30 steps), their --help pages, and mistakes that give one line naming the
// option or the file. One OpenMP thread and --threads 1 throughout.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "image/dit_model.h"
#include "image/fashion_mnist.h"
#include "image/png_grid.h"
#include "test_support.h"

namespace {

using qt::test::lines_of;

std::string cli() { return std::string("OMP_NUM_THREADS=1 ") + QT_CLI_PATH; }
const std::string kCpu = " --threads 1 --device cpu";

int count_error_lines(const std::string& s) {
    int n = 0;
    for (const std::string& line : lines_of(s)) n += line.rfind("error:", 0) == 0;
    return n;
}

// The losses of pretrain-image's "step N  loss L  R images/s" lines, in order.
std::vector<std::pair<long, double>> printed_losses(const std::string& out) {
    std::vector<std::pair<long, double>> losses;
    for (const std::string& line : lines_of(out)) {
        long step = 0;
        double loss = 0;
        if (std::sscanf(line.c_str(), "step %ld loss %lf", &step, &loss) == 2) losses.emplace_back(step, loss);
    }
    return losses;
}

bool have_fashion_mnist() { return qt::find_fashion_mnist_dir().has_value(); }

#define QT_REQUIRE_FASHION_MNIST_DIR()                                                                         \
    if (!have_fashion_mnist()) {                                                                               \
        if (::qt::test::oracles_required())                                                                    \
            FAIL() << "Fashion-MNIST missing: install dataset-fashion-mnist (scripts/setup.sh)";               \
        GTEST_SKIP() << "Fashion-MNIST missing (apt-get install dataset-fashion-mnist); skipping";            \
    }

const char* const kTinyRun = " --width 32 --depth 1 --heads 2 --patch 4 --batch 16 --lr 3e-3 --log-every 5 "
                             "--save-every 10";

// One tiny pre-training run of 30 steps a process, shared by the tests that read its model.
struct TinyRun {
    qt::test::TempDir dir{"cli-images"};
    std::string model = dir.path + "/tiny.gguf";
    std::string output;
    int status = -1;
    TinyRun() { status = qt::test::run_command(cli() + " pretrain-image --out '" + model + "' --steps 30" + kTinyRun + kCpu, output); }
};

const TinyRun& tiny_run() {
    static const TinyRun run;
    return run;
}

}  // namespace

TEST(CliImages, EachImageCommandListsItsOptionsForHelp) {
    const struct {
        std::string command;
        std::vector<std::string> options;
    } cases[] = {
        {"pretrain-image", {"--out MODEL.gguf", "--data DIR", "--steps N", "--batch N", "--lr X", "--width N",
                            "--depth N", "--heads N", "--patch N", "--hold-out CLASS", "--style none|inverted|outlined",
                            "--seed N", "--save-every N", "--resume", "--threads N"}},
        {"generate-image", {"--out GRID.png", "--classes LIST|all", "--per-class N", "--seed N", "--steps N",
                            "--guidance W", "--compare OTHER.gguf", "--quantize-to q8_0|q4_0|q4_1|q5_0|q5_1|f16"}},
        {"score-images", {"--samples N", "--seed N", "--steps N", "--guidance W",
                          "--quantize-to q8_0|q4_0|q4_1|q5_0|q5_1|f16"}},
    };
    for (const auto& c : cases) {
        std::string out;
        ASSERT_EQ(qt::test::run_command(cli() + " " + c.command + " --help 2>/dev/null", out), 0) << out;
        EXPECT_EQ(out.rfind("usage: quanttune-cli " + c.command + " ", 0), 0u) << out;
        for (const std::string& option : c.options)
            EXPECT_NE(out.find("\n  " + option + " "), std::string::npos) << c.command << " lacks " << option << "\n" << out;
    }
    std::string top;
    ASSERT_EQ(qt::test::run_command(cli() + " --help 2>/dev/null", top), 0);
    for (const char* command : {"pretrain-image", "generate-image", "score-images"})
        EXPECT_NE(top.find("\n  " + std::string(command) + " "), std::string::npos) << command << "\n" << top;
}

TEST(CliImages, MistakesGiveOneLineNamingTheOptionOrFileAndTheProblem) {
    qt::test::TempDir dir("cli-images-bad");
    // A LLaMA GGUF (not qt-dit), and a qt-dit model cut off halfway.
    const std::string llama = dir.path + "/llama.gguf", cut = dir.path + "/cut.gguf", png = dir.path + "/g.png";
    std::string out;
    ASSERT_EQ(qt::test::run_command(cli() + " random-model --out '" + llama +
                                        "' --layers 1 --dim 32 --ffn 64 --heads 1 --kv-heads 1 --vocab 300",
                                    out),
              0)
        << out;
    qt::DitConfig c;
    c.image_size = 28, c.patch_size = 4, c.width = 32, c.depth = 1, c.n_heads = 2, c.n_classes = 10;
    qt::write_random_dit_gguf(cut, c, 1);
    std::filesystem::resize_file(cut, std::filesystem::file_size(cut) / 2);

    const struct {
        std::string args;
        int status;
        std::vector<std::string> says;
    } cases[] = {
        {"pretrain-image --steps 5", 2, {"pretrain-image needs --out MODEL.gguf"}},
        {"generate-image '" + cut + "'", 2, {"generate-image needs --out GRID.png"}},
        {"pretrain-image --out '" + dir.path + "/m.gguf' --hold-out socks", 2, {"--hold-out", "socks", "Sneaker"}},
        {"generate-image '" + cut + "' --out '" + png + "' --classes sneaker,socks", 2, {"--classes", "socks"}},
        {"pretrain-image --out '" + dir.path + "/m.gguf' --hold-out 12", 2, {"--hold-out", "12"}},
        {"pretrain-image --out '" + dir.path + "/m.gguf' --patch 5", 2, {"--patch 5", "divides 28"}},
        {"pretrain-image --out '" + dir.path + "/m.gguf' --width 30 --heads 4", 2, {"--width 30", "--heads 4"}},
        {"pretrain-image --out '" + dir.path + "/m.gguf' --style sketch", 2, {"--style", "sketch"}},
        {"pretrain-image --out '" + dir.path + "/none.gguf' --resume", 2, {"--resume", "none.gguf", "does not exist"}},
        {"pretrain-image --out '" + cut + "'", 2, {"cut.gguf exists", "--resume"}},
        {"generate-image '" + cut + "' --out '" + png + "' --quantize-to q3_x", 2, {"--quantize-to", "q3_x"}},
        {"generate-image '" + llama + "' --out '" + png + "'" + kCpu, 1, {"llama.gguf", "general.architecture", "qt-dit"}},
        {"score-images '" + llama + "'" + kCpu, 1, {"llama.gguf", "general.architecture", "qt-dit"}},
        {"generate-image '" + cut + "' --out '" + png + "'" + kCpu, 1, {"cut.gguf", "past the end of the file"}},
        {"generate-image '" + dir.path + "/missing.gguf' --out '" + png + "'" + kCpu, 1, {"missing.gguf", "cannot open"}},
    };
    for (const auto& k : cases) {
        EXPECT_EQ(qt::test::run_command(cli() + " " + k.args, out), k.status) << k.args << "\n" << out;
        EXPECT_EQ(count_error_lines(out), 1) << k.args << "\n" << out;
        for (const std::string& s : k.says) EXPECT_NE(out.find(s), std::string::npos) << k.args << " lacks " << s << "\n" << out;
    }
    EXPECT_FALSE(std::filesystem::exists(png));
    EXPECT_FALSE(std::filesystem::exists(dir.path + "/m.gguf"));
}

TEST(CliImages, PretrainingOnFashionMnistLowersTheLossAndSavesItsStep) {
    QT_REQUIRE_FASHION_MNIST_DIR();
    const TinyRun& run = tiny_run();
    ASSERT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("29936 parameters"), std::string::npos) << run.output;
    const auto losses = printed_losses(run.output);
    ASSERT_EQ(losses.size(), 6u) << run.output;
    EXPECT_EQ(losses.front().first, 5);
    EXPECT_EQ(losses.back().first, 30);
    // Starting from zero velocity the loss is about 1 + mean(x0^2); 30 steps take off a quarter.
    EXPECT_LT(losses.back().second, 0.85 * losses.front().second) << run.output;
    std::printf("[ pretrain-image ] loss %.4f (steps 1-5) -> %.4f (steps 26-30)\n", losses.front().second,
                losses.back().second);
    EXPECT_EQ(qt::read_dit_training_steps(run.model), 30);
    EXPECT_TRUE(std::filesystem::exists(run.model + ".adamw"));
}

TEST(CliImages, ResumingContinuesFromTheSavedStepWithAdamWsMoments) {
    QT_REQUIRE_FASHION_MNIST_DIR();
    const TinyRun& run = tiny_run();
    ASSERT_EQ(run.status, 0) << run.output;
    qt::test::TempDir dir("cli-images-resume");
    const std::string model = dir.path + "/resumed.gguf";
    std::filesystem::copy_file(run.model, model);
    std::filesystem::copy_file(run.model + ".adamw", model + ".adamw");
    std::string out;
    ASSERT_EQ(qt::test::run_command(cli() + " pretrain-image --out '" + model + "' --resume --steps 40 "
                                            "--log-every 5" + kCpu,
                                    out),
              0)
        << out;
    // The batch, learning rate and seed come from the first run's side file.
    EXPECT_NE(out.find("batch 16, lr 0.003, seed 1, steps 31 to 40"), std::string::npos) << out;
    EXPECT_EQ(out.find("start afresh"), std::string::npos) << out;
    const auto losses = printed_losses(out);
    ASSERT_EQ(losses.size(), 2u) << out;
    EXPECT_EQ(losses.back().first, 40);
    // Resumed, not restarted: the loss goes on from where the first run ended.
    EXPECT_LT(losses.back().second, printed_losses(run.output).front().second) << out;
    EXPECT_EQ(qt::read_dit_training_steps(model), 40);

    // Moments of another step: the run goes on and says they start afresh.
    std::filesystem::copy_file(run.model + ".adamw", model + ".adamw", std::filesystem::copy_options::overwrite_existing);
    ASSERT_EQ(qt::test::run_command(cli() + " pretrain-image --out '" + model + "' --resume --steps 41" + kCpu, out), 0)
        << out;
    EXPECT_NE(out.find("moments are of step 30; AdamW's moments start afresh at step 40"), std::string::npos) << out;
}

TEST(CliImages, GenerateImageWritesAGridThatRepeatsForTheSameSeedAndDiffersForAnother) {
    QT_REQUIRE_FASHION_MNIST_DIR();
    const TinyRun& run = tiny_run();
    ASSERT_EQ(run.status, 0) << run.output;
    auto generate = [&](const std::string& name, const std::string& extra) {
        const std::string png = run.dir.path + "/" + name;
        std::string out;
        EXPECT_EQ(qt::test::run_command(cli() + " generate-image '" + run.model + "' --out '" + png +
                                                "' --classes sneaker,0,bag --per-class 4 --steps 6" + extra + kCpu,
                                        out),
                  0)
            << out;
        return qt::read_png_grey(png);
    };
    const qt::GreyImage a = generate("a.png", " --seed 3"), b = generate("b.png", " --seed 3"),
                        c = generate("c.png", " --seed 4");
    // 4 columns and 3 rows of 28 pixels with 2 pixels around each, all drawn 2 x 2.
    EXPECT_EQ(a.width, (4 * 28 + 5 * 2) * 2);
    EXPECT_EQ(a.height, (3 * 28 + 4 * 2) * 2);
    EXPECT_EQ(a.pixels, b.pixels);
    EXPECT_NE(a.pixels, c.pixels);
    // Before | after: the second model to the right of a white bar, the first unchanged on the left.
    const qt::GreyImage both = generate("both.png", " --seed 3 --compare '" + run.model + "' --quantize-to q8_0");
    EXPECT_EQ(both.width, 2 * a.width + 8);
    EXPECT_EQ(both.height, a.height);
    int same_left = 0;
    for (int y = 0; y < a.height; ++y)
        for (int x = 0; x < a.width; ++x)
            same_left += std::abs(int(both.pixels[size_t(y) * both.width + x]) - int(a.pixels[size_t(y) * a.width + x])) <= 16;
    EXPECT_GT(same_left, a.width * a.height * 9 / 10);
}

TEST(CliImages, ScoreImagesPrintsTheMetersAccuracyAndFrechetDistance) {
    QT_REQUIRE_FASHION_MNIST_DIR();
    const TinyRun& run = tiny_run();
    ASSERT_EQ(run.status, 0) << run.output;
    std::string out;
    ASSERT_EQ(qt::test::run_command(cli() + " score-images '" + run.model + "' --samples 30 --steps 4 --batch 10" + kCpu,
                                    out),
              0)
        << out;
    double accuracy = -1, fd = -1;
    for (const std::string& line : lines_of(out)) {
        std::sscanf(line.c_str(), "accuracy %lf", &accuracy);
        std::sscanf(line.c_str(), "frechet distance %lf", &fd);
    }
    EXPECT_GE(accuracy, 0.0) << out;
    EXPECT_LE(accuracy, 1.0) << out;
    EXPECT_GT(fd, 0.0) << out;
    std::printf("[ score-images ] tiny model after 30 steps: accuracy %.3f, Frechet distance %.2f\n", accuracy, fd);
}

TEST(CliImages, ARunKilledWhileSavingKeepsItsLastSaveAndResumesFromIt) {
    QT_REQUIRE_FASHION_MNIST_DIR();
    qt::test::TempDir dir("cli-images-kill");
    const std::string model = dir.path + "/killed.gguf";
    // Atomic writes: 1 the initial model, 2 and 3 step 10's model and moments, 4 step 20's model.
    std::string out;
    const int status = qt::test::run_command("QUANTTUNE_FAULTS=kill-in-write@4 " + cli() + " pretrain-image --out '" +
                                                 model + "' --steps 30" + kTinyRun + kCpu,
                                             out);
    EXPECT_EQ(status, 128 + 9) << out;
    EXPECT_NE(out.find("step 20 "), std::string::npos) << out;
    EXPECT_EQ(qt::read_dit_training_steps(model), 10);
    ASSERT_EQ(qt::test::run_command(cli() + " pretrain-image --out '" + model + "' --resume --steps 30 "
                                            "--log-every 5" + kCpu,
                                    out),
              0)
        << out;
    EXPECT_NE(out.find("steps 11 to 30"), std::string::npos) << out;
    EXPECT_EQ(out.find("start afresh"), std::string::npos) << out;
    EXPECT_EQ(qt::read_dit_training_steps(model), 30);
    // The same batches, noise and moments as the uninterrupted run: the same last loss.
    const auto resumed = printed_losses(out), whole = printed_losses(tiny_run().output);
    ASSERT_FALSE(resumed.empty());
    ASSERT_FALSE(whole.empty());
    EXPECT_NEAR(resumed.back().second, whole.back().second, 1e-3) << out;
}

TEST(CliImages, ANonFiniteLossStopsTheRunWithOneLineAndKeepsTheLastSave) {
    QT_REQUIRE_FASHION_MNIST_DIR();
    qt::test::TempDir dir("cli-images-nan");
    const std::string model = dir.path + "/nan.gguf";
    std::string out;
    EXPECT_EQ(qt::test::run_command("QUANTTUNE_FAULTS=nan-loss@15 " + cli() + " pretrain-image --out '" + model +
                                        "' --steps 30" + kTinyRun + kCpu,
                                    out),
              1)
        << out;
    EXPECT_EQ(count_error_lines(out), 1) << out;
    EXPECT_NE(out.find("step 15: the loss is nan; lower --lr"), std::string::npos) << out;
    EXPECT_NE(out.find("keeps its last save, step 10"), std::string::npos) << out;
    EXPECT_EQ(qt::read_dit_training_steps(model), 10);
}
