#pragma once
// A TrainableState that takes a checkpoint's values in and keeps nothing: what a
// test needs to have load_checkpoint check a file whole (checksum, counts, finite
// values) without a model.
#include <cstdint>
#include <string>

#include "methods/trainable_state.h"

namespace qt::test {

struct CheckpointSink : TrainableState {
    int64_t n;
    std::string method;
    explicit CheckpointSink(int64_t count, std::string method_name = "qzo") : n(count), method(std::move(method_name)) {}
    std::string method_name() const override { return method; }
    int64_t size() const override { return n; }
    int64_t trainable_bytes() const override { return n * 4; }
    void read(int64_t, int64_t, float*) override {}
    void write(int64_t, int64_t, const float*) override {}
};

}  // namespace qt::test
