#include "train/first_order_checkpoint.h"

#include <algorithm>

namespace qt {

template <class Fn>
void FirstOrderCheckpointState::split(int64_t offset, int64_t count, Fn&& fn) const {
    const int64_t n = method_.size();
    if (offset < n) fn(true, offset, std::min(count, n - offset), int64_t{0});
    const int64_t lo = std::max(offset, n), hi = offset + count;
    if (lo < hi) fn(false, lo - n, hi - lo, lo - offset);
}

void FirstOrderCheckpointState::read(int64_t offset, int64_t count, float* dst) {
    split(offset, count, [&](bool in_method, int64_t at, int64_t n, int64_t pos) {
        if (in_method) method_.read(at, n, dst + pos);
        else optimizer_.read_state(at, n, dst + pos);
    });
}

void FirstOrderCheckpointState::write(int64_t offset, int64_t count, const float* src) {
    split(offset, count, [&](bool in_method, int64_t at, int64_t n, int64_t pos) {
        if (in_method) method_.write(at, n, src + pos);
        else optimizer_.write_state(at, n, src + pos);
    });
}

}  // namespace qt
