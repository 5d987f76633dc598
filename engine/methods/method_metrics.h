#pragma once
// What a method reports after a step beyond the loss: a few named numbers per
// layer (Q-GaLore: SVDs done and saved, subspace similarity). The trainer puts
// them in the step record; the GUI plots each series and the CLI's metrics log
// writes them, without knowing which method made them.
#include <string>
#include <vector>

namespace qt {

struct LayerSeries {
    std::string name;            // "svds_done": a key for logs
    std::string title;           // "SVDs done": for plots
    bool cumulative = false;     // a running count (bars) rather than a current value (lines over time)
    std::vector<double> values;  // one per layer; NaN where a layer has no value yet
};

struct MethodMetrics {
    std::vector<LayerSeries> per_layer;
};

}  // namespace qt
