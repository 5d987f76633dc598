#include "methods/flat_parts.h"

#include <algorithm>
#include <stdexcept>

namespace qt {

void FlatParts::add(float* data, int64_t count) {
    parts_.push_back({data, count, size_});
    size_ += count;
}

template <class Fn>
void FlatParts::for_range(int64_t offset, int64_t count, Fn&& fn) const {
    if (offset < 0 || count < 0 || offset + count > size_) throw std::out_of_range(what_ + ": range past the end");
    for (const Part& p : parts_) {
        const int64_t lo = std::max(offset, p.index0), hi = std::min(offset + count, p.index0 + p.count);
        if (lo < hi) fn(p.data + (lo - p.index0), lo - offset, hi - lo);
    }
}

void FlatParts::read(Backend& b, int64_t offset, int64_t count, float* dst) const {
    for_range(offset, count, [&](float* src, int64_t at, int64_t n) {
        b.download(dst + at, src, static_cast<size_t>(n) * sizeof(float));
    });
}

void FlatParts::write(Backend& b, int64_t offset, int64_t count, const float* src) const {
    for_range(offset, count, [&](float* dst, int64_t at, int64_t n) {
        b.upload(dst, src + at, static_cast<size_t>(n) * sizeof(float));
    });
}

}  // namespace qt
