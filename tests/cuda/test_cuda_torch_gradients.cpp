// Whole-model gradients against PyTorch autograd (tests/oracle/llama_torch_gradients.py,
// float64 on the same dequantized weights): LoRA adapters on every linear, and two
// dense weights' dW, from our backward on the CPU and the CUDA backend. Runs where
// a GPU and the GPU machine's Python with torch are; skips, saying why, elsewhere.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cuda_test_support.h"
#include "methods/lora_adapters.h"
#include "model/llama_backprop.h"
#include "quant/dequantize.h"

namespace {

namespace fs = std::filesystem;

// LoRA's hooks, plus the dense dW of chosen weights kept for the comparison.
class LoraWithDenseGrads final : public qt::TrainingHooks {
public:
    LoraWithDenseGrads(qt::LoraAdapters& lora, std::vector<qt::LinearId> dense, qt::Backend& b)
        : lora_(lora), dense_(std::move(dense)), b_(b), grads_(dense_.size()) {}
    bool has_extra(qt::LinearId id) const override { return lora_.has_extra(id); }
    void forward_extra(qt::LinearId id, const qt::WeightTensor& w, const float* x, float* y, int n) override {
        lora_.forward_extra(id, w, x, y, n);
    }
    void backward_extra(qt::LinearId id, const qt::WeightTensor& w, const float* x, const float* dy, float* dx,
                        int n) override {
        lora_.backward_extra(id, w, x, dy, dx, n);
    }
    bool wants_weight_gradient(qt::LinearId id) const override { return find(id) >= 0; }
    void consume_weight_gradient(qt::LinearId id, qt::WeightTensor& w, const float* grad) override {
        auto& g = grads_[static_cast<size_t>(find(id))];
        g.resize(static_cast<size_t>(w.rows * w.cols));
        b_.download(g.data(), grad, g.size() * sizeof(float));
    }
    const std::vector<float>& grad(size_t i) const { return grads_[i]; }

private:
    int find(qt::LinearId id) const {
        for (size_t i = 0; i < dense_.size(); ++i)
            if (dense_[i].layer == id.layer && dense_[i].slot == id.slot) return static_cast<int>(i);
        return -1;
    }
    qt::LoraAdapters& lora_;
    std::vector<qt::LinearId> dense_;
    qt::Backend& b_;
    std::vector<std::vector<float>> grads_;
};

void write_floats(const fs::path& p, const std::vector<float>& v) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
}

template <class T>
std::vector<T> read_values(const fs::path& p) {
    std::ifstream in(p, std::ios::binary | std::ios::ate);
    std::vector<T> v(static_cast<size_t>(in.tellg()) / sizeof(T));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
    return v;
}

// ||a - ref|| / ||ref|| in double.
double rel_error(const std::vector<float>& a, const std::vector<double>& ref) {
    if (a.size() != ref.size() || ref.empty()) return INFINITY;
    double num = 0, den = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        num += (a[i] - ref[i]) * (a[i] - ref[i]);
        den += ref[i] * ref[i];
    }
    return std::sqrt(num / den);
}

struct Case {
    qt::GgmlType type;
    double bound;  // relative error bound of every gradient against torch
};

}  // namespace

TEST(CudaTorchGradients, LoraAndDenseGradientsMatchPytorchAutogradOnBothBackends) {
    QT_REQUIRE_GPU(gpu);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line out before anything else can go wrong
    if (std::system("python3 -c 'import torch' >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "python3 with torch is missing here (the GPU machine has it)";
    const std::string script = std::string(QT_TEST_SOURCE_DIR) + "/tests/oracle/llama_torch_gradients.py";
    // The training forward multiplies float32 activations by the weights dequantized
    // to float32 (Backend::matmul_float) for F32 and Q4_1 alike, so both sides compute
    // the same function and only the float32 rounding differs: measured on an H100,
    // at most 1.2e-6 (CPU) and 1.0e-6 (CUDA) relative; a wrong term is off by O(1).
    for (const Case& c : {Case{qt::GgmlType::F32, 1e-5}, Case{qt::GgmlType::Q4_1, 1e-5}}) {
        qt::RandomLlamaSpec spec = qt::test::small_llama_spec(c.type, 320, 11);
        spec.embedding_type = c.type == qt::GgmlType::F32 ? qt::GgmlType::F32 : qt::GgmlType::Q8_0;
        auto file = qt::test::open_random_llama(spec, "torch_grads");
        const fs::path dir = fs::temp_directory_path() / ("qt_torch_grads_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        const qt::test::NextTokenBatch batch = qt::test::random_next_token_batch(2, 40, 320, 5);
        std::vector<float> torch_loss_and_grads;
        for (qt::Backend* b : {qt::test::shared_cpu_backend(), gpu}) {
            auto model = qt::LlamaModel::load(file, *b, {});
            const qt::LlamaConfig& cfg = model->config();
            qt::LoraSettings s;
            s.rank = 4;
            s.alpha = 8;
            qt::LoraAdapters lora(*model, s);
            // B starts at zero (and with it dA): give every factor a value.
            std::vector<float> theta(static_cast<size_t>(lora.size()));
            lora.read(0, lora.size(), theta.data());
            std::mt19937 rng(9);
            std::normal_distribution<float> nd(0.0f, 0.05f);
            for (float& v : theta) v += nd(rng);
            lora.write(0, lora.size(), theta.data());
            const std::vector<qt::LinearId> dense = {{0, qt::LinearSlot::Q}, {1, qt::LinearSlot::Down}};
            LoraWithDenseGrads hooks(lora, dense, *b);
            model->set_training_hooks(&hooks);
            qt::LlamaBackprop bp(*model);
            lora.zero_gradients();
            const qt::BackpropResult r = bp.forward_backward(batch.tokens, 2, batch.targets, 1.0);
            model->set_training_hooks(nullptr);

            if (b == qt::test::shared_cpu_backend()) {
                // The oracle's inputs, once per case: dequantized weights, adapters, tokens.
                nlohmann::json j;
                j["n_layers"] = cfg.n_layers;
                j["dim"] = cfg.dim;
                j["ffn_dim"] = cfg.ffn_dim;
                j["n_heads"] = cfg.n_heads;
                j["n_kv_heads"] = cfg.n_kv_heads;
                j["head_dim"] = cfg.head_dim;
                j["n_rot"] = cfg.n_rot;
                j["vocab_size"] = cfg.vocab_size;
                j["rms_eps"] = cfg.rms_eps;
                j["rope_freq_base"] = cfg.rope_freq_base;
                j["tied_output"] = cfg.tied_output;
                j["lora_rank"] = s.rank;
                j["lora_alpha"] = s.alpha;
                j["n_seqs"] = 2;
                j["dense_grads"] = {model->linear(dense[0]).name, model->linear(dense[1]).name};
                for (const auto& t : file->tensors()) {
                    std::vector<float> f(static_cast<size_t>(t.num_elements()));
                    const int64_t cols = t.dims[0], rows = static_cast<int64_t>(f.size()) / cols;
                    for (int64_t rr = 0; rr < rows; ++rr)
                        qt::dequantize_row(t.type, static_cast<const uint8_t*>(t.data) + rr * qt::ggml_row_size(t.type, cols),
                                           f.data() + rr * cols, cols);
                    write_floats(dir / (t.name + ".f32"), f);
                }
                for (const auto& a : lora.download()) {
                    j["lora_targets"].push_back(a.base_name);
                    j["shapes"][a.base_name] = {a.out, a.in};
                    write_floats(dir / ("lora." + a.base_name + ".a.f32"), a.a);
                    write_floats(dir / ("lora." + a.base_name + ".b.f32"), a.b);
                }
                std::ofstream(dir / "config.json") << j.dump();
                std::ofstream(dir / "tokens.i32", std::ios::binary)
                    .write(reinterpret_cast<const char*>(batch.tokens.data()), static_cast<std::streamsize>(batch.tokens.size() * 4));
                std::ofstream(dir / "targets.i32", std::ios::binary)
                    .write(reinterpret_cast<const char*>(batch.targets.data()), static_cast<std::streamsize>(batch.targets.size() * 4));
                ASSERT_EQ(std::system(("python3 '" + script + "' '" + dir.string() + "'").c_str()), 0);
            }
            std::printf("[ torch grads ] %s: our backward done\n", b == gpu ? "CUDA" : "CPU");
            const double torch_loss = read_values<double>(dir / "loss.f64").at(0);
            const char* where = b == gpu ? "CUDA" : "CPU";
            const std::string type_name(qt::ggml_type_name(c.type));
            const char* type = type_name.c_str();
            std::printf("[ torch grads ] %s %s: loss %.6f vs torch %.6f\n", type, where, r.sum_nll,
                        torch_loss);
            EXPECT_NEAR(r.sum_nll, torch_loss, c.bound * std::abs(torch_loss));
            // LoRA: every factor's gradient, back to back as the method lays them out.
            std::vector<float> ours;
            std::vector<double> ref;
            for (const auto& a : lora.download()) {
                for (const char* f : {".a", ".b"}) {
                    const auto g = read_values<double>(dir / ("grad.lora." + a.base_name + f + ".f64"));
                    ref.insert(ref.end(), g.begin(), g.end());
                }
            }
            for (const qt::ParameterBlock& p : lora.parameter_blocks()) {
                const size_t at = ours.size();
                ours.resize(at + static_cast<size_t>(p.count));
                b->download(ours.data() + at, p.grad, static_cast<size_t>(p.count) * sizeof(float));
            }
            const double e_lora = rel_error(ours, ref);
            std::printf("[ torch grads ] %s %s: LoRA gradient (%zu values) relative error %.2e\n",
                        type, where, ref.size(), e_lora);
            EXPECT_LT(e_lora, c.bound);
            for (size_t i = 0; i < dense.size(); ++i) {
                const std::string name = model->linear(dense[i]).name;
                const double e = rel_error(hooks.grad(i), read_values<double>(dir / ("grad." + name + ".f64")));
                std::printf("[ torch grads ] %s %s: dW of %s relative error %.2e\n", type, where,
                            name.c_str(), e);
                EXPECT_LT(e, c.bound);
            }
        }
        fs::remove_all(dir);
    }
}
