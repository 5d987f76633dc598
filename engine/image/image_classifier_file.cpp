// The image classifier's file: a 24-byte header, then the weights.
//   bytes 0-7   "QTIMGCLS"
//   bytes 8-11  version (1), little-endian uint32
//   bytes 12-23 inputs, hidden, classes: little-endian uint32 each
//   byte 24...  W1 [hidden][inputs], b1 [hidden], W2 [classes][hidden], b2 [classes]: float32 little-endian
#include <sys/stat.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "image/image_classifier.h"
#include "util/atomic_file.h"

namespace qt {
namespace {

static_assert(std::endian::native == std::endian::little, "the classifier file is written as memory holds it");

constexpr char kMagic[8] = {'Q', 'T', 'I', 'M', 'G', 'C', 'L', 'S'};
constexpr uint32_t kVersion = 1;
constexpr int64_t kHeaderBytes = 24;
// A hidden layer past this is not a meter this code would train.
constexpr uint32_t kMaxUnits = 1 << 16;

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw ImageDataError(path + ": " + problem);
}

}  // namespace

void ImageClassifier::save(const std::string& path) const {
    write_file_atomically(path, [&](std::FILE* f) {
        const uint32_t header[4] = {kVersion, static_cast<uint32_t>(inputs_), static_cast<uint32_t>(hidden_),
                                    static_cast<uint32_t>(classes_)};
        if (std::fwrite(kMagic, 1, 8, f) != 8 || std::fwrite(header, 4, 4, f) != 4 ||
            std::fwrite(params_.data(), 4, params_.size(), f) != params_.size())
            fail(path, std::string("cannot write the classifier: ") + std::strerror(errno));
    });
}

ImageClassifier ImageClassifier::load(const std::string& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!f) fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st{};
    if (fstat(fileno(f.get()), &st) != 0 || !S_ISREG(st.st_mode)) fail(path, "not a regular file");
    const int64_t size = st.st_size;
    if (size < kHeaderBytes)
        fail(path, "truncated at byte " + std::to_string(size) + ": the header is " + std::to_string(kHeaderBytes) +
                       " bytes");
    char magic[8];
    uint32_t header[4];
    if (std::fread(magic, 1, 8, f.get()) != 8 || std::fread(header, 4, 4, f.get()) != 4)
        fail(path, "cannot read the header");
    if (std::memcmp(magic, kMagic, 8) != 0) fail(path, "byte 0: not a QuantTune image classifier (magic QTIMGCLS)");
    if (header[0] != kVersion)
        fail(path, "byte 8: version " + std::to_string(header[0]) + "; this build reads version " +
                       std::to_string(kVersion));
    const char* names[3] = {"inputs", "hidden", "classes"};
    for (int i = 1; i < 4; ++i)
        if (header[i] < (i == 3 ? 2u : 1u) || header[i] > kMaxUnits)
            fail(path, "byte " + std::to_string(8 + 4 * i) + ": " + names[i - 1] + " " + std::to_string(header[i]) +
                           " outside " + (i == 3 ? "2" : "1") + ".." + std::to_string(kMaxUnits));
    // The size the header implies, checked against the file before anything that large is allocated.
    const int64_t in = header[1], hid = header[2], cls = header[3];
    const int64_t want = kHeaderBytes + 4 * (hid * in + hid + cls * hid + cls);
    if (size != want)
        fail(path, "byte " + std::to_string(std::min(size, want)) + ": the file is " + std::to_string(size) +
                       " bytes; its header's shape (" + std::to_string(header[1]) + " x " + std::to_string(header[2]) +
                       " x " + std::to_string(header[3]) + ") makes " + std::to_string(want));
    ImageClassifier m(static_cast<int>(in), static_cast<int>(hid), static_cast<int>(cls), 0);
    if (std::fread(m.params_.data(), 4, m.params_.size(), f.get()) != m.params_.size())
        fail(path, "cannot read the weights");
    return m;
}

ImageClassifier load_or_train_image_classifier(const std::string& path, const ImageSet& set, int classes,
                                               const ImageClassifierTraining& settings) {
    struct stat st{};
    if (stat(path.c_str(), &st) == 0) {
        try {
            ImageClassifier m = ImageClassifier::load(path);
            if (m.inputs() == set.pixels_per_image() && m.hidden() == settings.hidden && m.classes() == classes)
                return m;
        } catch (const ImageDataError&) {
            // A cache is only a cache: a broken one is trained over below.
        }
    }
    ImageClassifier m = ImageClassifier::train(set, classes, settings);
    m.save(path);
    return m;
}

}  // namespace qt
