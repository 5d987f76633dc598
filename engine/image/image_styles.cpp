#include "image/image_styles.h"

#include <algorithm>
#include <cmath>

namespace qt {

ImageSet inverted(const ImageSet& set) {
    ImageSet out = set;
    for (float& v : out.pixels) v = -v;
    return out;
}

ImageSet outlined(const ImageSet& set) {
    ImageSet out = set;
    const int w = set.width, h = set.height;
    for (int64_t n = 0; n < set.size(); ++n) {
        const float* src = set.image(n);
        float* dst = out.image(n);
        // Intensity in [0, 1], black outside the image.
        auto at = [&](int y, int x) { return (y < 0 || y >= h || x < 0 || x >= w) ? 0.0f : (src[y * w + x] + 1.0f) * 0.5f; };
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const float gx = (at(y - 1, x + 1) + 2 * at(y, x + 1) + at(y + 1, x + 1)) -
                                 (at(y - 1, x - 1) + 2 * at(y, x - 1) + at(y + 1, x - 1));
                const float gy = (at(y + 1, x - 1) + 2 * at(y + 1, x) + at(y + 1, x + 1)) -
                                 (at(y - 1, x - 1) + 2 * at(y - 1, x) + at(y - 1, x + 1));
                const float edge = std::min(1.0f, std::sqrt(gx * gx + gy * gy) * 0.5f);
                dst[y * w + x] = edge * 2.0f - 1.0f;
            }
    }
    return out;
}

}  // namespace qt
