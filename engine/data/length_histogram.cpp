#include "data/length_histogram.h"

#include <algorithm>
#include <cmath>

namespace qt {
namespace {

// Upper edge of the bucket holding `length`: 8, 16, 32, ...
size_t bucket_upper(size_t length) {
    size_t upper = 8;
    while (upper < length) upper *= 2;
    return upper;
}

// Nearest-rank percentile of sorted values: the smallest value with at least
// p percent of the values at or below it.
size_t percentile(const std::vector<size_t>& sorted, double p) {
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::max<size_t>(rank, 1) - 1];
}

}  // namespace

LengthHistogram LengthHistogram::of(std::vector<size_t> lengths) {
    LengthHistogram h;
    if (lengths.empty()) return h;
    std::sort(lengths.begin(), lengths.end());
    h.count = lengths.size();
    h.min = lengths.front();
    h.max = lengths.back();
    for (size_t v : lengths) h.total += v;
    h.mean = static_cast<double>(h.total) / static_cast<double>(h.count);
    h.median = percentile(lengths, 50);
    h.p90 = percentile(lengths, 90);
    h.p99 = percentile(lengths, 99);

    size_t lower = 1, upper = 8;
    while (upper < h.min) lower = upper + 1, upper *= 2;
    for (;;) {
        h.buckets.push_back({lower, upper, 0});
        if (upper >= h.max) break;
        lower = upper + 1;
        upper *= 2;
    }
    for (size_t v : lengths) {
        const size_t up = bucket_upper(v);
        for (auto& b : h.buckets)
            if (b.max_length == up) ++b.count;
    }
    if (h.min == 0) h.buckets.front().min_length = 0;
    return h;
}

}  // namespace qt
