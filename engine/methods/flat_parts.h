#pragma once
// Several float32 buffers in backend memory seen as one flat vector, laid back to
// back: what checkpoints read and write in ranges (MeZO's weights, a first-order
// method's trained tensors, AdamW's moments).
#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace qt {

class FlatParts {
public:
    struct Part {
        float* data = nullptr;
        int64_t count = 0;
        int64_t index0 = 0;  // where it starts in the flat vector
    };
    // `what` names the vector in errors ("MeZO weights").
    explicit FlatParts(std::string what) : what_(std::move(what)) {}
    void add(float* data, int64_t count);
    const std::vector<Part>& parts() const { return parts_; }
    int64_t size() const { return size_; }
    // Values [offset, offset + count) to or from host memory; throws std::out_of_range past the end.
    void read(Backend& b, int64_t offset, int64_t count, float* dst) const;
    void write(Backend& b, int64_t offset, int64_t count, const float* src) const;

private:
    // fn(part data + start, position in [offset, offset + count), values) over the range.
    template <class Fn>
    void for_range(int64_t offset, int64_t count, Fn&& fn) const;

    std::string what_;
    std::vector<Part> parts_;
    int64_t size_ = 0;
};

}  // namespace qt
