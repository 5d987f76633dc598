#pragma once
// What a method trains, seen as one flat vector of float32 values: the progress
// line's parameter count, the ledger's trainable bytes, and checkpoints (which
// read and write it in ranges). Zeroth-order methods (methods/zo_parameters.h)
// and first-order ones (methods/first_order_method.h) both are one.
#include <cstdint>
#include <string>

#include "methods/method_metrics.h"

namespace qt {

// A line for the start of a run: a fact (a note) or a setting that looks wrong (a warning).
struct StartupMessage {
    bool warning = false;
    std::string text;
};

class TrainableState {
public:
    virtual ~TrainableState() = default;
    virtual std::string method_name() const = 0;
    virtual int64_t size() const = 0;
    // Bytes of float32 training state (the trained values themselves) the method holds.
    virtual int64_t trainable_bytes() const = 0;
    // theta[offset .. offset+count) as float32, for checkpoints; write() also makes
    // the model compute with the new values. Only between steps.
    virtual void read(int64_t offset, int64_t count, float* dst) = 0;
    virtual void write(int64_t offset, int64_t count, const float* src) = 0;
    // Per-layer numbers of the method's own, after a step (methods/method_metrics.h).
    virtual MethodMetrics metrics() const { return {}; }
};

}  // namespace qt
