#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <vector>

#include "generate/generator.h"
#include "generate/sampler.h"

namespace {
const std::vector<float> kLogits = {1.0f, 3.0f, 2.5f, -1.0f, 0.0f, 2.9f};
}

TEST(Sampler, GreedyPicksTheLargestLogit) {
    qt::Sampler s({});
    EXPECT_EQ(s.sample(kLogits), 1);
}

TEST(Sampler, TopKOfOneAndTinyTopPAreGreedy) {
    qt::SamplingParams p;
    p.temperature = 5.0f;
    p.top_k = 1;
    qt::Sampler k1(p);
    p.top_k = 0;
    p.top_p = 1e-6f;
    qt::Sampler tiny_p(p);
    for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(k1.sample(kLogits), 1);
        EXPECT_EQ(tiny_p.sample(kLogits), 1);
    }
}

TEST(Sampler, FrequenciesFollowTheTemperedSoftmax) {
    qt::SamplingParams p;
    p.temperature = 0.7f;
    p.seed = 42;
    qt::Sampler s(p);
    const int n = 200000;
    std::map<int, int> counts;
    for (int i = 0; i < n; ++i) ++counts[s.sample(kLogits)];
    double z = 0;
    for (float l : kLogits) z += std::exp(l / 0.7);
    for (size_t i = 0; i < kLogits.size(); ++i) {
        const double want = std::exp(kLogits[i] / 0.7) / z;
        const double got = counts[static_cast<int>(i)] / static_cast<double>(n);
        // 5 standard deviations of a binomial proportion.
        EXPECT_NEAR(got, want, 5 * std::sqrt(want * (1 - want) / n) + 1e-9) << "token " << i;
    }
}

TEST(Sampler, TopKAndTopPNeverPickOutsideTheirSets) {
    qt::SamplingParams p;
    p.temperature = 1.0f;
    p.top_k = 3;  // tokens 1, 5, 2
    p.seed = 7;
    qt::Sampler k3(p);
    p.top_k = 0;
    p.top_p = 0.5f;  // the smallest prefix reaching half the mass: tokens 1 and 5
    qt::Sampler half(p);
    for (int i = 0; i < 2000; ++i) {
        const int a = k3.sample(kLogits);
        EXPECT_TRUE(a == 1 || a == 5 || a == 2) << a;
        const int b = half.sample(kLogits);
        EXPECT_TRUE(b == 1 || b == 5) << b;
    }
}

TEST(Sampler, TheSameSeedRepeatsTheSameDraws) {
    qt::SamplingParams p;
    p.temperature = 1.0f;
    p.seed = 123;
    qt::Sampler a(p), b(p);
    p.seed = 124;
    qt::Sampler c(p);
    std::vector<int> da, db, dc;
    for (int i = 0; i < 100; ++i) {
        da.push_back(a.sample(kLogits));
        db.push_back(b.sample(kLogits));
        dc.push_back(c.sample(kLogits));
    }
    EXPECT_EQ(da, db);
    EXPECT_NE(da, dc);
}

TEST(Sampler, ImpossibleSettingsAreRejectedByName) {
    qt::SamplingParams p;
    p.top_p = 0.0f;
    EXPECT_THROW(qt::Sampler{p}, std::invalid_argument);
    p = {};
    p.temperature = -0.1f;
    EXPECT_THROW(qt::Sampler{p}, std::invalid_argument);
    p = {};
    p.top_k = -3;
    EXPECT_THROW(qt::Sampler{p}, std::invalid_argument);
}

TEST(Utf8Assembler, HoldsBackSplitCharactersUntilWhole) {
    qt::Utf8Assembler a;
    const std::string euro = "\xE2\x82\xAC";  // U+20AC in three bytes
    EXPECT_EQ(a.push("a" + euro.substr(0, 1)), "a");
    EXPECT_EQ(a.push(euro.substr(1, 1)), "");
    EXPECT_EQ(a.push(euro.substr(2) + "b"), euro + "b");
    const std::string emoji = "\xF0\x9F\x98\x80";
    EXPECT_EQ(a.push(emoji.substr(0, 2)), "");
    EXPECT_EQ(a.flush(), emoji.substr(0, 2));
}
