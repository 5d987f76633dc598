#include "data/dataset_split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "data/dataset_error.h"
#include "data/seeded_shuffle.h"

namespace qt {

DatasetSplit split_dataset(size_t example_count, const SplitOptions& options) {
    const double f = options.validation_fraction;
    if (!(f >= 0.0 && f < 1.0)) throw DatasetError("validation fraction must be in [0, 1), not " + std::to_string(f));
    size_t n_val = options.validation_count;
    if (n_val == 0 && f > 0.0) {
        n_val = static_cast<size_t>(std::llround(f * static_cast<double>(example_count)));
        if (n_val == 0 && example_count >= 2) n_val = 1;
    }
    if (n_val >= example_count)
        throw DatasetError("a validation set of " + std::to_string(n_val) + " examples leaves none of the " +
                           std::to_string(example_count) + " for training");

    std::vector<size_t> order(example_count);
    std::iota(order.begin(), order.end(), size_t{0});
    SplitMix64 rng(derive_seed(options.seed, /*stream: split*/ 1));
    seeded_shuffle(order, rng);
    DatasetSplit split;
    split.validation.assign(order.begin(), order.begin() + static_cast<ptrdiff_t>(n_val));
    split.train.assign(order.begin() + static_cast<ptrdiff_t>(n_val), order.end());
    std::sort(split.validation.begin(), split.validation.end());
    std::sort(split.train.begin(), split.train.end());
    return split;
}

}  // namespace qt
