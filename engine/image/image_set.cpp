#include "image/image_set.h"

#include <cmath>

namespace qt {

uint8_t byte_from_pixel(float v) {
    // NaN is a diverged model's output, not a colour: the caller must see it.
    if (std::isnan(v)) throw ImageDataError("a pixel is NaN: the images cannot be shown as bytes");
    const float b = std::round((v + 1.0f) * 127.5f);
    return static_cast<uint8_t>(b < 0.0f ? 0.0f : (b > 255.0f ? 255.0f : b));
}

ImageSet select_images(const ImageSet& set, const std::vector<int64_t>& indices) {
    ImageSet out;
    out.width = set.width;
    out.height = set.height;
    const int64_t ppi = set.pixels_per_image();
    out.pixels.resize(static_cast<size_t>(ppi) * indices.size());
    if (!set.labels.empty()) out.labels.resize(indices.size());
    for (size_t k = 0; k < indices.size(); ++k) {
        const int64_t i = indices[k];
        if (i < 0 || i >= set.size())
            throw ImageDataError("image index " + std::to_string(i) + " outside a set of " + std::to_string(set.size()));
        std::copy(set.image(i), set.image(i) + ppi, out.pixels.begin() + static_cast<std::ptrdiff_t>(k * ppi));
        if (!set.labels.empty()) out.labels[k] = set.labels[static_cast<size_t>(i)];
    }
    return out;
}

ImageSet without_class(const ImageSet& set, int label) {
    if (set.labels.empty()) throw ImageDataError("cannot hold a class out of an unlabelled image set");
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < set.size(); ++i)
        if (set.labels[static_cast<size_t>(i)] != label) keep.push_back(i);
    return select_images(set, keep);
}

ImageSet take_class(const ImageSet& set, int label, int64_t n) {
    if (set.labels.empty()) throw ImageDataError("cannot take a class from an unlabelled image set");
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < set.size() && static_cast<int64_t>(keep.size()) < n; ++i)
        if (set.labels[static_cast<size_t>(i)] == label) keep.push_back(i);
    if (static_cast<int64_t>(keep.size()) < n)
        throw ImageDataError("asked for " + std::to_string(n) + " images of class " + std::to_string(label) +
                             "; the set has " + std::to_string(keep.size()));
    return select_images(set, keep);
}

ImageSet take_first(const ImageSet& set, int64_t n) {
    if (n < 0 || n > set.size())
        throw ImageDataError("asked for " + std::to_string(n) + " images; the set has " + std::to_string(set.size()));
    std::vector<int64_t> keep(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) keep[static_cast<size_t>(i)] = i;
    return select_images(set, keep);
}

}  // namespace qt
