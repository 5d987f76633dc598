// Zeroth-order training on the GPU against the CPU backend.
//   - z: the device's Philox normals against the host's, bit for bit, over index
//     ranges that start inside and outside Philox groups of four and above 2^32.
//   - The zo ops (perturb, restore, update with the sign rule, MeZO's add) on
//     random blocks: GPU and CPU results bit-identical. Both round every product
//     and sum separately (backend.h), so only a z that differs would move them.
//   - One whole QZO step (perturb +, loss, perturb -, loss, restore, update) on a
//     small random Q4_0 model: the updated float32 master scales and the fp16
//     fields in the blocks equal the CPU's. The losses of the two backends differ
//     by rounding (the forward is not bit-identical), so the step clips the
//     directional derivative (C far below |d|) along a noise direction that moves
//     the loss by more than that rounding: both then apply coeff = lr * C with
//     the same sign of d, and the bound on the masters is that of the update op:
//     |master_gpu - master_cpu| <= |coeff| * ulp(z) + ulp(master), i.e. zero
//     while z agrees bit for bit.
//   - MeZO's float32 matmul (cuBLAS SGEMM) against the CPU's within 1e-5 relative.
//   - The tensor-core path of the quantized matmul (128 tokens and up: weights
//     dequantized to bf16, x rounded to bf16, float32 accumulation) against
//     float64 products of the dequantized weights within 1e-2 relative (bf16
//     keeps 8 bits: 2^-9 relative per operand, ~3e-3 over a random dot), and
//     against the CPU backend (x in 8-bit blocks) within 2e-2.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "backend/cuda_backend.h"
#include "cuda_test_support.h"
#include "methods/qzo_scales.h"
#include "methods/zo_step.h"
#include "model/llama_model.h"
#include "quant/dequantize.h"
#include "quant/half.h"
#include "util/philox_normal.h"

namespace qt::test {
namespace {

int64_t ulp_distance(float a, float b) {
    const auto ia = std::bit_cast<int32_t>(a), ib = std::bit_cast<int32_t>(b);
    // Map to a monotonic integer line so that -0 and +0 are one apart at most.
    const int64_t ma = ia < 0 ? -static_cast<int64_t>(ia & 0x7fffffff) : ia;
    const int64_t mb = ib < 0 ? -static_cast<int64_t>(ib & 0x7fffffff) : ib;
    return std::llabs(ma - mb);
}

TEST(CudaZo, NormalsAreBitIdenticalToTheHost) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    struct Range {
        uint64_t index0;
        int64_t count;
    };
    const Range ranges[] = {{0, 1 << 20}, {1, 4099}, {3, 5}, {7, 1 << 18}, {(uint64_t{1} << 33) + 2, 1 << 18}};
    int64_t total = 0, inexact = 0, beyond_one_ulp = 0;
    for (const Range& r : ranges) {
        const ZoNoise noise{seed, seed % 100000 + r.index0};
        DeviceBuffer buf = gpu->alloc(static_cast<size_t>(r.count) * sizeof(float), MemoryCategory::Activations);
        cuda_normals(*gpu, buf.f32(), r.count, noise, r.index0);
        const auto dev = from_backend(*gpu, buf, static_cast<size_t>(r.count));
        for (int64_t i = 0; i < r.count; ++i) {
            const float host = philox_normal(noise.seed, noise.step, r.index0 + static_cast<uint64_t>(i));
            const int64_t d = ulp_distance(dev[static_cast<size_t>(i)], host);
            inexact += d != 0;
            beyond_one_ulp += d > 1;
        }
        total += r.count;
    }
    std::printf("[ z        ] %lld device normals, %lld not bit-identical to the host (%lld beyond 1 ulp)\n",
                static_cast<long long>(total), static_cast<long long>(inexact), static_cast<long long>(beyond_one_ulp));
    EXPECT_EQ(beyond_one_ulp, 0);
    // philox_normal.h: double log/sincos may put about one value in 10^8 one float ulp off.
    EXPECT_LE(inexact, 1) << "more than one device normal differs from the host's";
}

std::vector<uint8_t> download_bytes(Backend& b, const void* src, size_t n) {
    std::vector<uint8_t> v(n);
    b.download(v.data(), src, n);
    return v;
}

// Scale fields and masters of two backends compared bit for bit.
TEST(CudaZo, ScaleOpsAreBitIdenticalToCpu) {
    QT_REQUIRE_GPU(gpu);
    Backend* cpu = shared_cpu_backend();
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    struct Case {
        GgmlType type;
        size_t field_offset;
        bool keep_sign;
    };
    for (const Case& c : {Case{GgmlType::Q4_0, 0, true}, Case{GgmlType::Q4_1, 2, false}, Case{GgmlType::Q4_1, 0, true}}) {
        const int64_t rows = 97, cols = 256;
        const auto blocks = random_weight_rows(c.type, rows, cols, 0.05f, rng);
        const size_t block_bytes = ggml_traits(c.type).type_size;
        const int64_t count = rows * cols / 32;
        // Masters: the fields' values, some nudged close to zero so that the update's sign rule bites.
        std::vector<float> master(static_cast<size_t>(count));
        for (int64_t b = 0; b < count; ++b) {
            uint16_t h;
            std::memcpy(&h, blocks.data() + static_cast<size_t>(b) * block_bytes + c.field_offset, 2);
            master[static_cast<size_t>(b)] = fp16_to_fp32(h) * (b % 7 == 0 ? 1e-3f : 1.0f);
        }
        Backend* backends[2] = {gpu, cpu};
        std::vector<uint8_t> out_blocks[2][3];
        std::vector<float> out_master[2];
        const ZoNoise noise{seed + 1, 12345};
        const uint64_t index0 = 1000003;  // not a multiple of 4
        for (int k = 0; k < 2; ++k) {
            Backend& be = *backends[k];
            DeviceBuffer blk = be.alloc(blocks.size(), MemoryCategory::Weights);
            be.upload(blk.data(), blocks.data(), blocks.size());
            DeviceBuffer m = to_backend(be, master);
            const BlockFieldView view{blk.data(), block_bytes, c.field_offset, count};
            be.zo_write_scales(view, m.f32(), 1e-3f, noise, index0);
            out_blocks[k][0] = download_bytes(be, blk.data(), blocks.size());
            be.zo_write_scales(view, m.f32(), 0.0f, noise, index0);
            out_blocks[k][1] = download_bytes(be, blk.data(), blocks.size());
            be.zo_update_masters(m.f32(), count, 2e-4f, c.keep_sign, noise, index0);
            be.zo_write_scales(view, m.f32(), 0.0f, noise, index0);
            out_blocks[k][2] = download_bytes(be, blk.data(), blocks.size());
            out_master[k] = from_backend(be, m, master.size());
        }
        const char* what[3] = {"perturbed fields", "restored fields", "updated fields"};
        for (int s = 0; s < 3; ++s) EXPECT_EQ(out_blocks[0][s], out_blocks[1][s]) << what[s] << ", type " << ggml_type_name(c.type);
        EXPECT_EQ(std::memcmp(out_master[0].data(), out_master[1].data(), master.size() * sizeof(float)), 0)
            << "updated masters differ";
        int64_t changed = 0, clamped = 0;
        for (size_t b = 0; b < master.size(); ++b) {
            changed += out_master[1][b] != master[b];
            clamped += out_master[1][b] == 0.0f && master[b] != 0.0f;
        }
        std::printf("[ zo ops   ] %s field @%zu: %lld of %lld masters changed, %lld clamped at zero\n",
                    std::string(ggml_type_name(c.type)).c_str(), c.field_offset, static_cast<long long>(changed),
                    static_cast<long long>(count), static_cast<long long>(clamped));
        EXPECT_GT(changed, count * 9 / 10);
        if (c.keep_sign) {
            EXPECT_GT(clamped, 0) << "the sign rule was never exercised";
        }
        // The restore writes fp16(master) exactly: the original fields where the master was not nudged.
        for (int64_t b = 0; b < count; b += 7 * 13 + 1) {
            if (b % 7 == 0) continue;
            EXPECT_EQ(std::memcmp(out_blocks[0][1].data() + b * block_bytes + c.field_offset,
                                      blocks.data() + b * block_bytes + c.field_offset, 2),
                      0);
        }
    }
}

TEST(CudaZo, AddNoiseIsBitIdenticalToCpu) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    const auto x = random_floats(300001, 0.02f, rng);
    std::vector<float> out[2];
    Backend* backends[2] = {gpu, shared_cpu_backend()};
    for (int k = 0; k < 2; ++k) {
        DeviceBuffer b = to_backend(*backends[k], x);
        backends[k]->zo_add_noise(b.f32(), static_cast<int64_t>(x.size()), 1e-3f, {seed, 7}, 5);
        backends[k]->zo_add_noise(b.f32(), static_cast<int64_t>(x.size()), -2e-3f, {seed, 7}, 5);
        out[k] = from_backend(*backends[k], b, x.size());
    }
    EXPECT_EQ(std::memcmp(out[0].data(), out[1].data(), x.size() * sizeof(float)), 0);
    EXPECT_NE(out[1], x);
}

TEST(CudaZo, MatmulF32MatchesCpu) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    for (const auto& [rows, cols, n] : {std::tuple{300, 200, 1}, std::tuple{257, 576, 7}, std::tuple{1536, 576, 64}}) {
        const auto w = random_floats(static_cast<size_t>(rows) * cols, 0.05f, rng);
        const auto x = random_floats(static_cast<size_t>(n) * cols, 1.0f, rng);
        std::vector<float> y[2];
        Backend* backends[2] = {gpu, shared_cpu_backend()};
        for (int k = 0; k < 2; ++k) {
            Backend& be = *backends[k];
            WeightTensor wt;
            wt.name = "w";
            wt.type = GgmlType::F32;
            wt.rows = rows;
            wt.cols = cols;
            wt.row_bytes = static_cast<size_t>(cols) * 4;
            wt.storage = to_backend(be, w);
            wt.data = wt.storage.data();
            DeviceBuffer xb = to_backend(be, x);
            DeviceBuffer yb = to_backend(be, std::vector<float>(static_cast<size_t>(n) * rows, NAN));  // poisoned
            be.matmul_f32(wt, xb.f32(), yb.f32(), n);
            y[k] = from_backend(be, yb, static_cast<size_t>(n) * rows);
        }
        const double err = relative_error(y[0], y[1]);
        std::printf("[ matmul32 ] %d x %d, n %d: relative error %.3g\n", rows, cols, n, err);
        EXPECT_LE(err, 1e-5);
    }
}

TEST(CudaZo, TensorCoreMatmulMatchesFloat64) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    struct Case {
        GgmlType type;
        int64_t rows, cols;
        int n;
    };
    // The last case is an output head: its bf16 copy is made in two tiles of rows.
    for (const Case& cs : {Case{GgmlType::Q4_0, 320, 768, 160}, Case{GgmlType::Q4_1, 320, 768, 160},
                           Case{GgmlType::Q8_0, 320, 768, 160}, Case{GgmlType::Q4_K, 320, 768, 160},
                           Case{GgmlType::Q6_K, 320, 768, 160}, Case{GgmlType::Q4_0, 40000, 2048, 128}}) {
        const GgmlType type = cs.type;
        const int64_t rows = cs.rows, cols = cs.cols;
        const int n = cs.n;
        const auto w = random_weight_rows(type, rows, cols, 0.05f, rng);
        const auto x = random_floats(static_cast<size_t>(n) * cols, 1.0f, rng);
        std::vector<float> y[2];
        Backend* backends[2] = {gpu, shared_cpu_backend()};
        for (int k = 0; k < 2; ++k) {
            Backend& be = *backends[k];
            WeightTensor wt = be.load_weight("w", type, cols, rows, w.data(), false);
            DeviceBuffer xb = to_backend(be, x);
            DeviceBuffer yb = to_backend(be, std::vector<float>(static_cast<size_t>(n) * rows, NAN));  // poisoned
            be.matmul(wt, xb.f32(), yb.f32(), n);
            y[k] = from_backend(be, yb, static_cast<size_t>(n) * rows);
        }
        if (rows * cols > 1000000) {  // too large for a float64 reference here: the CPU backend only
            const double vs_cpu = relative_error(y[0], y[1]);
            std::printf("[ gemm     ] %s %lld x %lld, %d tokens (tiled): vs CPU backend %.3g\n",
                        std::string(ggml_type_name(type)).c_str(), static_cast<long long>(rows),
                        static_cast<long long>(cols), n, vs_cpu);
            EXPECT_LE(vs_cpu, 2e-2) << ggml_type_name(type);
            continue;
        }
        std::vector<float> wf(static_cast<size_t>(rows * cols)), exact(static_cast<size_t>(n) * rows);
        const size_t row_bytes = ggml_row_size(type, cols);
        for (int64_t r = 0; r < rows; ++r) dequantize_row(type, w.data() + r * row_bytes, wf.data() + r * cols, cols);
        for (int t = 0; t < n; ++t)
            for (int64_t r = 0; r < rows; ++r) {
                double acc = 0;
                for (int64_t c = 0; c < cols; ++c)
                    acc += static_cast<double>(wf[static_cast<size_t>(r * cols + c)]) * x[static_cast<size_t>(t) * cols + c];
                exact[static_cast<size_t>(t) * rows + r] = static_cast<float>(acc);
            }
        const double vs_exact = relative_error(y[0], exact), vs_cpu = relative_error(y[0], y[1]);
        std::printf("[ gemm     ] %s %lld x %lld, %d tokens: vs float64 %.3g, vs CPU backend %.3g\n",
                    std::string(ggml_type_name(type)).c_str(), static_cast<long long>(rows), static_cast<long long>(cols), n, vs_exact, vs_cpu);
        EXPECT_LE(vs_exact, 1e-2) << ggml_type_name(type);
        EXPECT_LE(vs_cpu, 2e-2) << ggml_type_name(type);
    }
}

// A small random Q4_0 model (signed scales: the sign rule is live) on both backends.
class CudaQzoStep : public ::testing::Test {
protected:
    void SetUp() override {
        gpu_ = shared_gpu_backend(why_);
        if (!gpu_) GTEST_SKIP() << "no usable CUDA device: " << why_;
        seed_ = fresh_seed();
        RandomLlamaSpec spec = small_llama_spec(GgmlType::Q4_0, 384, seed_);
        spec.tied_output = false;  // the output head trains too
        spec.embedding_type = GgmlType::Q8_0;
        file_ = open_random_llama(spec, "qzo");
        LlamaLoadOptions writable;
        writable.writable_weights = true;
        models_[0] = LlamaModel::load(file_, *gpu_, writable);
        models_[1] = LlamaModel::load(file_, *shared_cpu_backend(), writable);
    }

    // Mean next-token cross-entropy over a fixed batch, in double on the host.
    double loss(LlamaModel& m, const std::vector<std::vector<int32_t>>& batch) {
        const int vocab = m.config().vocab_size;
        double sum = 0;
        int64_t count = 0;
        KvCache cache = m.make_cache(64);
        std::vector<float> logits;
        for (const auto& seq : batch) {
            cache.n_filled = 0;
            m.forward(seq, cache, logits, true);
            for (size_t t = 0; t + 1 < seq.size(); ++t) {
                const float* row = logits.data() + t * vocab;
                double mx = row[0];
                for (int i = 1; i < vocab; ++i) mx = std::max(mx, static_cast<double>(row[i]));
                double s = 0;
                for (int i = 0; i < vocab; ++i) s += std::exp(row[i] - mx);
                sum += mx + std::log(s) - row[seq[t + 1]];
                ++count;
            }
        }
        return sum / static_cast<double>(count);
    }

    std::string why_;
    Backend* gpu_ = nullptr;
    uint64_t seed_ = 0;
    std::shared_ptr<const GgufFile> file_;
    std::unique_ptr<LlamaModel> models_[2];
};

TEST_F(CudaQzoStep, UpdatedScalesEqualCpu) {
    std::mt19937_64 rng(seed_ + 1);
    std::uniform_int_distribution<int32_t> id(0, models_[0]->config().vocab_size - 1);
    std::vector<std::vector<int32_t>> batch(4, std::vector<int32_t>(32));
    for (auto& s : batch)
        for (auto& t : s) t = id(rng);

    ZoStepSettings settings;
    settings.eps = 1e-2;
    settings.lr = 10.0;
    settings.clip = true;
    settings.clip_value = 1e-4;  // far below |d| of a random model: both backends clip
    // The forward passes agree within rounding: 8-bit activation codes (summed in
    // another order) and attention probabilities in fp16 on both backends, but
    // rounded against running maxima on the GPU's tensor-core tiles. Measured
    // differences on this random model: 5e-5 .. 1.04e-3 of the loss over 6 seeds.
    constexpr double kLossTolerance = 2e-3;  // relative
    // Both backends must clip with the same sign: the direction z must move the loss
    // by more than the two losses may differ between backends. |l+ - l-| is mostly
    // ~0.1 here, but a z nearly orthogonal to the gradient gives ~1e-3 (seen once in
    // ~20 runs), so the first of up to 16 noise steps whose CPU difference exceeds
    // twice the tolerance is taken.
    ZoNoise noise{seed_ + 2, 0};
    {
        QzoScales probe(*models_[1], QzoOptions{});
        bool found = false;
        for (uint64_t step = 0; step < 16 && !found; ++step) {
            noise.step = step;
            probe.perturb(noise, static_cast<float>(settings.eps));
            const double lp = loss(*models_[1], batch);
            probe.perturb(noise, static_cast<float>(-settings.eps));
            const double lm = loss(*models_[1], batch);
            probe.finish_step(noise, 0.0f);  // restores the fields: the masters are the file's values
            found = std::fabs(lp - lm) > 2 * kLossTolerance * std::max(std::fabs(lp), std::fabs(lm));
        }
        ASSERT_TRUE(found) << "no noise step of 16 moves the loss by more than the backends' rounding";
    }
    std::vector<float> before, after[2];
    std::vector<std::vector<uint8_t>> fields[2];
    ZoStepResult result[2];
    for (int k = 0; k < 2; ++k) {
        QzoScales scales(*models_[k], QzoOptions{});
        if (k == 0) {
            before.resize(static_cast<size_t>(scales.size()));
            scales.read(0, scales.size(), before.data());
        }
        result[k] = zo_step(scales, noise, settings, [&] { return loss(*models_[k], batch); });
        after[k].resize(static_cast<size_t>(scales.size()));
        scales.read(0, scales.size(), after[k].data());
        for (const auto& g : scales.groups())
            fields[k].push_back(download_bytes(models_[k]->backend(), g.view.blocks,
                                               static_cast<size_t>(g.view.count) * g.view.block_bytes));
    }
    std::printf("[ qzo step ] GPU l+ %.9f l- %.9f d %.6g | CPU l+ %.9f l- %.9f d %.6g | coeff %.3g\n",
                result[0].loss_plus, result[0].loss_minus, result[0].projected_grad, result[1].loss_plus,
                result[1].loss_minus, result[1].projected_grad, result[1].update_coeff);
    EXPECT_NEAR(result[0].loss_plus, result[1].loss_plus, kLossTolerance * std::fabs(result[1].loss_plus));
    EXPECT_NEAR(result[0].loss_minus, result[1].loss_minus, kLossTolerance * std::fabs(result[1].loss_minus));
    ASSERT_TRUE(result[0].clipped && result[1].clipped) << "the test needs |d| above C on both backends";
    ASSERT_EQ(result[0].update_coeff, result[1].update_coeff) << "d has different signs on the two backends";

    ASSERT_EQ(after[0].size(), after[1].size());
    int64_t differ = 0, changed = 0;
    double worst = 0;
    for (size_t i = 0; i < after[0].size(); ++i) {
        differ += std::bit_cast<uint32_t>(after[0][i]) != std::bit_cast<uint32_t>(after[1][i]);
        changed += after[1][i] != before[i];
        worst = std::max(worst, std::fabs(static_cast<double>(after[0][i]) - after[1][i]));
    }
    std::printf("[ qzo step ] %zu master scales: %lld changed by the step, %lld differ GPU vs CPU (max |diff| %.3g)\n",
                after[0].size(), static_cast<long long>(changed), static_cast<long long>(differ), worst);
    EXPECT_GT(changed, static_cast<int64_t>(after[0].size()) * 9 / 10);
    EXPECT_EQ(differ, 0);
    EXPECT_EQ(fields[0], fields[1]) << "the fp16 fields written into the blocks differ";
}

}  // namespace
}  // namespace qt::test
