#pragma once
// A set of grey images of one size with a class label each: what the image
// datasets load into and what the diffusion model trains on and generates.
// Pixels are float in [-1, 1] (black -1, white +1: the byte p maps to
// p / 127.5 - 1), the range rectified flow's Gaussian noise is scaled for;
// image i is the row-major block pixels[i * width * height ...].
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace qt {

// The one exception the image code throws for a bad image file or a bad request
// on a set; its message names the file (or the set), the place and the problem.
class ImageDataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ImageSet {
    int width = 0;
    int height = 0;
    std::vector<float> pixels;    // [size()][height][width], in [-1, 1]
    std::vector<uint8_t> labels;  // [size()]: a class index, or empty for unlabelled images

    int64_t pixels_per_image() const { return static_cast<int64_t>(width) * height; }
    int64_t size() const { return pixels_per_image() == 0 ? 0 : static_cast<int64_t>(pixels.size()) / pixels_per_image(); }
    const float* image(int64_t i) const { return pixels.data() + i * pixels_per_image(); }
    float* image(int64_t i) { return pixels.data() + i * pixels_per_image(); }
};

// The byte p in 0..255 as a pixel, and back (rounded; values outside [-1, 1],
// which a generator may produce, saturate at black or white).
inline float pixel_from_byte(uint8_t p) { return static_cast<float>(p) / 127.5f - 1.0f; }
uint8_t byte_from_pixel(float v);

// The images whose indices are listed, in that order.
ImageSet select_images(const ImageSet& set, const std::vector<int64_t>& indices);
// Every image not of class `label`: a training set with one class held out.
ImageSet without_class(const ImageSet& set, int label);
// The first n images of class `label`; throws ImageDataError when there are fewer.
ImageSet take_class(const ImageSet& set, int label, int64_t n);
// The first n images; throws when there are fewer.
ImageSet take_first(const ImageSet& set, int64_t n);

}  // namespace qt
