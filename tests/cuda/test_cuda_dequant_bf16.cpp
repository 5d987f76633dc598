// The tensor-core matmul (quant_matmul_gemm.cu) multiplies a bf16 copy of the
// weight made by its own dequantization kernels. Multiplying by one-hot token
// rows reads that copy back exactly (one product by 1.0, float accumulation):
// token t's output row r is bf16(W[r][t]) (a zero's sign aside). Each must equal the CPU's
// dequantization (engine/quant/dequantize.cpp) rounded to bf16, bit for bit,
// for every format the GPU loads, with a weight whose block count leaves the
// last chunk of the chunked kernel partial.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cuda_test_support.h"
#include "quant/dequantize.h"

namespace qt::test {
namespace {

// fp32 -> bf16 bits, round to nearest even (finite values only).
uint16_t bf16_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

uint32_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

}  // namespace

TEST(CudaDequantBf16, TensorCoreCopyIsTheCpuDequantizationRoundedToBf16) {
    QT_REQUIRE_GPU(gpu);
    const uint64_t seed = fresh_seed();
    std::mt19937_64 rng(seed);
    const int64_t cols = 256;  // also the token count: one one-hot token per column, on the tensor-core path
    const int64_t rows = 300;  // 2400 blocks of 32: nine full chunks of 256 and a partial one
    std::vector<float> eye(static_cast<size_t>(cols * cols), 0.0f);
    for (int64_t t = 0; t < cols; ++t) eye[static_cast<size_t>(t * cols + t)] = 1.0f;
    const DeviceBuffer x = to_backend(*gpu, eye);
    for (GgmlType type : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0,
                          GgmlType::Q4_K, GgmlType::Q6_K, GgmlType::F16}) {
        SCOPED_TRACE(std::string(ggml_type_name(type)) + ", seed " + std::to_string(seed));
        const auto blocks = random_weight_rows(type, rows, cols, 0.05f, rng);
        const size_t row_bytes = blocks.size() / static_cast<size_t>(rows);
        std::vector<float> ref(static_cast<size_t>(rows * cols));
        for (int64_t r = 0; r < rows; ++r)
            dequantize_row(type, blocks.data() + static_cast<size_t>(r) * row_bytes, ref.data() + r * cols, cols);
        const WeightTensor w = gpu->load_weight("w", type, cols, rows, blocks.data(), false);
        DeviceBuffer y = to_backend(*gpu, std::vector<float>(static_cast<size_t>(cols * rows), NAN));
        gpu->matmul(w, x.f32(), y.f32(), static_cast<int>(cols));
        const std::vector<float> got = from_backend(*gpu, y, static_cast<size_t>(cols * rows));
        int64_t differ = 0, nonzero = 0;
        for (int64_t t = 0; t < cols; ++t)
            for (int64_t r = 0; r < rows; ++r) {
                const float g = got[static_cast<size_t>(t * rows + r)], e = ref[static_cast<size_t>(r * cols + t)];
                nonzero += e != 0.0f;
                // The product by 1.0 is the bf16 weight itself: its bits, then 16 zero bits.
                // A zero's sign does not survive the sum with the other tokens' +0 products.
                const bool same = e == 0.0f ? g == 0.0f : float_bits(g) == static_cast<uint32_t>(bf16_bits(e)) << 16;
                if (!same) {
                    if (differ++ < 5)
                        ADD_FAILURE() << "row " << r << " column " << t << ": GPU " << g << ", CPU " << e
                                      << " rounded to bf16 " << bf16_bits(e);
                }
            }
        EXPECT_EQ(differ, 0) << "of " << rows * cols << " weights";
        EXPECT_GT(nonzero, rows * cols / 2) << "the random weight is mostly zeros: the check says little";
    }
}

}  // namespace qt::test
