// The counter-based normal generator behind z(seed, step, index).
#include <gtest/gtest.h>

#include <cmath>

#include "util/philox_normal.h"

namespace {

TEST(PhiloxNormal, Philox4x32_10MatchesRandom123KnownAnswers) {
    // Random123's kat_vectors for philox4x32_10 (counter, key -> output).
    auto a = qt::philox4x32_10(0, 0, 0, 0, 0, 0);
    EXPECT_EQ(a.v[0], 0x6627e8d5u);
    EXPECT_EQ(a.v[1], 0xe169c58du);
    EXPECT_EQ(a.v[2], 0xbc57ac4cu);
    EXPECT_EQ(a.v[3], 0x9b00dbd8u);
    auto b = qt::philox4x32_10(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu);
    EXPECT_EQ(b.v[0], 0x408f276du);
    EXPECT_EQ(b.v[1], 0x41c83b0eu);
    EXPECT_EQ(b.v[2], 0xa20bc7c6u);
    EXPECT_EQ(b.v[3], 0x6d5451fdu);
    auto c = qt::philox4x32_10(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u);
    EXPECT_EQ(c.v[0], 0xd16cfe09u);
    EXPECT_EQ(c.v[1], 0x94fdccebu);
    EXPECT_EQ(c.v[2], 0x5001e420u);
    EXPECT_EQ(c.v[3], 0x24126ea1u);
}

TEST(PhiloxNormal, IsAPureFunctionOfSeedStepAndIndex) {
    const auto q = qt::philox_normal_quad(7, 3, 10);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(qt::philox_normal(7, 3, 40 + k), q.z[k]);
    EXPECT_EQ(qt::philox_normal(7, 3, 41), qt::philox_normal(7, 3, 41));
    EXPECT_NE(qt::philox_normal(7, 3, 41), qt::philox_normal(7, 4, 41));
    EXPECT_NE(qt::philox_normal(7, 3, 41), qt::philox_normal(8, 3, 41));
    // Indices past 2^32 use the counter's high word.
    EXPECT_NE(qt::philox_normal(7, 3, 41), qt::philox_normal(7, 3, 41 + (uint64_t{1} << 34)));
}

TEST(PhiloxNormal, HasStandardNormalMomentsAndTails) {
    constexpr int n = 1 << 20;
    double s1 = 0, s2 = 0, s4 = 0;
    int beyond2 = 0;
    for (int i = 0; i < n; ++i) {
        const double z = qt::philox_normal(12345, 0, static_cast<uint64_t>(i));
        ASSERT_TRUE(std::isfinite(z));
        s1 += z;
        s2 += z * z;
        s4 += z * z * z * z;
        beyond2 += std::fabs(z) > 2.0;
    }
    const double mean = s1 / n, var = s2 / n - mean * mean, kurt = s4 / n;
    // Standard errors over 2^20 draws: mean 0.001, variance 0.0014, 4th moment 0.01.
    EXPECT_NEAR(mean, 0.0, 0.005);
    EXPECT_NEAR(var, 1.0, 0.007);
    EXPECT_NEAR(kurt, 3.0, 0.05);
    EXPECT_NEAR(static_cast<double>(beyond2) / n, 0.0455, 0.002);  // P(|z| > 2)
}

}  // namespace
