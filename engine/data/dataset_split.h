#pragma once
// Train/validation split: a seeded random choice of validation examples. The
// same seed and size give the same split on every machine (seeded_shuffle.h).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace qt {

struct SplitOptions {
    double validation_fraction = 0.1;  // of the examples, rounded to the nearest count
    size_t validation_count = 0;       // when not 0, used instead of the fraction
    uint64_t seed = 0;
};

struct DatasetSplit {
    // Example indices, each in ascending order; together they are 0..n-1, each once.
    std::vector<size_t> train;
    std::vector<size_t> validation;
};

// Throws DatasetError when the options leave no training example or ask for a
// fraction outside [0, 1). A positive fraction gives at least one validation
// example when there are two or more examples.
DatasetSplit split_dataset(size_t example_count, const SplitOptions& options);

}  // namespace qt
