// The families besides LLaMA (qwen2, qwen3, gemma2, gemma3, phi3, Llama 3.1's
// rope_freqs, Mistral's head_dim) on the GPU against the CPU backend: inference
// logits at every position of three prompts, the training pass's loss, and the
// QLoRA adapters' gradients. The CUDA backend runs their features (biases, q/k
// norms, NeoX rope, frequency factors, GeGLU, softcaps, sliding windows, query
// scale) through the backend's host implementations for now, so this test is what
// says that path computes what the CPU computes.
// The model files come from tests/oracle/make_arch_model.py (gguf-py's writer),
// made where the oracle venv is and carried to the GPU machine in the folder named
// by QT_ARCH_MODELS (scripts/device_arch_models.sh makes it).
// Bounds: float weights within 1e-3 relative (summation order only); Q8_0 within
// 5e-2, the 8-bit activation rounding that test_cuda_model.cpp explains.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <vector>

#include "cuda_test_support.h"
#include "methods/lora_adapters.h"
#include "model/llama_backprop.h"
#include "model/llama_model.h"

namespace qt::test {
namespace {

struct ArchFile {
    std::string name;  // e.g. gemma3-q8_0
    std::string path;
    bool quantized;
};

std::vector<ArchFile> arch_files(std::string& why) {
    const char* dir = std::getenv("QT_ARCH_MODELS");
    if (!dir || !*dir) {
        why = "QT_ARCH_MODELS is not set (scripts/device_arch_models.sh DIR writes the files)";
        return {};
    }
    std::vector<ArchFile> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".gguf") {
            const std::string stem = e.path().stem().string();
            files.push_back({stem, e.path().string(), stem.find("-f32") == std::string::npos});
        }
    std::sort(files.begin(), files.end(), [](const ArchFile& a, const ArchFile& b) { return a.name < b.name; });
    if (files.empty()) why = std::string("no .gguf files in QT_ARCH_MODELS=") + dir + (ec ? ": " + ec.message() : "");
    return files;
}

std::vector<std::vector<int32_t>> prompts(int vocab) {
    std::vector<std::vector<int32_t>> p;
    std::mt19937 rng(11);
    for (int len : {24, 31, 20}) {
        std::vector<int32_t> t;
        for (int i = 0; i < len; ++i) t.push_back(3 + static_cast<int32_t>(rng() % static_cast<uint32_t>(vocab - 3)));
        p.push_back(t);
    }
    return p;
}

// Two sequences of 12 byte tokens, positions 5..10 targeted (as the CPU tests do).
struct Batch {
    std::vector<int32_t> tokens, targets;
    int n_seqs = 2;
};
Batch make_batch(int vocab) {
    Batch b;
    std::mt19937 rng(3);
    for (int i = 0; i < 24; ++i) b.tokens.push_back(3 + static_cast<int32_t>(rng() % static_cast<uint32_t>(vocab - 3)));
    b.targets.assign(b.tokens.size(), -1);
    for (int s = 0; s < 2; ++s)
        for (int t = 5; t < 11; ++t) b.targets[static_cast<size_t>(s * 12 + t)] = b.tokens[static_cast<size_t>(s * 12 + t + 1)];
    return b;
}

// The QLoRA adapters' gradients after one forward/backward, concatenated on the host.
// The adapters start with B = 0 (so dA = 0): B is set to small random values first.
std::vector<float> lora_gradients(LlamaModel& model, Backend& be, const Batch& batch, double& mean_nll) {
    LoraSettings ls;
    ls.rank = 4;
    ls.alpha = 8;
    LoraAdapters lora(model, ls);
    std::mt19937_64 rng(5);
    std::normal_distribution<float> d(0.0f, 0.05f);
    std::map<std::string, LoraAdapters::HostAdapter> start;
    for (auto& h : lora.download()) {
        for (auto& v : h.a) v = d(rng);
        for (auto& v : h.b) v = d(rng);
        start[h.base_name] = std::move(h);
    }
    lora.set_values([&](const std::string& name, std::vector<float>& a, std::vector<float>& b) {
        a = start.at(name).a;
        b = start.at(name).b;
    });
    model.set_training_hooks(&lora);
    LlamaBackprop bp(model);
    lora.zero_gradients();
    const BackpropResult r = bp.forward_backward(batch.tokens, batch.n_seqs, batch.targets, 1.0 / 12);
    mean_nll = r.sum_nll / static_cast<double>(r.targets);
    std::vector<float> all;
    for (const ParameterBlock& p : lora.parameter_blocks()) {
        std::vector<float> g(static_cast<size_t>(p.count));
        be.download(g.data(), p.grad, g.size() * sizeof(float));
        all.insert(all.end(), g.begin(), g.end());
    }
    model.set_training_hooks(nullptr);
    return all;
}

TEST(CudaArchitectures, LogitsLossAndAdapterGradientsOfEveryFamilyMatchCpu) {
    QT_REQUIRE_GPU(gpu);
    std::string why;
    const auto files = arch_files(why);
    if (files.empty()) GTEST_SKIP() << why;
    for (const ArchFile& f : files) {
        SCOPED_TRACE(f.name);
        const double bound = f.quantized ? 5e-2 : 1e-3;
        std::shared_ptr<const GgufFile> file(GgufFile::open(f.path));
        auto cpu = LlamaModel::load(file, *shared_cpu_backend());
        auto gpu_model = LlamaModel::load(file, *gpu);
        const int vocab = cpu->config().vocab_size;
        double worst_logits = 0;
        int top1_checked = 0, top1_same = 0;
        for (const auto& p : prompts(vocab)) {
            std::vector<float> want, got;
            auto c1 = cpu->make_cache(64), c2 = gpu_model->make_cache(64);
            cpu->forward(p, c1, want, /*all_logits=*/true);
            gpu_model->forward(p, c2, got, /*all_logits=*/true);
            ASSERT_EQ(got.size(), want.size());
            worst_logits = std::max(worst_logits, relative_error(got, want));
            for (size_t t = 0; t < p.size(); ++t) {
                std::vector<float> w(want.begin() + static_cast<long>(t * vocab), want.begin() + static_cast<long>((t + 1) * vocab));
                std::vector<float> s = w;
                std::partial_sort(s.begin(), s.begin() + 2, s.end(), std::greater<>());
                if (s[0] - s[1] < 0.05f) continue;  // a near-tie at this precision
                ++top1_checked;
                const auto gi = std::max_element(got.begin() + static_cast<long>(t * vocab), got.begin() + static_cast<long>((t + 1) * vocab)) -
                                (got.begin() + static_cast<long>(t * vocab));
                top1_same += gi == std::max_element(w.begin(), w.end()) - w.begin();
            }
        }
        const Batch batch = make_batch(vocab);
        double nll_cpu = 0, nll_gpu = 0;
        const auto g_cpu = lora_gradients(*cpu, *shared_cpu_backend(), batch, nll_cpu);
        const auto g_gpu = lora_gradients(*gpu_model, *gpu, batch, nll_gpu);
        const double grad_err = relative_error(g_gpu, g_cpu);
        std::printf("%-18s logits rel err %.2e, top-1 %d/%d, training NLL %.6f vs %.6f, adapter grads rel err %.2e "
                    "(%zu values; bound %.0e)\n",
                    f.name.c_str(), worst_logits, top1_same, top1_checked, nll_gpu, nll_cpu, grad_err, g_cpu.size(), bound);
        EXPECT_LE(worst_logits, bound);
        EXPECT_EQ(top1_same, top1_checked);
        EXPECT_NEAR(nll_gpu, nll_cpu, bound * std::abs(nll_cpu));
        EXPECT_LE(grad_err, f.quantized ? 0.1 : 1e-2);
        EXPECT_GT(g_cpu.size(), 0u);
    }
}

}  // namespace
}  // namespace qt::test
