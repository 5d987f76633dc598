#include "methods/first_order_method.h"

#include <algorithm>
#include <stdexcept>

namespace qt {

int64_t FirstOrderMethod::size() const {
    int64_t n = 0;
    for (const ParameterBlock& b : parameter_blocks()) n += b.count;
    return n;
}

template <class Fn>
void FirstOrderMethod::for_range(int64_t offset, int64_t count, Fn&& fn) const {
    if (offset < 0 || count < 0 || offset + count > size())
        throw std::out_of_range(method_name() + " parameters: range past the end");
    int64_t index0 = 0;
    for (const ParameterBlock& b : parameter_blocks()) {
        const int64_t lo = std::max(offset, index0), hi = std::min(offset + count, index0 + b.count);
        if (lo < hi) fn(b.param + (lo - index0), lo - offset, hi - lo);
        index0 += b.count;
    }
}

void FirstOrderMethod::read(int64_t offset, int64_t count, float* dst) {
    for_range(offset, count, [&](float* src, int64_t at, int64_t n) {
        backend_.download(dst + at, src, static_cast<size_t>(n) * sizeof(float));
    });
}

void FirstOrderMethod::write(int64_t offset, int64_t count, const float* src) {
    for_range(offset, count, [&](float* dst, int64_t at, int64_t n) {
        backend_.upload(dst, src + at, static_cast<size_t>(n) * sizeof(float));
    });
}

void FirstOrderMethod::zero_gradients() {
    for (const ParameterBlock& b : parameter_blocks())
        backend_.fill_zero(b.grad, static_cast<size_t>(b.count) * sizeof(float));
}

}  // namespace qt
