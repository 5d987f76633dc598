#pragma once
// The 8-bit "dynamic" quantization maps of 8-bit optimizers (Dettmers 2016,
// "8-Bit Approximations for Parallelism in Deep Learning"; the maps bitsandbytes'
// create_dynamic_map builds): 256 sorted values in [-1, 1] (signed, for Adam's
// first moment) or [0, 1] (unsigned, for the second), dense near zero where most
// state values lie, so a block scaled by its absolute maximum keeps small values'
// relative precision. A code is the index of the nearest map value.
#include <array>
#include <cstdint>

#include "util/philox_normal.h"  // QT_HD

namespace qt {

using DynamicMap = std::array<float, 256>;

// Built as bitsandbytes builds it (7 exponent bits, 8 bits in all): for each
// decade 10^(i-6), i = 0..6, the midpoints of an even split of [0.1, 1] into 2^i
// (signed, both signs) or 2^(i+1) (unsigned) parts; plus 0 and 1; sorted.
DynamicMap make_dynamic_map(bool is_signed);

// Index of the map value nearest x (map sorted ascending; ties go to the lower).
QT_HD inline uint8_t dynamic_map_code(const float* map, float x) {
    int lo = 0, hi = 255;  // map[lo] <= x <= map[hi] after clamping
    if (x <= map[0]) return 0;
    if (x >= map[255]) return 255;
    while (hi - lo > 1) {
        const int mid = (lo + hi) >> 1;
        if (map[mid] <= x) lo = mid;
        else hi = mid;
    }
    return static_cast<uint8_t>(x - map[lo] <= map[hi] - x ? lo : hi);
}

}  // namespace qt
