// Weights of one shape on one normalized input (k and v; gate and up) share one
// strided-batched GEMM on the tensor-core path (CudaBackend::rmsnorm_matmul_shared_input,
// cuda::matmul_group). Each output must be what that weight's own product gives
// (rmsnorm, then matmul of the normalized rows), for 2 and 3 weights, with and
// without deferred QZO scales, whatever the order of the output buffers.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <vector>

#include "cuda_test_support.h"

namespace qt::test {
namespace {

TEST(CudaGemmGroup, EachOutputEqualsItsOwnProduct) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    constexpr int64_t kRows = 192, kCols = 256;
    constexpr int kTokens = 160;  // the tensor-core path
    for (GgmlType type : {GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_K}) {
        for (int count : {2, 3}) {
            std::vector<std::vector<uint8_t>> blocks;
            std::vector<WeightTensor> ws;
            for (int i = 0; i < count; ++i) {
                blocks.push_back(random_weight_rows(type, kRows, kCols, 0.05f, rng));
                std::string name = "w";
                name += std::to_string(i);
                ws.push_back(gpu->load_weight(name, type, kCols, kRows, blocks.back().data(), true));
            }
            const auto x = random_floats(static_cast<size_t>(kTokens) * kCols, 1.0f, rng);
            std::vector<float> norm(kCols);
            for (auto& v : norm) v = 0.5f + static_cast<float>(rng() % 1000) / 1000.0f;
            DeviceBuffer xd = to_backend(*gpu, x), nd = to_backend(*gpu, norm);
            // One buffer for all outputs, used back to front: equal distances, descending addresses.
            const size_t out = static_cast<size_t>(kTokens) * kRows;
            DeviceBuffer ys = gpu->alloc(out * sizeof(float) * count, MemoryCategory::Activations);
            DeviceBuffer xn = gpu->alloc(static_cast<size_t>(kTokens) * kCols * sizeof(float), MemoryCategory::Activations);
            DeviceBuffer ref = gpu->alloc(out * sizeof(float), MemoryCategory::Activations);
            // A deferred perturbation on the last weight's scales (QZO), for the formats that defer.
            DeviceBuffer master;
            if (type != GgmlType::Q4_K) {
                const size_t bb = ggml_traits(type).type_size;
                const int64_t nb = kRows * kCols / 32;
                std::vector<float> m(static_cast<size_t>(nb), 0.01f);
                master = to_backend(*gpu, m);
                gpu->zo_write_scales(BlockFieldView{const_cast<void*>(ws.back().data), bb, 0, nb}, master.f32(), 2e-3f,
                                     ZoNoise{seed, 3}, 7);
            }
            std::vector<const WeightTensor*> wp;
            std::vector<float*> yp;
            for (int i = 0; i < count; ++i) {
                wp.push_back(&ws[static_cast<size_t>(i)]);
                yp.push_back(ys.f32() + out * static_cast<size_t>(count - 1 - i));
            }
            gpu->rmsnorm_matmul_shared_input(xd.f32(), nd.f32(), 1e-5f, kCols, wp, yp, kTokens, xn.f32());
            gpu->rmsnorm(xd.f32(), nd.f32(), xn.f32(), kTokens, kCols, 1e-5f);
            for (int i = 0; i < count; ++i) {
                gpu->matmul(ws[static_cast<size_t>(i)], xn.f32(), ref.f32(), kTokens);
                std::vector<float> got(out), want(out);
                gpu->download(got.data(), yp[static_cast<size_t>(i)], out * sizeof(float));
                gpu->download(want.data(), ref.data(), out * sizeof(float));
                const double err = relative_error(got, want);
                std::printf("[ gemm grp ] %s, %d weights, weight %d: relative error %.3g against its own product\n",
                            std::string(ggml_type_name(type)).c_str(), count, i, err);
                EXPECT_LE(err, 1e-6) << ggml_type_name(type) << " weight " << i << " of " << count;
            }
        }
    }
}

}  // namespace
}  // namespace qt::test
