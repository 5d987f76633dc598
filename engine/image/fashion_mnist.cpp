#include "image/fashion_mnist.h"

#include <sys/stat.h>

#include <cctype>
#include <cstdlib>

#include "image/idx_file.h"

namespace qt {
namespace {

constexpr const char* kDebianDir = "/usr/share/datasets/fashion-mnist";

bool is_file(const std::string& path) {
    struct stat st{};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The file `stem` in dir, gzip-compressed as Debian ships it or plain as the
// dataset's own download script leaves it after gunzip.
std::string idx_path(const std::string& dir, const std::string& stem) {
    const std::string plain = dir + "/" + stem;
    return is_file(plain) ? plain : plain + ".gz";
}

std::string squeeze(std::string_view s) {
    std::string out;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

const std::array<std::string_view, kFashionMnistClasses>& fashion_mnist_class_names() {
    static const std::array<std::string_view, kFashionMnistClasses> names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
    return names;
}

int fashion_mnist_class(std::string_view name) {
    const std::string want = squeeze(name);
    std::string all;
    for (int i = 0; i < kFashionMnistClasses; ++i) {
        const std::string_view n = fashion_mnist_class_names()[static_cast<size_t>(i)];
        // "T-shirt/top" answers to "tshirttop", "tshirt" and "top".
        const std::string s = squeeze(n);
        if (!want.empty() && (s == want || (i == 0 && (want == "tshirt" || want == "top")))) return i;
        all += (i ? ", " : "") + std::string(n);
    }
    throw ImageDataError("'" + std::string(name) + "' is not a Fashion-MNIST class; the classes are " + all);
}

std::optional<std::string> find_fashion_mnist_dir() {
    const char* env = std::getenv("QUANTTUNE_FASHION_MNIST");
    const std::string dir = env && *env ? env : kDebianDir;
    if (!is_file(idx_path(dir, "train-images-idx3-ubyte"))) return std::nullopt;
    return dir;
}

std::string fashion_mnist_dir() {
    if (auto dir = find_fashion_mnist_dir()) return *dir;
    const char* env = std::getenv("QUANTTUNE_FASHION_MNIST");
    if (env && *env)
        throw ImageDataError(std::string(env) + ": no train-images-idx3-ubyte[.gz] here (QUANTTUNE_FASHION_MNIST); "
                             "unset it to use Debian's package dataset-fashion-mnist");
    throw ImageDataError(std::string(kDebianDir) + ": Fashion-MNIST is not installed; install Debian's package "
                         "dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist, or run scripts/setup.sh)");
}

ImageSet load_idx_images(const std::string& images_path, const std::string& labels_path) {
    IdxArray images = read_idx_file(images_path, 3);
    const IdxArray labels = read_idx_file(labels_path, 1);
    if (images.dims[1] != kFashionMnistSide || images.dims[2] != kFashionMnistSide)
        throw ImageDataError(images_path + ": bytes 8-15: images are " + std::to_string(images.dims[1]) + " x " +
                             std::to_string(images.dims[2]) + "; Fashion-MNIST's are 28 x 28");
    if (images.dims[0] != labels.dims[0])
        throw ImageDataError(images_path + ": byte 4: " + std::to_string(images.dims[0]) + " images, but " +
                             labels_path + " holds " + std::to_string(labels.dims[0]) + " labels");
    for (size_t i = 0; i < labels.data.size(); ++i)
        if (labels.data[i] >= kFashionMnistClasses)
            throw ImageDataError(labels_path + ": byte " + std::to_string(8 + i) + ": label " +
                                 std::to_string(labels.data[i]) + " of image " + std::to_string(i) +
                                 "; Fashion-MNIST's classes are 0..9");
    ImageSet set;
    set.width = set.height = kFashionMnistSide;
    set.pixels.resize(images.data.size());
    for (size_t i = 0; i < images.data.size(); ++i) set.pixels[i] = pixel_from_byte(images.data[i]);
    set.labels = labels.data;
    return set;
}

ImageSet load_fashion_mnist(const std::string& dir, FashionMnistSplit split) {
    const std::string prefix = split == FashionMnistSplit::Train ? "train" : "t10k";
    return load_idx_images(idx_path(dir, prefix + "-images-idx3-ubyte"), idx_path(dir, prefix + "-labels-idx1-ubyte"));
}

}  // namespace qt
