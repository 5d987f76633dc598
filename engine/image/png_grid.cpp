#include "image/png_grid.h"

#if defined(QUANTTUNE_WITH_PNG)
#include <png.h>
#endif

#include <cmath>
#include <cstring>

#include "util/atomic_file.h"

namespace qt {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw ImageDataError(path + ": " + problem);
}

// PNG allows 2^31 - 1 pixels a side; a grid this large is a mistake in the options.
constexpr int64_t kMaxSide = 1 << 15;

}  // namespace

GreyImage image_grid(const ImageSet& set, const PngGridOptions& o, int64_t count) {
    const int64_t n = count < 0 ? set.size() : count;
    if (n > set.size())
        throw ImageDataError("a grid of " + std::to_string(n) + " images from a set of " + std::to_string(set.size()));
    if (n == 0 || set.width <= 0 || set.height <= 0) throw ImageDataError("a grid of no images");
    if (o.scale < 1 || o.spacing < 0 || o.cols < 0)
        throw ImageDataError("grid options: scale " + std::to_string(o.scale) + " (1 or more), spacing " +
                             std::to_string(o.spacing) + " and cols " + std::to_string(o.cols) + " (0 or more)");
    const int64_t cols = o.cols > 0 ? o.cols : static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(n))));
    const int64_t rows = (n + cols - 1) / cols;
    const int64_t cell_w = set.width + o.spacing, cell_h = set.height + o.spacing;
    const int64_t w = (cols * cell_w + o.spacing) * o.scale, h = (rows * cell_h + o.spacing) * o.scale;
    if (w > kMaxSide || h > kMaxSide)
        throw ImageDataError("a grid of " + std::to_string(w) + " x " + std::to_string(h) + " pixels; the most is " +
                             std::to_string(kMaxSide) + " a side");
    GreyImage g;
    g.width = static_cast<int>(w);
    g.height = static_cast<int>(h);
    g.pixels.assign(static_cast<size_t>(w * h), o.background);
    for (int64_t i = 0; i < n; ++i) {
        const int64_t x0 = o.spacing + (i % cols) * cell_w, y0 = o.spacing + (i / cols) * cell_h;
        const float* img = set.image(i);
        for (int y = 0; y < set.height; ++y)
            for (int x = 0; x < set.width; ++x) {
                uint8_t b;
                try {
                    b = byte_from_pixel(img[y * set.width + x]);
                } catch (const ImageDataError&) {
                    throw ImageDataError("image " + std::to_string(i) + ", pixel (" + std::to_string(x) + ", " +
                                         std::to_string(y) + ") is NaN: the images cannot be drawn");
                }
                for (int dy = 0; dy < o.scale; ++dy)
                    std::memset(&g.pixels[static_cast<size_t>(((y0 + y) * o.scale + dy) * w + (x0 + x) * o.scale)], b,
                                static_cast<size_t>(o.scale));
            }
    }
    return g;
}

#if !defined(QUANTTUNE_WITH_PNG)
void write_png(const std::string& path, const GreyImage&) {
    fail(path, "this build has no libpng (install libpng-dev and rebuild): images cannot be written as PNG");
}

GreyImage read_png_grey(const std::string& path) {
    fail(path, "this build has no libpng (install libpng-dev and rebuild): PNG files cannot be read");
}
#else
void write_png(const std::string& path, const GreyImage& image) {
    if (image.width <= 0 || image.height <= 0 ||
        image.pixels.size() != static_cast<size_t>(image.width) * static_cast<size_t>(image.height))
        fail(path, "an image of " + std::to_string(image.width) + " x " + std::to_string(image.height) + " with " +
                       std::to_string(image.pixels.size()) + " pixels");
    write_file_atomically(path, [&](std::FILE* f) {
        png_image png;
        std::memset(&png, 0, sizeof png);
        png.version = PNG_IMAGE_VERSION;
        png.width = static_cast<png_uint_32>(image.width);
        png.height = static_cast<png_uint_32>(image.height);
        png.format = PNG_FORMAT_GRAY;
        if (!png_image_write_to_stdio(&png, f, 0, image.pixels.data(), image.width, nullptr)) {
            const std::string msg = png.message;
            png_image_free(&png);
            fail(path, "libpng could not write the image: " + msg);
        }
    });
}


GreyImage read_png_grey(const std::string& path) {
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, path.c_str())) fail(path, std::string("not a readable PNG: ") + png.message);
    if (static_cast<int64_t>(png.width) > kMaxSide || static_cast<int64_t>(png.height) > kMaxSide) {
        png_image_free(&png);
        fail(path, "header: " + std::to_string(png.width) + " x " + std::to_string(png.height) +
                       " pixels; the most read is " + std::to_string(kMaxSide) + " a side");
    }
    png.format = PNG_FORMAT_GRAY;
    GreyImage g;
    g.width = static_cast<int>(png.width);
    g.height = static_cast<int>(png.height);
    g.pixels.resize(PNG_IMAGE_SIZE(png));
    if (!png_image_finish_read(&png, nullptr, g.pixels.data(), 0, nullptr)) {
        const std::string msg = png.message;
        png_image_free(&png);
        fail(path, "libpng could not read the pixels: " + msg);
    }
    return g;
}

#endif

void write_png_grid(const std::string& path, const ImageSet& set, const PngGridOptions& options, int64_t count) {
    write_png(path, image_grid(set, options, count));
}

}  // namespace qt
