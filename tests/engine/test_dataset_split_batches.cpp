// Train/validation split and length-grouped batches: seeded, disjoint, covering
// every example once, and batches that really group by length.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "data/dataset.h"
#include "data/dataset_error.h"
#include "data/dataset_split.h"
#include "data/length_batches.h"
#include "data/length_histogram.h"

namespace {

// A dataset whose example i has a token count that varies pseudo-randomly in [2, 300).
qt::Dataset dataset_of(size_t n) {
    qt::Dataset ds;
    for (size_t i = 0; i < n; ++i) {
        qt::Example ex;
        ex.tokens.assign(2 + (i * 7919) % 298, 1);
        ex.loss_mask.assign(ex.tokens.size(), 1);
        ex.loss_mask[0] = 0;
        ds.examples.push_back(std::move(ex));
    }
    return ds;
}

TEST(DatasetSplit, IsSeededDisjointAndCoversEveryExample) {
    const size_t n = 1000;
    qt::SplitOptions opt;
    opt.validation_fraction = 0.15;
    opt.seed = 42;
    const qt::DatasetSplit a = qt::split_dataset(n, opt);
    const qt::DatasetSplit b = qt::split_dataset(n, opt);
    EXPECT_EQ(a.validation, b.validation);
    EXPECT_EQ(a.train, b.train);
    EXPECT_EQ(a.validation.size(), 150u);
    EXPECT_EQ(a.train.size(), 850u);
    std::vector<size_t> all = a.train;
    all.insert(all.end(), a.validation.begin(), a.validation.end());
    std::sort(all.begin(), all.end());
    std::vector<size_t> want(n);
    std::iota(want.begin(), want.end(), size_t{0});
    EXPECT_EQ(all, want);  // disjoint and complete
    EXPECT_TRUE(std::is_sorted(a.train.begin(), a.train.end()));

    opt.seed = 43;
    const qt::DatasetSplit c = qt::split_dataset(n, opt);
    EXPECT_NE(c.validation, a.validation);
    // Not just the first 150: the validation set is spread over the data.
    EXPECT_GT(a.validation.back(), 900u);
    EXPECT_LT(a.validation.front(), 100u);

    opt.validation_count = 7;
    EXPECT_EQ(qt::split_dataset(n, opt).validation.size(), 7u);
    opt.validation_count = 0;
    opt.validation_fraction = 0.01;
    EXPECT_EQ(qt::split_dataset(20, opt).validation.size(), 1u);  // a positive fraction gives at least one
    opt.validation_fraction = 0;
    EXPECT_TRUE(qt::split_dataset(20, opt).validation.empty());
}

TEST(DatasetSplit, RefusesSplitsThatLeaveNoTrainingData) {
    qt::SplitOptions opt;
    opt.validation_count = 5;
    EXPECT_THROW(qt::split_dataset(5, opt), qt::DatasetError);
    opt.validation_count = 0;
    opt.validation_fraction = 1.0;
    EXPECT_THROW(qt::split_dataset(5, opt), qt::DatasetError);
    opt.validation_fraction = -0.1;
    EXPECT_THROW(qt::split_dataset(5, opt), qt::DatasetError);
}

TEST(DatasetBatches, CoverEachIndexOnceAndGroupByLength) {
    const qt::Dataset ds = dataset_of(1000);
    const qt::DatasetSplit split = qt::split_dataset(ds.examples.size(), {0.1, 0, 7});
    qt::LengthBatchOptions opt;
    opt.batch_size = 8;
    opt.pool_batches = 16;
    opt.seed = 3;
    const qt::LengthGroupedBatches batches(ds, split.train, opt);
    const auto e0 = batches.epoch(0);
    EXPECT_EQ(e0.size(), batches.batches_per_epoch());
    std::vector<size_t> seen;
    double spread_sum = 0;
    for (const auto& b : e0) {
        EXPECT_GE(b.size(), 1u);
        EXPECT_LE(b.size(), 8u);
        seen.insert(seen.end(), b.begin(), b.end());
        size_t lo = SIZE_MAX, hi = 0;
        for (size_t i : b) {
            lo = std::min(lo, ds.examples[i].tokens.size());
            hi = std::max(hi, ds.examples[i].tokens.size());
        }
        spread_sum += static_cast<double>(hi - lo);
    }
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, split.train);  // every training index once, no validation index
    // Random batches of 8 lengths from [2, 300) spread ~230 tokens; grouped ones far less.
    EXPECT_LT(spread_sum / static_cast<double>(e0.size()), 40.0);

    // Seeded: the same epoch twice is the same; another epoch or seed differs.
    EXPECT_EQ(batches.epoch(0), e0);
    EXPECT_NE(batches.epoch(1), e0);
    opt.seed = 4;
    EXPECT_NE(qt::LengthGroupedBatches(ds, split.train, opt).epoch(0), e0);

    // One global pool: the tightest grouping.
    opt.pool_batches = 0;
    const auto global = qt::LengthGroupedBatches(ds, split.train, opt).epoch(0);
    EXPECT_EQ(global.size(), (split.train.size() + 7) / 8);
}

TEST(DatasetBatches, IteratorRunsAcrossEpochs) {
    const qt::Dataset ds = dataset_of(50);
    std::vector<size_t> all(50);
    std::iota(all.begin(), all.end(), size_t{0});
    qt::LengthBatchOptions opt;
    opt.batch_size = 16;
    const qt::LengthGroupedBatches batches(ds, all, opt);
    EXPECT_EQ(batches.batches_per_epoch(), 4u);  // 16+16+16+2
    qt::BatchIterator it(batches);
    std::multiset<size_t> first_epoch;
    for (int k = 0; k < 4; ++k) {
        const auto& b = it.next();
        first_epoch.insert(b.begin(), b.end());
        EXPECT_EQ(it.epoch(), 0u);
    }
    EXPECT_EQ(first_epoch.size(), 50u);
    EXPECT_EQ(std::set<size_t>(first_epoch.begin(), first_epoch.end()).size(), 50u);
    it.next();
    EXPECT_EQ(it.epoch(), 1u);
    EXPECT_EQ(it.batch_in_epoch(), 1u);

    EXPECT_THROW(qt::LengthGroupedBatches(ds, {50}, opt), qt::DatasetError);
    opt.batch_size = 0;
    EXPECT_THROW(qt::LengthGroupedBatches(ds, all, opt), qt::DatasetError);
}

TEST(DatasetLengthHistogram, BucketsByPowersOfTwoWithPercentiles) {
    const auto h = qt::LengthHistogram::of({3, 8, 9, 16, 17, 100, 5, 5, 5, 5});
    EXPECT_EQ(h.count, 10u);
    EXPECT_EQ(h.min, 3u);
    EXPECT_EQ(h.max, 100u);
    EXPECT_DOUBLE_EQ(h.mean, 17.3);
    EXPECT_EQ(h.median, 5u);
    EXPECT_EQ(h.p90, 17u);
    EXPECT_EQ(h.p99, 100u);
    ASSERT_EQ(h.buckets.size(), 5u);  // 1-8, 9-16, 17-32, 33-64, 65-128
    EXPECT_EQ(h.buckets[0].count, 6u);
    EXPECT_EQ(h.buckets[1].count, 2u);
    EXPECT_EQ(h.buckets[2].count, 1u);
    EXPECT_EQ(h.buckets[3].count, 0u);
    EXPECT_EQ(h.buckets[4].min_length, 65u);
    EXPECT_EQ(h.buckets[4].max_length, 128u);
    EXPECT_EQ(h.buckets[4].count, 1u);
}

}  // namespace
