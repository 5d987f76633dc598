#include "cpu/dynamic_map.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace qt {

namespace {

// n points from 0.1 to 1 in float32, computed from both ends as torch.linspace does.
std::vector<float> linspace_01(int n) {
    std::vector<float> v(static_cast<size_t>(n));
    const float start = 0.1f, end = 1.0f, step = (end - start) / static_cast<float>(n - 1);
    for (int i = 0; i < n; ++i)
        v[static_cast<size_t>(i)] = i < n / 2 ? start + step * static_cast<float>(i)
                                              : end - step * static_cast<float>(n - 1 - i);
    return v;
}

}  // namespace

DynamicMap make_dynamic_map(bool is_signed) {
    constexpr int kExponentBits = 7;
    std::vector<float> data;
    for (int i = 0; i < kExponentBits; ++i) {
        const int parts = is_signed ? (1 << i) : (1 << (i + 1));
        const std::vector<float> b = linspace_01(parts + 1);
        const float decade = static_cast<float>(std::pow(10.0, i - (kExponentBits - 1)));
        for (int k = 0; k < parts; ++k) {
            const float mean = (b[static_cast<size_t>(k)] + b[static_cast<size_t>(k) + 1]) / 2.0f;
            data.push_back(decade * mean);
            if (is_signed) data.push_back(-decade * mean);
        }
    }
    data.push_back(0.0f);
    data.push_back(1.0f);
    std::sort(data.begin(), data.end());
    DynamicMap map{};
    std::copy(data.begin(), data.end(), map.begin());  // exactly 256 values
    return map;
}

}  // namespace qt
