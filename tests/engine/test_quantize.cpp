// quantize_row against gguf-py's numpy quantization (tests/oracle/quantize_blocks.py),
// compared byte for byte, and its round trip through dequantize_row against the
// error bound of each block (quantize_bounds.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "quant/dequantize.h"
#include "quant/ggml_type.h"
#include "quant/quantize.h"
#include "quantize_bounds.h"
#include "test_support.h"
#include "util/philox_normal.h"

namespace {

using qt::GgmlType;

constexpr int64_t kCols = 256;  // 8 blocks of 32 per row

const std::vector<GgmlType> kTypes = {GgmlType::F32,  GgmlType::F16,  GgmlType::Q4_0, GgmlType::Q4_1,
                                      GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0};

// Rows of 256 floats, 32 per block: normal blocks of spreads from 1e-3 to 30 (some
// shifted so that all their values share a sign), and blocks made to hit the
// rounding rules: all zero, one outlier among small values, equal values, an
// extreme of each sign of equal magnitude (the first one is the scale's),
// values exactly half a step from two codes, and fp16-subnormal scales.
std::vector<float> test_rows() {
    std::vector<float> x;
    auto block = [&](auto value) {
        for (int j = 0; j < 32; ++j) x.push_back(static_cast<float>(value(j)));
    };
    block([](int) { return 0.0; });                                                      // all zero
    block([](int j) { return j == 11 ? 5.0 : 0.01 * qt::philox_normal(7, 1, j); });      // one outlier
    block([](int j) { return j == 30 ? -40.0 : 0.2 * qt::philox_normal(7, 2, j); });     // negative outlier
    block([](int) { return 0.375; });                                                    // equal values
    block([](int j) { return j == 3 ? -2.0 : j == 9 ? 2.0 : 0.5 * qt::philox_normal(7, 3, j); });  // +-extremes
    // Q8_0: max 127 gives d = 1 exactly, so k + 0.5 is a tie (away from zero, not to even).
    block([](int j) { return j == 0 ? 127.0 : (j % 2 ? 1 : -1) * (0.5 + j); });
    // Q4_1: min 0, max 15 gives d = 1, so (x - min) / d + 0.5 lands on whole numbers.
    block([](int j) { return j == 0 ? 0.0 : j == 1 ? 15.0 : 0.5 * (j % 30); });
    // Q4_0 / Q5_0: extreme -8 (resp. -16 via the Q5 rows) gives d = 1, id = 1: half-steps again.
    block([](int j) { return j == 0 ? -8.0 : -7.5 + 0.5 * (j % 31); });
    block([](int j) { return j == 0 ? -16.0 : -15.5 + j; });
    block([](int j) { return 3e-6 * qt::philox_normal(7, 4, j); });  // fp16-subnormal scales
    block([](int j) { return 4.0 + std::fabs(qt::philox_normal(7, 5, j)); });  // all positive
    block([](int j) { return -4.0 - std::fabs(qt::philox_normal(7, 6, j)); });  // all negative
    // Random blocks to fill whole rows.
    const float spreads[] = {1e-3f, 0.02f, 0.1f, 1.0f, 30.0f};
    for (int b = 0; x.size() % kCols != 0 || b < 52; ++b)
        block([&](int j) {
            return spreads[b % 5] * qt::philox_normal(11, static_cast<uint64_t>(b), static_cast<uint64_t>(j)) +
                   (b % 7 == 0 ? spreads[b % 5] : 0.0f);
        });
    return x;
}

std::vector<uint8_t> quantize_all(GgmlType type, const std::vector<float>& x) {
    std::vector<uint8_t> out(qt::ggml_row_size(type, kCols) * (x.size() / kCols));
    const size_t row_bytes = qt::ggml_row_size(type, kCols);
    for (size_t r = 0; r < x.size() / kCols; ++r)
        qt::quantize_row(type, x.data() + r * kCols, out.data() + r * row_bytes, kCols);
    return out;
}

TEST(Quantize, MatchesGgufPyByteForByteForEveryQuantizableType) {
    if (qt::test::oracle_python().empty()) {
        if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh";
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
    }
    const auto x = test_rows();
    qt::test::TempDir dir("quantize");
    {
        std::ofstream out(dir.path + "/input.f32", std::ios::binary);
        out.write(reinterpret_cast<const char*>(x.data()), static_cast<std::streamsize>(x.size() * sizeof(float)));
    }
    std::vector<std::string> args = {dir.path, std::to_string(kCols)};
    for (GgmlType t : kTypes) args.emplace_back(qt::ggml_type_name(t));
    qt::test::run_oracle("quantize_blocks.py", args);

    for (GgmlType t : kTypes) {
        const auto& tr = qt::ggml_traits(t);
        const auto ours = quantize_all(t, x);
        const auto theirs = qt::test::read_bytes(dir.path + "/" + std::string(tr.name) + ".blocks");
        ASSERT_EQ(ours.size(), theirs.size()) << tr.name;
        int64_t differing_blocks = 0;
        for (size_t b = 0; b < ours.size() / tr.type_size; ++b) {
            if (std::memcmp(ours.data() + b * tr.type_size, theirs.data() + b * tr.type_size, tr.type_size) == 0)
                continue;
            if (differing_blocks++ < 5) {
                size_t k = 0;
                while (ours[b * tr.type_size + k] == theirs[b * tr.type_size + k]) ++k;
                ADD_FAILURE() << tr.name << ": block " << b << " differs first at byte " << k << " (ours "
                              << int(ours[b * tr.type_size + k]) << ", gguf-py " << int(theirs[b * tr.type_size + k])
                              << ")";
            }
        }
        EXPECT_EQ(differing_blocks, 0) << tr.name;
        std::cout << "[ compared ] " << tr.name << ": " << ours.size() / tr.type_size << " blocks, " << differing_blocks
                  << " differ\n";
    }
}

TEST(Quantize, RoundTripsWithinHalfAStepOfEachBlock) {
    const auto x = test_rows();
    for (GgmlType t : kTypes) {
        const auto& tr = qt::ggml_traits(t);
        const auto q = quantize_all(t, x);
        std::vector<float> y(x.size());
        for (size_t r = 0; r < x.size() / kCols; ++r)
            qt::dequantize_row(t, q.data() + r * qt::ggml_row_size(t, kCols), y.data() + r * kCols, kCols);
        // Largest error seen as a fraction of its bound: near 1 shows the bound is
        // tight (a quantizer that truncated instead of rounding errs by up to a whole
        // step, twice the bound's main term, and fails). Errors past half a step come
        // from the fp16 rounding of d and m (large for the fp16-subnormal block) and
        // from clipping at the top code.
        double worst_of_bound = 0;
        int64_t past_half_step = 0;
        for (size_t i = 0; i < x.size(); ++i) {
            const size_t b = i / static_cast<size_t>(tr.block_size);
            const int j = static_cast<int>(i % static_cast<size_t>(tr.block_size));
            const auto e = qt::test::quantization_error_bound(t, x.data() + b * tr.block_size,
                                                              q.data() + b * tr.type_size, j);
            const double err = std::fabs(static_cast<double>(y[i]) - x[i]);
            ASSERT_LE(err, e.bound) << tr.name << " element " << i << " (block " << b << "): x " << x[i]
                                    << ", dequantized " << y[i];
            if (e.half_step > 0) {
                worst_of_bound = std::max(worst_of_bound, err / e.bound);
                past_half_step += err > e.half_step;
            }
        }
        std::cout << "[ round trip ] " << tr.name << ": largest error " << worst_of_bound << " of its bound, "
                  << past_half_step << " elements past half a step\n";
        if (tr.quantized) {
            EXPECT_GT(worst_of_bound, 0.9) << tr.name;
        }
    }
}

TEST(Quantize, AllZeroBlockGivesZeroScaleAndZeroWeights) {
    std::vector<float> zeros(32, 0.0f), back(32, 1.0f);
    for (GgmlType t : kTypes) {
        std::vector<uint8_t> q(qt::ggml_row_size(t, 32));
        qt::quantize_row(t, zeros.data(), q.data(), 32);
        qt::dequantize_row(t, q.data(), back.data(), 32);
        for (float v : back) ASSERT_EQ(v, 0.0f) << qt::ggml_type_name(t);
    }
}

TEST(Quantize, RefusesOtherKQuantsAndPartialBlocksNamingTheType) {
    std::vector<float> x(256, 1.0f);
    std::vector<uint8_t> out(1024);
    for (GgmlType t : {GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q5_K, GgmlType::Q6_K,
                       GgmlType::Q8_K, GgmlType::BF16, GgmlType::Q8_1}) {
        EXPECT_FALSE(qt::quantizable(t));
        try {
            qt::quantize_row(t, x.data(), out.data(), 256);
            ADD_FAILURE() << qt::ggml_type_name(t) << " was quantized";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(std::string(qt::ggml_type_name(t))), std::string::npos) << e.what();
        }
    }
    for (GgmlType t : kTypes) EXPECT_TRUE(qt::quantizable(t));
    EXPECT_THROW(qt::quantize_row(GgmlType::Q4_1, x.data(), out.data(), 48), std::invalid_argument);
}

}  // namespace
