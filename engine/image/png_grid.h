#pragma once
// Grey images as 8-bit PNG files (libpng's simplified API), written atomically
// (util/atomic_file.h) so that a viewer never opens half a file: a generator's
// samples laid out as a grid, and single images for tests.
#include <cstdint>
#include <string>
#include <vector>

#include "image/image_set.h"

namespace qt {

struct GreyImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;  // [height][width]
};

struct PngGridOptions {
    int cols = 0;             // images a row; 0: ceil(sqrt(count))
    int spacing = 2;          // pixels between images and around the grid, before scaling
    int scale = 1;            // each pixel drawn as scale x scale
    uint8_t background = 128; // the spacing's grey, apart from black and white garments
};

// The first `count` images of the set (all when count < 0) as a grid image,
// pixels through byte_from_pixel (image/image_set.h; NaN throws ImageDataError).
GreyImage image_grid(const ImageSet& set, const PngGridOptions& options, int64_t count = -1);

// Writes an 8-bit grey PNG; throws ImageDataError naming the path.
void write_png(const std::string& path, const GreyImage& image);
void write_png_grid(const std::string& path, const ImageSet& set, const PngGridOptions& options, int64_t count = -1);

// Reads any PNG as 8-bit grey (colour converted by libpng); throws ImageDataError.
GreyImage read_png_grey(const std::string& path);

}  // namespace qt
