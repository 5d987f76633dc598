#pragma once
// A dataset's statistics as the few lines of text the CLI prints after loading
// (and the GUI shows in its data panel): format, row counts, skipped rows with
// the first reasons, truncation, token lengths and their histogram, labels.
#include <string>

#include "data/dataset.h"

namespace qt {

// `max_reasons`: how many of the kept skip messages to list.
std::string dataset_summary(const Dataset& dataset, size_t max_reasons = 5);

}  // namespace qt
