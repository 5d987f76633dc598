// The GGUF architectures besides LLaMA (model/llama_config.h), each on a small
// random-weight file written by gguf-py's GGUFWriter (tests/oracle/make_arch_model.py),
// not by our writer: logits at every position of three prompts and a 32-token
// greedy continuation against llama.cpp (llama-cpp-python), the training forward
// against the inference forward, a whole-model gradient check per feature set,
// and a few QZO and QLoRA steps per architecture.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "backend/cpu_backend.h"
#include "data/dataset.h"
#include "gradient_check_support.h"
#include "methods/adamw_optimizer.h"
#include "methods/full_finetune.h"
#include "methods/lora_adapters.h"
#include "methods/qzo_scales.h"
#include "methods/zo_step.h"
#include "model/llama_backprop.h"
#include "test_support.h"
#include "train/batch_loss.h"
#include "train/gguf_export.h"

namespace {

// Skips (saying why) or, under QUANTTUNE_REQUIRE_ORACLES=1, fails without the oracle venv.
#define QT_REQUIRE_ORACLE()                                                                               \
    if (::qt::test::oracle_python().empty()) {                                                             \
        if (::qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh";       \
        GTEST_SKIP() << "oracle python (gguf-py, llama-cpp-python) missing (run scripts/setup.sh); skipping"; \
    }

// Three prompts of byte tokens (ids 3..258), 24 to 31 long: past the sliding window of 8.
std::vector<std::vector<int32_t>> prompts() {
    std::vector<std::vector<int32_t>> p;
    std::mt19937 rng(11);
    for (int len : {24, 31, 20}) {
        std::vector<int32_t> t;
        for (int i = 0; i < len; ++i) t.push_back(3 + static_cast<int32_t>(rng() % 256));
        p.push_back(t);
    }
    return p;
}

constexpr int kGreedyTokens = 32;

std::vector<float> read_floats(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const auto bytes = static_cast<size_t>(in.tellg());
    std::vector<float> v(bytes / sizeof(float));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
    return v;
}

std::vector<float> read_values(const std::string& path) {
    std::ifstream in(path);
    std::vector<float> v;
    for (float x; in >> x;) v.push_back(x);
    return v;
}

// One random model file per (architecture, weight type), made once per test run.
const std::string& arch_model(const std::string& arch, const std::string& type) {
    static std::map<std::string, std::string> made;
    static const std::string dir = qt::test::make_temp_dir("arch-models");
    const std::string key = arch + "-" + type;
    auto it = made.find(key);
    if (it != made.end()) return it->second;
    const std::string path = dir + "/" + key + ".gguf";
    qt::test::run_oracle("make_arch_model.py", {arch, path, type});
    return made[key] = path;
}

struct Loaded {
    explicit Loaded(const std::string& path, bool writable = false)
        : file(qt::GgufFile::open(path)), backend(qt::make_cpu_backend(1)) {
        qt::LlamaLoadOptions o;
        o.writable_weights = writable;
        model = qt::LlamaModel::load(file, *backend, o);
    }
    std::shared_ptr<const qt::GgufFile> file;
    std::unique_ptr<qt::Backend> backend;
    std::unique_ptr<qt::LlamaModel> model;
};

int argmax(const float* v, int n) { return static_cast<int>(std::max_element(v, v + n) - v); }

float top2_margin(const float* v, int n) {
    std::vector<float> s(v, v + n);
    std::partial_sort(s.begin(), s.begin() + 2, s.end(), std::greater<>());
    return s[0] - s[1];
}

struct OracleCase {
    const char* arch;
    const char* type;
    // Largest |logit - llama.cpp| accepted, over every logit of the three prompts.
    // Measured (CPU, one thread): see the comments in kOracleCases.
    float max_difference;
};

// A position where llama.cpp's top-2 lie closer than this is a tie at this precision.
constexpr float kTieMargin = 0.05f;

class ArchitectureVsLlamaCpp : public testing::TestWithParam<OracleCase> {};

TEST_P(ArchitectureVsLlamaCpp, LogitsAtEveryPositionAndGreedyContinuationAgree) {
    QT_REQUIRE_ORACLE();
    const OracleCase& c = GetParam();
    const std::string path = arch_model(c.arch, c.type);
    const std::string dir = qt::test::make_temp_dir(std::string("arch-ref-") + c.arch);
    const auto ps = prompts();
    std::ofstream(dir + "/tokens.json") << nlohmann::json(ps).dump();
    qt::test::run_oracle("llama_cpp_reference.py", {path, dir + "/tokens.json", dir, std::to_string(kGreedyTokens)});
    Loaded m(path);
    const int vocab = m.model->config().vocab_size;
    float worst = 0;
    int positions = 0, ties = 0;
    for (size_t p = 0; p < ps.size(); ++p) {
        const auto want = read_floats(dir + "/" + std::to_string(p) + ".logits");
        ASSERT_EQ(want.size(), ps[p].size() * vocab);
        auto cache = m.model->make_cache(128);
        std::vector<float> got;
        m.model->forward(ps[p], cache, got, /*all_logits=*/true);
        for (size_t t = 0; t < ps[p].size(); ++t) {
            const float* g = got.data() + t * vocab;
            const float* w = want.data() + t * vocab;
            for (int i = 0; i < vocab; ++i) worst = std::max(worst, std::fabs(g[i] - w[i]));
            ++positions;
            if (top2_margin(w, vocab) < kTieMargin) {
                ++ties;
                continue;
            }
            EXPECT_EQ(argmax(g, vocab), argmax(w, vocab)) << c.arch << " prompt " << p << " position " << t;
        }
        // The greedy continuation, one token at a time through the cache.
        std::vector<float> margins = read_values(dir + "/" + std::to_string(p) + ".greedy_margins");
        std::vector<float> want_ids = read_values(dir + "/" + std::to_string(p) + ".greedy");
        ASSERT_EQ(want_ids.size(), static_cast<size_t>(kGreedyTokens));
        std::vector<float> step(got.end() - vocab, got.end());
        for (int k = 0; k < kGreedyTokens; ++k) {
            const int32_t next = argmax(step.data(), vocab);
            if (margins[static_cast<size_t>(k)] < kTieMargin) {
                std::printf("%s prompt %zu: greedy step %d is a near-tie in llama.cpp (%.4f); compared up to it\n",
                            c.arch, p, k, margins[static_cast<size_t>(k)]);
                break;
            }
            ASSERT_EQ(next, static_cast<int32_t>(want_ids[static_cast<size_t>(k)]))
                << c.arch << " prompt " << p << " greedy step " << k;
            m.model->forward(std::span<const int32_t>(&next, 1), cache, step, false);
        }
    }
    std::printf("%s (%s): %d positions, %d near-ties, max |logit - llama.cpp| %.5f (bound %.3f)\n", c.arch, c.type,
                positions, ties, worst, c.max_difference);
    EXPECT_LE(worst, c.max_difference);
}

// Bounds, about 3x what was measured (CPU, one thread; in brackets): float weights
// leave summation order and llama.cpp's fp16 rounding of gelu (a table of fp16
// values) and of the query scale between the engines; quantized weights add both
// engines' 8-bit activation blocks, where one flipped rounding moves Gemma's large
// logits (|logit| ~ 50: its embeddings are scaled by sqrt(dim)) by tenths.
const OracleCase kOracleCases[] = {
    {"llama-rope-freqs", "f32", 0.01f},  // [0.0019]
    {"mistral", "f16", 0.05f},           // [0.014]
    {"qwen2", "f32", 0.01f},             // [0.0005]
    {"qwen2", "q8_0", 0.01f},            // [0: bit-identical]
    {"qwen3", "f32", 0.01f},             // [0.0012]
    {"gemma2", "f32", 0.02f},            // [0.0045]
    {"gemma3", "f32", 0.03f},            // [0.0065]
    {"gemma3", "q4_0", 1.0f},            // [0.32]
    {"phi3", "f32", 0.01f},              // [0.0028]
};

INSTANTIATE_TEST_SUITE_P(Families, ArchitectureVsLlamaCpp, testing::ValuesIn(kOracleCases),
                         [](const testing::TestParamInfo<OracleCase>& i) {
                             std::string n = std::string(i.param.arch) + "_" + i.param.type;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

class ArchitectureTraining : public testing::TestWithParam<const char*> {};

// The training pass (LlamaBackprop, float32 products) computes the loss the inference
// forward does, and the whole model's dense gradient matches finite differences.
TEST_P(ArchitectureTraining, TrainingForwardMatchesInferenceAndGradientsMatchFiniteDifferences) {
    QT_REQUIRE_ORACLE();
    Loaded m(arch_model(GetParam(), "f32"));
    const qt::test::Batch batch = qt::test::make_batch(m.model->config().vocab_size);
    qt::LlamaBackprop bp(*m.model);
    const double train_nll = bp.forward_loss(batch.tokens, batch.n_seqs, batch.targets).sum_nll;
    double infer_nll = 0;
    for (int s = 0; s < batch.n_seqs; ++s) {
        const size_t t0 = static_cast<size_t>(s) * 12;
        auto cache = m.model->make_cache(16);
        std::vector<int32_t> targets(batch.targets.begin() + t0, batch.targets.begin() + t0 + 12);
        infer_nll += m.model->forward_nll(std::span<const int32_t>(batch.tokens).subspan(t0, 12), cache, 0, targets);
    }
    std::printf("%s: training-pass NLL %.6f, inference NLL %.6f\n", GetParam(), train_nll, infer_nll);
    EXPECT_NEAR(train_nll, infer_nll, 1e-3 * std::abs(infer_nll) + 1e-3);
    qt::FullFinetune full(*m.model);
    m.model->set_training_hooks(&full);
    qt::test::expect_gradient_matches_finite_differences(bp, full, *m.backend, batch);
    m.model->set_training_hooks(nullptr);
}

// A few QZO steps (on the quantized scales) run finite, and the export of their
// result computes the trained logits; QLoRA steps (AdamW on adapters over the Q8_0
// weights) lower the loss of their batch.
TEST_P(ArchitectureTraining, QzoAndQloraStepsRunFiniteAndLowerTheLoss) {
    QT_REQUIRE_ORACLE();
    const std::string path = arch_model(GetParam(), "q8_0");
    const qt::test::Batch batch = qt::test::make_batch(259);
    {
        Loaded m(path, /*writable=*/true);
        qt::QzoScales scales(*m.model, {});
        qt::Example ex;
        ex.tokens.assign(batch.tokens.begin(), batch.tokens.begin() + 12);
        ex.loss_mask.assign(ex.tokens.size(), 1);
        std::vector<const qt::Example*> examples{&ex};
        qt::BatchLoss loss(*m.model, 64);
        const double before = loss.evaluate(examples).mean();
        double last = before;
        for (uint64_t s = 0; s < 4; ++s) {
            const qt::ZoStepResult r = qt::zo_step(scales, {5, s}, {1e-4, 3e-6, true, 100.0},
                                                   [&] { return loss.evaluate(examples).mean(); });
            ASSERT_FALSE(r.non_finite) << GetParam() << " QZO step " << s;
            last = loss.evaluate(examples).mean();
            ASSERT_TRUE(std::isfinite(last));
        }
        std::printf("%s QZO: loss %.4f -> %.4f over 4 steps\n", GetParam(), before, last);
        // The export writes every trained matrix back where it came from (Phi-3: rows
        // of the fused tensors): the exported file computes the trained model's logits.
        qt::test::TempDir dir("arch-export");
        qt::export_trained_gguf(*m.model, dir.path + "/trained.gguf", "qzo");
        Loaded back(dir.path + "/trained.gguf");
        std::vector<float> want, got;
        auto c1 = m.model->make_cache(16), c2 = back.model->make_cache(16);
        m.model->forward(ex.tokens, c1, want, true);
        back.model->forward(ex.tokens, c2, got, true);
        EXPECT_EQ(got, want) << GetParam();
    }
    Loaded m(path);
    qt::LoraSettings ls;
    ls.rank = 4;
    ls.alpha = 8;
    qt::LoraAdapters lora(*m.model, ls);
    m.model->set_training_hooks(&lora);
    qt::LlamaBackprop bp(*m.model);
    qt::AdamWOptimizer opt(*m.backend, lora.parameter_blocks(), {});
    double first = 0, last = 0;
    for (int step = 0; step < 6; ++step) {
        lora.zero_gradients();
        const qt::BackpropResult r = bp.forward_backward(batch.tokens, batch.n_seqs, batch.targets, 1.0 / 12);
        ASSERT_TRUE(std::isfinite(r.sum_nll));
        (step == 0 ? first : last) = r.sum_nll / static_cast<double>(r.targets);
        opt.step(1e-2);
    }
    std::printf("%s QLoRA: loss %.4f -> %.4f over 6 steps\n", GetParam(), first, last);
    EXPECT_LT(last, first) << GetParam();
    m.model->set_training_hooks(nullptr);
}

INSTANTIATE_TEST_SUITE_P(Families, ArchitectureTraining,
                         testing::Values("llama-rope-freqs", "mistral", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"),
                         [](const testing::TestParamInfo<const char*>& i) {
                             std::string n = i.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

}  // namespace

TEST(ArchitectureConfig, UnknownArchitecturesAreRefusedNamingTheSupportedOnes) {
    QT_REQUIRE_ORACLE();
    const std::string path = arch_model("qwen2", "f32");
    // The same bytes with general.architecture = "qwen2" renamed to "qwen9" (same length).
    std::vector<uint8_t> bytes = qt::test::read_bytes(path);
    const std::string from = "qwen2", to = "qwen9";
    auto it = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
    ASSERT_NE(it, bytes.end());
    std::copy(to.begin(), to.end(), it);
    qt::test::TempDir dir("arch-unknown");
    const std::string renamed = dir.path + "/unknown.gguf";
    std::ofstream(renamed, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                   static_cast<std::streamsize>(bytes.size()));
    try {
        Loaded m(renamed);
        FAIL() << "an unknown architecture loaded";
    } catch (const std::exception& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("qwen9"), std::string::npos) << what;
        EXPECT_NE(what.find("llama, qwen2, qwen3, gemma2, gemma3, phi3"), std::string::npos) << what;
    }
}
