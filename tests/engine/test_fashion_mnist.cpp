// Fashion-MNIST from Debian's IDX files: the real splits load with their counts
// and plausible pixel statistics, and a broken IDX file of any kind is refused
// with one line naming the file, the byte and the field, never a crash.
#include <gtest/gtest.h>

#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "fashion_mnist_support.h"
#include "image/idx_file.h"
#include "image/image_styles.h"

namespace {

using Bytes = std::vector<uint8_t>;

void put32(Bytes& b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

Bytes idx_images(uint32_t count, uint32_t rows = 28, uint32_t cols = 28) {
    Bytes b = {0, 0, 8, 3};
    put32(b, count);
    put32(b, rows);
    put32(b, cols);
    for (uint64_t i = 0; i < uint64_t{count} * rows * cols; ++i) b.push_back(static_cast<uint8_t>(i * 7));
    return b;
}

Bytes idx_labels(uint32_t count) {
    Bytes b = {0, 0, 8, 1};
    put32(b, count);
    for (uint32_t i = 0; i < count; ++i) b.push_back(static_cast<uint8_t>(i % 10));
    return b;
}

std::string write(const std::string& dir, const std::string& name, const Bytes& b) {
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return path;
}

std::string write_gz(const std::string& dir, const std::string& name, const Bytes& b) {
    const std::string path = dir + "/" + name;
    gzFile gz = gzopen(path.c_str(), "wb");
    gzwrite(gz, b.data(), static_cast<unsigned>(b.size()));
    gzclose(gz);
    return path;
}

std::string load_error(const std::string& images, const std::string& labels) {
    try {
        qt::load_idx_images(images, labels);
    } catch (const qt::ImageDataError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(FashionMnist, TheRealSplitsLoadWithTheirCountsAndPlausibleStatistics) {
    QT_REQUIRE_FASHION_MNIST(train, qt::FashionMnistSplit::Train);
    QT_REQUIRE_FASHION_MNIST(test, qt::FashionMnistSplit::Test);
    ASSERT_EQ(train->size(), 60000);
    ASSERT_EQ(test->size(), 10000);
    EXPECT_EQ(train->width, 28);
    EXPECT_EQ(train->height, 28);
    for (const qt::ImageSet* s : {train, test}) {
        std::vector<int64_t> per_class(10, 0);
        for (uint8_t l : s->labels) ++per_class[l];
        // The dataset is balanced: 6,000 and 1,000 a class.
        for (int c = 0; c < 10; ++c) EXPECT_EQ(per_class[static_cast<size_t>(c)], s->size() / 10) << "class " << c;
        double sum = 0, sq = 0;
        float lo = 1, hi = -1;
        for (float v : s->pixels) {
            sum += v;
            sq += static_cast<double>(v) * v;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        const double mean = sum / static_cast<double>(s->pixels.size());
        const double sd = std::sqrt(sq / static_cast<double>(s->pixels.size()) - mean * mean);
        // Fashion-MNIST's byte mean is 72.9 (0.286 of white) and sd 90.0 (0.353): here * 2 / 255, shifted by -1.
        std::printf("pixels: mean %.4f sd %.4f over [%.1f, %.1f]\n", mean, sd, lo, hi);
        EXPECT_NEAR(mean, 0.286 * 2 - 1, 0.01);
        EXPECT_NEAR(sd, 0.353 * 2, 0.01);
        EXPECT_EQ(lo, -1.0f);
        EXPECT_EQ(hi, 1.0f);
    }
    // The first training image is an ankle boot, the second a T-shirt (the README's sprite).
    EXPECT_EQ(train->labels[0], 9);
    EXPECT_EQ(train->labels[1], 0);
}

TEST(FashionMnist, ClassNamesMapBothWays) {
    EXPECT_EQ(qt::fashion_mnist_class_names()[7], "Sneaker");
    EXPECT_EQ(qt::fashion_mnist_class("sneaker"), 7);
    EXPECT_EQ(qt::fashion_mnist_class("Ankle boot"), 9);
    EXPECT_EQ(qt::fashion_mnist_class("t-shirt"), 0);
    try {
        qt::fashion_mnist_class("hat");
        FAIL() << "no error";
    } catch (const qt::ImageDataError& e) {
        EXPECT_EQ(std::string(e.what()), "'hat' is not a Fashion-MNIST class; the classes are T-shirt/top, Trouser, "
                                         "Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot");
    }
}

TEST(FashionMnist, OneClassIsHeldOutOrTakenAlone) {
    QT_REQUIRE_FASHION_MNIST(test, qt::FashionMnistSplit::Test);
    const qt::ImageSet rest = qt::without_class(*test, 7);
    EXPECT_EQ(rest.size(), 9000);
    for (uint8_t l : rest.labels) ASSERT_NE(l, 7);
    const qt::ImageSet sneakers = qt::take_class(*test, 7, 100);
    ASSERT_EQ(sneakers.size(), 100);
    for (uint8_t l : sneakers.labels) ASSERT_EQ(l, 7);
    EXPECT_THROW(qt::take_class(*test, 7, 1001), qt::ImageDataError);
}

TEST(FashionMnist, InvertedAndOutlinedStylesKeepTheRangeAndShape) {
    qt::ImageSet s;
    s.width = s.height = 4;
    // A white 2 x 2 square on black.
    s.pixels.assign(16, -1.0f);
    for (int y : {1, 2})
        for (int x : {1, 2}) s.pixels[static_cast<size_t>(y * 4 + x)] = 1.0f;
    const qt::ImageSet inv = qt::inverted(s);
    EXPECT_EQ(inv.pixels[0], 1.0f);
    EXPECT_EQ(inv.pixels[5], -1.0f);
    const qt::ImageSet edge = qt::outlined(s);
    for (float v : edge.pixels) {
        EXPECT_GE(v, -1.0f);
        EXPECT_LE(v, 1.0f);
    }
    // A flat black corner far from the square would be black; every pixel here
    // touches the square, so every one is an edge of it.
    EXPECT_EQ(edge.pixels[5], 1.0f);
    EXPECT_GT(edge.pixels[0], -1.0f);
}

TEST(FashionMnist, GzipAndPlainFilesReadTheSame) {
    qt::test::TempDir tmp("idx");
    const qt::ImageSet plain = qt::load_idx_images(write(tmp.path, "i", idx_images(3)), write(tmp.path, "l", idx_labels(3)));
    const qt::ImageSet gz =
        qt::load_idx_images(write_gz(tmp.path, "i.gz", idx_images(3)), write_gz(tmp.path, "l.gz", idx_labels(3)));
    EXPECT_EQ(plain.pixels, gz.pixels);
    EXPECT_EQ(plain.labels, gz.labels);
    EXPECT_EQ(plain.size(), 3);
    EXPECT_EQ(plain.pixels[1], qt::pixel_from_byte(7));
}

TEST(FashionMnist, EachMalformedIdxFileGetsOneClearLine) {
    qt::test::TempDir tmp("idx");
    const std::string good_labels = write(tmp.path, "labels", idx_labels(2));
    const std::string good_images = write(tmp.path, "images", idx_images(2));
    struct Case {
        std::string name;
        Bytes bytes;
        bool is_labels;
        std::string expected;  // after "<path>: "
    };
    Bytes bad_type = idx_images(2);
    bad_type[2] = 0x0D;
    Bytes truncated = idx_images(2);
    truncated.resize(truncated.size() - 5);
    Bytes longer = idx_images(2);
    longer.push_back(0);
    Bytes bad_label = idx_labels(2);
    bad_label[9] = 12;
    Bytes zero_dim = idx_images(2);
    zero_dim[11] = 0;
    Bytes huge_dim = {0, 0, 8, 3};
    put32(huge_dim, 0xFFFFFFFFu);
    put32(huge_dim, 28);
    put32(huge_dim, 28);
    const std::vector<Case> cases = {
        {"empty", {}, false, "truncated at byte 0: the 4-byte magic number 0x00000803 is missing"},
        {"png", {0x89, 'P', 'N', 'G', 13, 10, 26, 10}, false,
         "byte 0: magic number 0x89504E47 is not an IDX file's (expected 0x00000803)"},
        {"float_type", bad_type, false,
         "byte 2: element type 0x0D; Fashion-MNIST's files hold unsigned bytes (0x08, magic 0x00000803)"},
        {"labels_as_images", idx_labels(2), false,
         "byte 3: 1 dimensions (magic 0x00000801); expected 3 (magic 0x00000803): is this a labels file?"},
        {"images_as_labels", idx_images(2), true,
         "byte 3: 3 dimensions (magic 0x00000803); expected 1 (magic 0x00000801): is this an images file?"},
        {"short_header", {0, 0, 8, 3, 0, 0, 0, 2, 0, 0}, false,
         "truncated at byte 10: the header's 3 dimensions end at byte 16"},
        {"zero_rows", zero_dim, false, "byte 8: dimension 1 is 0"},
        {"huge_count", huge_dim, false, "byte 4: dimension 0 is 4294967295, making more than 256 MiB of elements"},
        {"truncated", truncated, false,
         "truncated at byte 1579: the header promises 1568 bytes of elements from byte 16, the file holds 1563"},
        {"longer", longer, false, "byte 1584: 1 bytes after the last element; the header promises 1568"},
        {"wrong_size", idx_images(2, 32, 32), false, "bytes 8-15: images are 32 x 32; Fashion-MNIST's are 28 x 28"},
        {"bad_label", bad_label, true, "byte 9: label 12 of image 1; Fashion-MNIST's classes are 0..9"},
    };
    for (const Case& c : cases) {
        const std::string path = write(tmp.path, c.name, c.bytes);
        const std::string e = c.is_labels ? load_error(good_images, path) : load_error(path, good_labels);
        EXPECT_EQ(e, path + ": " + c.expected) << c.name;
        EXPECT_EQ(e.find('\n'), std::string::npos) << c.name;
    }
    // The counts disagree: 3 images, 2 labels.
    const std::string three = write(tmp.path, "three", idx_images(3));
    EXPECT_EQ(load_error(three, good_labels), three + ": byte 4: 3 images, but " + good_labels + " holds 2 labels");
    // A missing file, a folder, a cut gzip stream.
    EXPECT_EQ(load_error(tmp.path + "/none", good_labels), tmp.path + "/none: cannot open: No such file or directory");
    EXPECT_EQ(load_error(tmp.path, good_labels), tmp.path + ": not a regular file");
    const std::string gz = write_gz(tmp.path, "cut.gz", idx_images(50));
    Bytes gz_bytes = qt::test::read_bytes(gz);
    gz_bytes.resize(gz_bytes.size() / 2);
    const std::string cut = write(tmp.path, "cut2.gz", gz_bytes);
    const std::string e = load_error(cut, good_labels);
    EXPECT_EQ(e.rfind(cut + ": gzip data cut short or corrupt after ", 0), 0u) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);
    // A 5 GiB sparse file is refused before it is read; a gzip bomb stops at the cap.
    const std::string huge = write(tmp.path, "huge", idx_images(1));
    ASSERT_EQ(truncate(huge.c_str(), int64_t{5} << 30), 0);
    EXPECT_EQ(load_error(huge, good_labels),
              huge + ": the file is 5120 MiB; an IDX file of Fashion-MNIST is at most 47 MiB (QuantTune reads up to 256 MiB)");
    unlink(huge.c_str());
    const std::string bomb = tmp.path + "/bomb.gz";
    {
        gzFile gz = gzopen(bomb.c_str(), "wb9");
        const Bytes zeros(1 << 20, 0);
        for (int i = 0; i < 300; ++i) gzwrite(gz, zeros.data(), static_cast<unsigned>(zeros.size()));
        gzclose(gz);
    }
    EXPECT_EQ(load_error(bomb, good_labels),
              bomb + ": over 256 MiB uncompressed; an IDX file of Fashion-MNIST is at most 47 MiB");
}

TEST(FashionMnist, RandomlyCorruptedFilesLoadOrGetOneLineNeverACrash) {
    qt::test::TempDir tmp("idx");
    const Bytes images = idx_images(3), labels = idx_labels(3);
    std::mt19937_64 rng(17);
    int refused = 0;
    for (int trial = 0; trial < 500; ++trial) {
        Bytes i = images, l = labels;
        Bytes& b = trial % 2 ? l : i;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            const size_t at = rng() % std::min<size_t>(b.size(), 24);  // mostly the header, where the fields are
            switch (rng() % 3) {
                case 0: b[at] = static_cast<uint8_t>(rng()); break;
                case 1: b.resize(at); break;
                default: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng())); break;
            }
            if (b.empty()) break;
        }
        const std::string ip = write(tmp.path, "i", i), lp = write(tmp.path, "l", l);
        const std::string err = load_error(ip, lp);
        if (!err.empty()) {
            ++refused;
            ASSERT_EQ(err.find('\n'), std::string::npos) << err;
            ASSERT_TRUE(err.rfind(ip + ": ", 0) == 0 || err.rfind(lp + ": ", 0) == 0) << err;
        }
    }
    std::printf("%d of 500 corrupted pairs refused\n", refused);
    EXPECT_GT(refused, 250);
}

TEST(FashionMnist, AMissingInstallNamesThePackageToInstall) {
    setenv("QUANTTUNE_FASHION_MNIST", "/nonexistent/fm", 1);
    EXPECT_FALSE(qt::find_fashion_mnist_dir());
    try {
        qt::fashion_mnist_dir();
        FAIL() << "no error";
    } catch (const qt::ImageDataError& e) {
        EXPECT_NE(std::string(e.what()).find("dataset-fashion-mnist"), std::string::npos) << e.what();
    }
    unsetenv("QUANTTUNE_FASHION_MNIST");
}
