#pragma once
// Token-length statistics of a dataset: a histogram with power-of-two bucket
// edges (1-8, 9-16, 17-32, ...) that the CLI prints and the GUI plots, and the
// order statistics a user picks max_length and batch size by.
#include <cstddef>
#include <vector>

namespace qt {

struct LengthBucket {
    size_t min_length = 0;  // inclusive
    size_t max_length = 0;  // inclusive
    size_t count = 0;
};

struct LengthHistogram {
    std::vector<LengthBucket> buckets;  // contiguous, from the bucket of the shortest to that of the longest
    size_t count = 0;
    size_t total = 0;  // sum of lengths
    size_t min = 0, max = 0;
    double mean = 0;
    size_t median = 0, p90 = 0, p99 = 0;  // nearest-rank percentiles

    static LengthHistogram of(std::vector<size_t> lengths);
};

}  // namespace qt
