// engine/quant/half.h against numpy's float16 <-> float32 casts (tests/oracle/dequantize_half.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "quant/half.h"
#include "test_support.h"

namespace {

using qt::test::read_bytes;
using qt::test::TempDir;

uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

float float_of(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

std::string hex(uint32_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

bool is_half_nan(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0; }

// Runs the oracle in `dir` (with float32 inputs for the fp32 -> fp16 direction
// when given).
void run_half_oracle(const std::string& dir, const std::vector<float>& fp32_inputs) {
    if (!fp32_inputs.empty()) {
        std::ofstream out(dir + "/fp32_inputs.f32", std::ios::binary);
        out.write(reinterpret_cast<const char*>(fp32_inputs.data()),
                  static_cast<std::streamsize>(fp32_inputs.size() * sizeof(float)));
        if (!out) throw std::runtime_error("cannot write " + dir + "/fp32_inputs.f32");
    }
    qt::test::run_oracle("dequantize_half.py", {dir});
}

#define QT_REQUIRE_ORACLE()                                                                     \
    if (qt::test::oracle_python().empty()) {                                                    \
        if (qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh"; \
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";               \
    }

// Values that probe every rounding decision of float32 -> float16: for each
// finite half h >= 0, the exact value, the midpoint to the next half (exactly
// representable in float32) and one float32 ulp either side of both; then
// random patterns whose exponents span half underflow to overflow, fully random
// patterns (NaNs included), and specials. Both signs throughout.
std::vector<float> fp16_rounding_probes() {
    std::vector<float> v;
    auto both_signs = [&v](float x) {
        v.push_back(x);
        v.push_back(-x);
    };
    const float inf = std::numeric_limits<float>::infinity();
    for (uint32_t h = 0; h < 0x7c00u; ++h) {
        const float x = qt::fp16_to_fp32(static_cast<uint16_t>(h));
        // Past the largest half (65504) the next step would be 65536.
        const float next = h + 1 < 0x7c00u ? qt::fp16_to_fp32(static_cast<uint16_t>(h + 1)) : 65536.0f;
        const float mid = x + (next - x) / 2;  // exact: one more significant bit than a half has
        for (float p : {x, std::nextafter(x, inf), std::nextafter(x, -inf), mid, std::nextafter(mid, inf),
                        std::nextafter(mid, -inf)})
            both_signs(p);
    }
    std::mt19937_64 rng(7);
    for (int i = 0; i < 2'000'000; ++i) {
        // Float32 exponents 95..145: below half's smallest subnormal to above its overflow.
        const uint32_t exp = 95 + static_cast<uint32_t>(rng() % 51);
        const uint32_t bits = (static_cast<uint32_t>(rng()) & 0x807fffffu) | (exp << 23);
        v.push_back(float_of(bits));
    }
    for (int i = 0; i < 500'000; ++i) v.push_back(float_of(static_cast<uint32_t>(rng())));
    for (uint32_t bits : {0x00000001u, 0x00400000u, 0x007fffffu, 0x00800000u, 0x7f7fffffu, 0x7f800000u,
                          0x7fc00000u, 0x7f800001u, 0x7fa00000u, 0x7f802000u, 0x7fffffffu, 0x7f801fffu})
        both_signs(float_of(bits));
    for (float x : {0.0f, 65504.0f, 65519.99f, 65520.0f, 65536.0f, 1e10f, 5.9604645e-8f, 2.9802322e-8f})
        both_signs(x);
    return v;
}

}  // namespace

TEST(Half, Fp16ToFp32MatchesNumpyForAllBitPatterns) {
    QT_REQUIRE_ORACLE();
    const TempDir dir("half");
    run_half_oracle(dir.path, {});
    const auto bytes = read_bytes(dir.path + "/fp16_to_fp32.f32");
    ASSERT_EQ(bytes.size(), 65536u * 4);
    int mismatches = 0, nans = 0;
    for (uint32_t h = 0; h < 65536; ++h) {
        uint32_t expected;
        std::memcpy(&expected, bytes.data() + 4 * h, 4);
        const float ours = qt::fp16_to_fp32(static_cast<uint16_t>(h));
        if (std::isnan(float_of(expected))) {
            ++nans;
            // NaN compared as NaN, with its sign.
            if (std::isnan(ours) && std::signbit(ours) == std::signbit(float_of(expected))) continue;
        } else if (bits_of(ours) == expected) {
            continue;
        }
        if (mismatches++ < 10)
            ADD_FAILURE() << "fp16 " << hex(h) << ": ours " << hex(bits_of(ours)) << ", numpy " << hex(expected);
    }
    EXPECT_EQ(nans, 2 * 1023);
    EXPECT_EQ(mismatches, 0);
    std::cout << "[ compared ] 65536 fp16 patterns (" << nans << " NaNs), " << mismatches << " mismatches\n";
}

TEST(Half, Fp32ToFp16RoundsToNearestEvenAsNumpyDoes) {
    QT_REQUIRE_ORACLE();
    const auto inputs = fp16_rounding_probes();
    const TempDir dir("half");
    run_half_oracle(dir.path, inputs);
    const auto bytes = read_bytes(dir.path + "/fp32_to_fp16.u16");
    ASSERT_EQ(bytes.size(), inputs.size() * 2);
    int64_t mismatches = 0, nans = 0, infs = 0, subnormals = 0, ties = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
        uint16_t expected;
        std::memcpy(&expected, bytes.data() + 2 * i, 2);
        const uint16_t ours = qt::fp32_to_fp16(inputs[i]);
        const float x = inputs[i];
        if (std::isfinite(x) && (expected & 0x7fffu) == 0x7c00u) ++infs;
        if ((expected & 0x7c00u) == 0 && (expected & 0x3ffu) != 0) ++subnormals;
        // An exact tie: x lies halfway between two neighbouring halves (x itself not a half).
        if (std::isfinite(x) && std::fabs(x) <= 65520.0f && qt::fp16_to_fp32(expected) != x) {
            const float gap = std::fabs(x - qt::fp16_to_fp32(expected));
            const float up = std::fabs(x - qt::fp16_to_fp32(static_cast<uint16_t>(expected + 1)));
            const float down = std::fabs(x - qt::fp16_to_fp32(static_cast<uint16_t>(expected - 1)));
            if (gap == up || gap == down || std::fabs(x) == 65520.0f) ++ties;
        }
        if (is_half_nan(expected)) {
            ++nans;
            // NaN compared as NaN, with its sign (payloads are not compared).
            if (is_half_nan(ours) && (ours & 0x8000u) == (expected & 0x8000u)) continue;
        } else if (ours == expected) {
            continue;
        }
        if (mismatches++ < 10)
            ADD_FAILURE() << "fp32 " << x << " (" << hex(bits_of(x)) << "): ours " << hex(ours) << ", numpy "
                          << hex(expected);
    }
    EXPECT_EQ(mismatches, 0);
    // The probes must actually reach each case they are meant to cover.
    EXPECT_GT(nans, 1000);
    EXPECT_GT(infs, 100000);
    EXPECT_GT(subnormals, 100000);
    EXPECT_GT(ties, 60000);
    std::cout << "[ compared ] " << inputs.size() << " float32 values (" << ties << " exact ties, " << subnormals
              << " subnormal results, " << infs << " overflows to inf, " << nans << " NaNs), " << mismatches
              << " mismatches\n";
}

TEST(Half, Bf16IsTheHighHalfOfFloat32) {
    EXPECT_EQ(qt::bf16_to_fp32(0x3f80), 1.0f);
    EXPECT_EQ(qt::bf16_to_fp32(0xc040), -3.0f);
    EXPECT_EQ(bits_of(qt::bf16_to_fp32(0x7fc1)), 0x7fc10000u);
}
