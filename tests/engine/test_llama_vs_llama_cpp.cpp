// The model's logits and greedy continuations against llama.cpp (llama-cpp-python)
// on the real default model, and both engines' logits against a float64 numpy
// evaluation of the same dequantized weights (which once showed an oracle build
// to be the wrong one). Token ids come from llama.cpp's own tokenizer here, so
// this test checks the model alone (the tokenizer has its own tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "backend/cpu_backend.h"
#include "logit_compare_support.h"
#include "model/llama_model.h"
#include "test_support.h"

namespace {

using qt::test::read_floats;
using qt::test::argmax;
using qt::test::top2_margin;

std::vector<int32_t> read_ids(const std::string& path) {
    std::ifstream in(path);
    std::vector<int32_t> ids;
    for (int32_t v; in >> v;) ids.push_back(v);
    return ids;
}

// Every prompt is compared position by position; the greedy test continues the ones
// in kGreedyPrompts. Greedy decoding through a near-tie parts any two engines: llama.cpp's
// own flash-attention and plain attention paths differ by up to 1.5 logits on prompt 3.
const std::vector<std::string> kPrompts = {
    "The capital of France is",
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    "<|im_start|>user\nWhat is the boiling point of water at sea level?<|im_end|>\n<|im_start|>assistant\n",
    "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be",
    "Translate to French: The weather is nice today, and the children are playing in the garden.",
    "1, 2, 3, 5, 8, 13, 21,",
    // Greedy prompts: llama.cpp's top-1 leads its runner-up by at least 0.9 at every one
    // of the 64 steps, more than the two engines' difference, so the paths cannot part on a tie.
    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10,",
    "10, 20, 30, 40, 50, 60,",
    "<|im_start|>user\nCount from 1 to 50.<|im_end|>\n<|im_start|>assistant\n1, 2, 3,",
};
const std::vector<size_t> kGreedyPrompts = {6, 7, 8};

// What llama.cpp produced for kPrompts: written once per test run.
struct Reference {
    std::string dir;
};

const Reference& reference(const std::string& model) {
    static Reference ref = [&] {
        Reference r;
        r.dir = qt::test::make_temp_dir("llama-ref");
        const std::string prompts = r.dir + "/prompts.json";
        std::ofstream(prompts) << nlohmann::json(kPrompts).dump();
        qt::test::run_oracle("llama_cpp_reference.py", {model, prompts, r.dir, "64"});
        return r;
    }();
    return ref;
}

// The model under test on the CPU backend.
struct CpuModel {
    explicit CpuModel(const std::string& path)
        : backend(qt::make_cpu_backend()),
          model(qt::LlamaModel::load(std::shared_ptr<const qt::GgufFile>(qt::GgufFile::open(path)), *backend)) {}
    std::unique_ptr<qt::Backend> backend;
    std::unique_ptr<qt::LlamaModel> model;
};

}  // namespace

// Largest |logit - reference| we accept. Both engines quantize activations to Q8
// blocks before each of the 211 matrix products; a different float summation order
// flips an occasional rounding, and 30 layers amplify that: llama.cpp itself differs
// from a float64 evaluation of the same weights by about 0.5 at the first position and
// more later on, so agreement to a few hundredths is not on offer from either engine.
constexpr float kMaxLogitDifference = 4.0f;
// A position whose reference top-2 logits lie closer than this is a tie at this
// precision: there our top-1 must be a token the reference scores within this much of its own.
constexpr float kTieMargin = 0.5f;

TEST(LlamaVsLlamaCpp, LogitsAgreeAtEveryPositionOfNinePrompts) {
    QT_REQUIRE_MODEL_AND_ORACLE(model_path);
    const Reference& ref = reference(model_path);
    CpuModel cpu(model_path);
    qt::LlamaModel* model = cpu.model.get();
    const int vocab = model->config().vocab_size;
    float worst = 0;
    int positions = 0, exact_top1 = 0, ties = 0;
    for (size_t p = 0; p < kPrompts.size(); ++p) {
        const auto tokens = read_ids(ref.dir + "/" + std::to_string(p) + ".tokens");
        const auto want = read_floats(ref.dir + "/" + std::to_string(p) + ".logits");
        ASSERT_EQ(want.size(), tokens.size() * vocab);
        auto cache = model->make_cache(512);
        std::vector<float> got;
        model->forward(tokens, cache, got, /*all_logits=*/true);
        ASSERT_EQ(got.size(), want.size());
        float prompt_worst = 0;
        for (size_t t = 0; t < tokens.size(); ++t) {
            const float* g = got.data() + t * vocab;
            const float* w = want.data() + t * vocab;
            for (int i = 0; i < vocab; ++i) prompt_worst = std::max(prompt_worst, std::fabs(g[i] - w[i]));
            const int ours = argmax(g, vocab), theirs = argmax(w, vocab);
            ++positions;
            if (ours == theirs) {
                ++exact_top1;
                continue;
            }
            const float ref_margin = top2_margin(w, vocab);
            std::printf("prompt %zu position %zu: top-1 %d (llama.cpp %d), llama.cpp's own top-2 margin %.4f\n", p,
                        t, ours, theirs, ref_margin);
            EXPECT_LT(ref_margin, kTieMargin) << "prompt " << p << " position " << t << ": a clear top-1 differs";
            EXPECT_GE(w[ours], w[theirs] - kTieMargin) << "prompt " << p << " position " << t;
            ++ties;
        }
        std::printf("prompt %zu: %zu tokens, max |logit difference| %.4f\n", p, tokens.size(), prompt_worst);
        worst = std::max(worst, prompt_worst);
    }
    std::printf("%d positions: same top-1 at %d, reference near-ties (margin < %.2f) at %d; max |logit difference| "
                "%.4f (bound %.2f)\n",
                positions, exact_top1, kTieMargin, ties, worst, kMaxLogitDifference);
    EXPECT_LE(worst, kMaxLogitDifference);
}

TEST(LlamaVsLlamaCpp, GreedyContinuationOf64TokensMatchesForThreePrompts) {
    QT_REQUIRE_MODEL_AND_ORACLE(model_path);
    const Reference& ref = reference(model_path);
    CpuModel cpu(model_path);
    qt::LlamaModel* model = cpu.model.get();
    const int vocab = model->config().vocab_size;
    for (size_t p : kGreedyPrompts) {
        const auto tokens = read_ids(ref.dir + "/" + std::to_string(p) + ".tokens");
        const auto want = read_ids(ref.dir + "/" + std::to_string(p) + ".greedy");
        ASSERT_EQ(want.size(), 64u);
        std::ifstream margins(ref.dir + "/" + std::to_string(p) + ".greedy_margins");
        float min_margin = 1e9f;
        for (float m; margins >> m;) min_margin = std::min(min_margin, m);
        std::printf("prompt %zu: llama.cpp's smallest top-2 margin along its greedy path: %.3f\n", p, min_margin);
        auto cache = model->make_cache(512);
        std::vector<float> logits;
        model->forward(tokens, cache, logits, false);
        std::vector<int32_t> got;
        for (int k = 0; k < 64; ++k) {
            const int32_t next = argmax(logits.data(), vocab);
            got.push_back(next);
            model->forward(std::span<const int32_t>(&next, 1), cache, logits, false);
        }
        EXPECT_EQ(got, want) << "prompt " << p;
    }
}

// Largest |logit - float64| we accept from either engine, over every logit of a
// prompt. Both round activations to 8-bit blocks before every product; measured on
// this file's prompts 1 and 3 (41 and 20 tokens): ours 1.96 and 3.37, llama.cpp's
// AVX2 build 2.59 and 2.29. Its AMX build (wrong on Q4_1) was 36 away from ours.
constexpr float kMaxFloat64Difference = 5.0f;

TEST(LlamaVsFloat64, BothEnginesLogitsAgreeWithAFloat64EvaluationOfTheSameWeights) {
    QT_REQUIRE_MODEL_AND_ORACLE(model_path);
    const Reference& ref = reference(model_path);
    CpuModel cpu(model_path);
    qt::LlamaModel* model = cpu.model.get();
    const int vocab = model->config().vocab_size;
    for (size_t p : {size_t{1}, size_t{3}}) {
        const std::string stem = ref.dir + "/" + std::to_string(p);
        const auto tokens = read_ids(stem + ".tokens");
        qt::test::run_oracle("llama_float64_reference.py", {model_path, stem + ".tokens", stem + ".f64"});
        const auto exact = read_floats(stem + ".f64");
        const auto theirs = read_floats(stem + ".logits");
        ASSERT_EQ(exact.size(), tokens.size() * vocab);
        auto cache = model->make_cache(512);
        std::vector<float> ours;
        model->forward(tokens, cache, ours, /*all_logits=*/true);
        ASSERT_EQ(ours.size(), exact.size());
        float worst_ours = 0, worst_theirs = 0;
        int top1_ours = 0, top1_theirs = 0;
        for (size_t t = 0; t < tokens.size(); ++t) {
            const float* e = exact.data() + t * vocab;
            const float* o = ours.data() + t * vocab;
            const float* l = theirs.data() + t * vocab;
            for (int i = 0; i < vocab; ++i) {
                worst_ours = std::max(worst_ours, std::fabs(o[i] - e[i]));
                worst_theirs = std::max(worst_theirs, std::fabs(l[i] - e[i]));
            }
            const int best = argmax(e, vocab);
            top1_ours += argmax(o, vocab) == best;
            top1_theirs += argmax(l, vocab) == best;
            // Where float64 has a clear winner, both engines must pick it.
            if (top2_margin(e, vocab) >= kTieMargin) {
                EXPECT_EQ(argmax(o, vocab), best) << "prompt " << p << " position " << t << " (ours)";
                EXPECT_EQ(argmax(l, vocab), best) << "prompt " << p << " position " << t << " (llama.cpp)";
            }
        }
        std::printf("prompt %zu, %zu tokens, against float64: ours max |logit difference| %.4f, top-1 same at %d; "
                    "llama.cpp %.4f, top-1 same at %d (bound %.2f)\n",
                    p, tokens.size(), worst_ours, top1_ours, worst_theirs, top1_theirs, kMaxFloat64Difference);
        EXPECT_LE(worst_ours, kMaxFloat64Difference) << "prompt " << p << ": our engine";
        EXPECT_LE(worst_theirs, kMaxFloat64Difference) << "prompt " << p << ": the llama.cpp oracle";
    }
}
