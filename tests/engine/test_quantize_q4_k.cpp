// Our Q4_K quantizer (quant/quantize_q4_k.cpp) against llama.cpp's own: a random
// model with F16 weights is quantized to Q4_K_S by llama_model_quantize (through
// llama-cpp-python: tests/oracle/quantize_llama_cpp.py), and every tensor it
// wrote as Q4_K is quantized again by quantize_row from the same F16 values.
// gguf-py has no K-quant quantizer, so llama.cpp is the reference here.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "gguf/random_llama_gguf.h"
#include "quant/dequantize.h"
#include "quant/quantize.h"
#include "test_support.h"

namespace {

using qt::GgmlType;

}  // namespace

TEST(QuantizeQ4K, EqualsLlamaCppsQuantizerOnEveryQ4KTensor) {
    if (qt::test::oracle_python().empty()) {
        if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh";
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
    }
    qt::test::TempDir dir("quantize-q4k");
    const std::string src = dir.path + "/f16.gguf", dst = dir.path + "/q4_k_s.gguf";
    qt::RandomLlamaSpec spec;
    spec.n_layers = 2;
    spec.dim = 256;
    spec.ffn_dim = 512;
    spec.n_heads = 4;
    spec.n_kv_heads = 2;
    spec.weight_type = GgmlType::F16;
    spec.embedding_type = GgmlType::F16;
    spec.seed = 5;
    qt::write_random_llama_gguf(src, spec);
    qt::test::run_oracle("quantize_llama_cpp.py", {src, dst, "Q4_K_S"});

    const auto from = qt::GgufFile::open(src);
    const auto ref = qt::GgufFile::open(dst);
    int tensors = 0;
    int64_t blocks = 0, equal_blocks = 0;
    double our_err = 0, ref_err = 0;
    for (const qt::GgufTensorInfo& t : ref->tensors()) {
        if (t.type != GgmlType::Q4_K) continue;
        ++tensors;
        const qt::GgufTensorInfo& s = from->tensor(t.name);
        ASSERT_EQ(s.dims, t.dims) << t.name;
        const int64_t cols = t.dims[0], rows = t.rows();
        const size_t row_bytes = t.nbytes / static_cast<size_t>(rows);
        const size_t src_row_bytes = s.nbytes / static_cast<size_t>(rows);
        std::vector<float> x(static_cast<size_t>(cols)), back(static_cast<size_t>(cols));
        std::vector<uint8_t> ours(row_bytes);
        for (int64_t r = 0; r < rows; ++r) {
            qt::dequantize_row(s.type, s.data + static_cast<size_t>(r) * src_row_bytes, x.data(), cols);
            qt::quantize_row(GgmlType::Q4_K, x.data(), ours.data(), cols);
            const uint8_t* theirs = t.data + static_cast<size_t>(r) * row_bytes;
            for (size_t b = 0; b < row_bytes / 144; ++b, ++blocks)
                equal_blocks += std::memcmp(ours.data() + 144 * b, theirs + 144 * b, 144) == 0;
            // Both round trips' squared error, so that a difference in a few blocks is seen to be noise.
            qt::dequantize_row(GgmlType::Q4_K, ours.data(), back.data(), cols);
            for (int64_t i = 0; i < cols; ++i) our_err += std::pow(back[i] - x[i], 2);
            qt::dequantize_row(GgmlType::Q4_K, theirs, back.data(), cols);
            for (int64_t i = 0; i < cols; ++i) ref_err += std::pow(back[i] - x[i], 2);
        }
    }
    std::printf("[ q4_k ] %d Q4_K tensors, %lld of %lld super-blocks byte-identical to llama.cpp's; "
                "squared error ours %.6g, llama.cpp %.6g\n",
                tensors, static_cast<long long>(equal_blocks), static_cast<long long>(blocks), our_err, ref_err);
    ASSERT_GE(tensors, 7) << "Q4_K_S makes the linears of a 256-wide model Q4_K";
    EXPECT_EQ(equal_blocks, blocks) << "ggml's reference rule, byte for byte";
    EXPECT_NEAR(our_err, ref_err, 1e-6 * ref_err);
}

TEST(QuantizeQ4K, RoundTripErrorStaysWithinEachSubBlocksStep) {
    // x = d sc q - dmin m with q in 0..15: a weight is off by at most half a step
    // d sc / 2 of its sub-block, plus the 6-bit rounding of the min (dmin / 2).
    std::vector<float> x(1024);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)) * (i < 512 ? 0.02 : 3.0) +
                                  (i % 256 < 32 ? 1.0 : 0.0));
    std::vector<uint8_t> q(4 * 144);
    qt::quantize_row(GgmlType::Q4_K, x.data(), q.data(), static_cast<int64_t>(x.size()));
    std::vector<float> back(x.size());
    qt::dequantize_row(GgmlType::Q4_K, q.data(), back.data(), static_cast<int64_t>(x.size()));
    for (size_t sb = 0; sb < 4; ++sb) {
        float lo = x[256 * sb], hi = lo;
        for (size_t i = 256 * sb; i < 256 * (sb + 1); ++i) {
            lo = std::min(lo, x[i]);
            hi = std::max(hi, x[i]);
        }
        // The whole super-block's range over 15 codes bounds every sub-block's step.
        const float bound = (hi - std::min(lo, 0.0f)) / 15.0f;
        for (size_t i = 256 * sb; i < 256 * (sb + 1); ++i)
            ASSERT_LE(std::fabs(back[i] - x[i]), bound) << "weight " << i;
    }
    EXPECT_THROW(qt::quantize_row(GgmlType::Q4_K, x.data(), q.data(), 100), std::invalid_argument);
}
