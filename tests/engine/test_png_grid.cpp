// PNG output of images: a grid written and read back is pixel-exact, with the
// spacing and the integer upscaling where they belong.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "image/png_grid.h"
#include "test_support.h"

namespace {

qt::ImageSet ramp_set(int count, int w, int h) {
    qt::ImageSet s;
    s.width = w;
    s.height = h;
    for (int i = 0; i < count * w * h; ++i) s.pixels.push_back(qt::pixel_from_byte(static_cast<uint8_t>(i * 13 + 5)));
    return s;
}

}  // namespace

TEST(PngGrid, ASingleImageRoundTripsPixelExact) {
    qt::test::TempDir tmp("png");
    qt::GreyImage g;
    g.width = 256;
    g.height = 3;
    for (int i = 0; i < g.width * g.height; ++i) g.pixels.push_back(static_cast<uint8_t>(i * 31));
    qt::write_png(tmp.path + "/a.png", g);
    const qt::GreyImage r = qt::read_png_grey(tmp.path + "/a.png");
    EXPECT_EQ(r.width, 256);
    EXPECT_EQ(r.height, 3);
    EXPECT_EQ(r.pixels, g.pixels);
}

TEST(PngGrid, AGridPlacesEachImageScaledBetweenSpacing) {
    qt::test::TempDir tmp("png");
    const qt::ImageSet s = ramp_set(5, 4, 3);
    qt::PngGridOptions o;
    o.cols = 3;
    o.spacing = 1;
    o.scale = 2;
    o.background = 77;
    const std::string path = tmp.path + "/grid.png";
    qt::write_png_grid(path, s, o);
    const qt::GreyImage r = qt::read_png_grey(path);
    // 3 columns of 4 + 1, 2 rows of 3 + 1, one more spacing, all doubled.
    ASSERT_EQ(r.width, (3 * 5 + 1) * 2);
    ASSERT_EQ(r.height, (2 * 4 + 1) * 2);
    EXPECT_EQ(r.pixels[0], 77);
    for (int i = 0; i < 5; ++i)
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 4; ++x) {
                const uint8_t want = static_cast<uint8_t>((i * 12 + y * 4 + x) * 13 + 5);
                const int gx = (1 + (i % 3) * 5 + x) * 2, gy = (1 + (i / 3) * 4 + y) * 2;
                for (int d : {0, 1})
                    for (int e : {0, 1})
                        ASSERT_EQ(r.pixels[static_cast<size_t>((gy + d) * r.width + gx + e)], want)
                            << "image " << i << " (" << x << ", " << y << ")";
            }
    // The sixth cell is empty: background.
    EXPECT_EQ(r.pixels[static_cast<size_t>((1 + 4 + 1) * 2 * r.width + (1 + 2 * 5 + 1) * 2)], 77);
    // Nothing but the PNG is left in the folder (the temporary file was renamed).
    int files = 0;
    for ([[maybe_unused]] auto& f : std::filesystem::directory_iterator(tmp.path)) ++files;
    EXPECT_EQ(files, 1);
}

TEST(PngGrid, PixelsOutsideTheRangeSaturateAndNanIsRefused) {
    qt::ImageSet s;
    s.width = 3;
    s.height = 1;
    s.pixels = {-3.0f, 0.0f, 7.0f};
    const qt::GreyImage g = qt::image_grid(s, {.cols = 1, .spacing = 0, .scale = 1, .background = 0});
    EXPECT_EQ(g.pixels, (std::vector<uint8_t>{0, 128, 255}));
    s.pixels[1] = std::nanf("");
    try {
        qt::image_grid(s, {});
        FAIL() << "no error";
    } catch (const qt::ImageDataError& e) {
        EXPECT_EQ(std::string(e.what()), "image 0, pixel (1, 0) is NaN: the images cannot be drawn");
    }
}

TEST(PngGrid, ANonPngFileGetsAClearError) {
    qt::test::TempDir tmp("png");
    const std::string path = tmp.path + "/not.png";
    std::ofstream(path) << "hello";
    try {
        qt::read_png_grey(path);
        FAIL() << "no error";
    } catch (const qt::ImageDataError& e) {
        const std::string m = e.what();
        EXPECT_EQ(m.rfind(path + ": not a readable PNG: ", 0), 0u) << m;
    }
}
