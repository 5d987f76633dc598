#include "image/image_fid.h"

#include <filesystem>
#include <system_error>

#include "util/cache_dir.h"

namespace qt {

std::string default_fashion_classifier_path(int hidden) {
    return quanttune_cache_dir() + "/models/fashion_mnist_classifier_h" + std::to_string(hidden) + ".bin";
}

ImageClassifier fashion_mnist_meter(const ImageSet& train) {
    const std::string path = default_fashion_classifier_path();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) throw ImageDataError(path + ": cannot create its folder: " + ec.message());
    return load_or_train_image_classifier(path, train, 10, ImageClassifierTraining{});
}

GaussianStats feature_stats(const ImageClassifier& meter, const ImageSet& set) {
    const std::vector<float> f = meter.features(set);
    return gaussian_stats(f.data(), set.size(), meter.hidden());
}

double image_frechet_distance(const ImageClassifier& meter, const ImageSet& a, const ImageSet& b) {
    return frechet_distance(feature_stats(meter, a), feature_stats(meter, b));
}

}  // namespace qt
