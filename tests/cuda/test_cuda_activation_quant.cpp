// The GPU's activation quantization (the first half of every quantized matmul)
// against the CPU's quantize_row_for_dot: the bytes must be identical, so that
// both backends feed the same integers to their dots.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <vector>

#include "cpu/quant_dot.h"
#include "cuda_ops.h"
#include "cuda_test_support.h"

namespace qt::test {
namespace {

TEST(CudaKernels, ActivationQuantizationIsBitExactWithCpu) {
    QT_REQUIRE_GPU(gpu);
    (void)gpu;
    cuda::Context* ctx = cuda::create_context(0);
    std::mt19937_64 rng(fresh_seed());
    for (GgmlType wt : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q4_K}) {
        const GgmlType dot = vec_dot_type(wt);
        SCOPED_TRACE(std::string(ggml_type_name(dot)));
        const int64_t cols = 512;
        const int n = 3;
        auto x = random_floats(static_cast<size_t>(n) * cols, 1.0f, rng);
        x[5] = -7.0f;  // a clear largest magnitude, negative
        const auto f = static_cast<cuda::WeightFormat>(static_cast<uint32_t>(wt));
        const size_t bytes = cuda::matmul_scratch_bytes(f, cols, n);
        ASSERT_EQ(bytes, ggml_row_size(dot, cols) * n);
        void* x_dev = cuda::malloc_device(ctx, x.size() * 4, "test");
        void* q_dev = cuda::malloc_device(ctx, bytes, "test");
        cuda::copy_to_device(ctx, x_dev, x.data(), x.size() * 4);
        cuda::quantize_activations(ctx, f, static_cast<const float*>(x_dev), cols, n, q_dev);
        std::vector<uint8_t> gpu_bytes(bytes), cpu_bytes(bytes);
        cuda::copy_to_host(ctx, gpu_bytes.data(), q_dev, bytes);
        const size_t row = ggml_row_size(dot, cols);
        for (int t = 0; t < n; ++t) quantize_row_for_dot(dot, x.data() + t * cols, cpu_bytes.data() + t * row, cols);
        size_t first = bytes;
        for (size_t i = 0; i < bytes; ++i)
            if (gpu_bytes[i] != cpu_bytes[i]) {
                first = i;
                break;
            }
        if (first < bytes) {
            std::printf("first difference at byte %zu of %zu; from byte %zu:\n gpu:", first, bytes, first - first % 16);
            for (size_t i = first - first % 16; i < std::min(bytes, first - first % 16 + 48); ++i)
                std::printf(" %02x", gpu_bytes[i]);
            std::printf("\n cpu:");
            for (size_t i = first - first % 16; i < std::min(bytes, first - first % 16 + 48); ++i)
                std::printf(" %02x", cpu_bytes[i]);
            std::printf("\n");
        }
        EXPECT_EQ(first, bytes) << "GPU and CPU quantized activations differ";
        cuda::free_device(ctx, x_dev);
        cuda::free_device(ctx, q_dev);
    }
    cuda::destroy_context(ctx);
}

}  // namespace
}  // namespace qt::test
