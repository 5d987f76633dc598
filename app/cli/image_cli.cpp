#include "cli/image_cli.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "image/dit_backprop.h"
#include "image/fashion_mnist.h"
#include "quant/ggml_type.h"

namespace qt::cli {

int parse_image_class(const std::string& option, const std::string& value) {
    if (!value.empty() && std::all_of(value.begin(), value.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
        const int label = value.size() > 2 ? 99 : std::stoi(value);
        if (label >= kFashionMnistClasses)
            throw UsageError("--" + option + ": class " + value + " is not one of 0.." +
                             std::to_string(kFashionMnistClasses - 1));
        return label;
    }
    try {
        return fashion_mnist_class(value);
    } catch (const ImageDataError& e) {
        throw UsageError("--" + option + ": " + e.what());
    }
}

std::vector<int> parse_image_classes(const std::string& option, const std::string& value) {
    std::vector<int> classes;
    if (value == "all") {
        for (int k = 0; k < kFashionMnistClasses; ++k) classes.push_back(k);
        return classes;
    }
    size_t pos = 0;
    while (pos <= value.size()) {
        const size_t comma = std::min(value.find(',', pos), value.size());
        classes.push_back(parse_image_class(option, value.substr(pos, comma - pos)));
        pos = comma + 1;
    }
    return classes;
}

OptionSpec image_quantize_option() {
    return {"quantize-to", "q8_0|q4_0|q4_1|q5_0|q5_1|f16",
            "sample from a copy whose linear weights are quantized to this type (default: the file as stored)"};
}

std::optional<GgmlType> image_quantize_type(const Args& args) {
    if (!args.has("quantize-to")) return std::nullopt;
    std::string want = args.str("quantize-to", "");
    std::transform(want.begin(), want.end(), want.begin(), [](unsigned char ch) { return std::tolower(ch); });
    for (GgmlType t : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::F16}) {
        std::string name(ggml_type_name(t));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (name == want) return t;
    }
    throw UsageError("--quantize-to: unknown type \"" + args.str("quantize-to", "") +
                     "\" (q8_0, q4_0, q4_1, q5_0, q5_1, f16)");
}

std::unique_ptr<DitModel> load_image_model(Backend& backend, const std::string& path,
                                           std::optional<GgmlType> quantize) {
    std::unique_ptr<DitModel> model = DitModel::load(backend, path);
    if (!quantize) return model;
    namespace fs = std::filesystem;
    const fs::path copy = fs::temp_directory_path() /
                          ("quanttune-" + std::to_string(::getpid()) + "-" + fs::path(path).stem().string() + "-" +
                           std::string(ggml_type_name(*quantize)) + ".gguf");
    struct Remove {
        fs::path p;
        ~Remove() {
            std::error_code ec;
            fs::remove(p, ec);
        }
    } remove{copy};
    model->save(copy.string(), *quantize);
    return DitModel::load(backend, copy.string());
}

void check_fashion_mnist_model(const DitModel& model, const std::string& path) {
    const DitConfig& c = model.config();
    if (c.image_size != kFashionMnistSide || c.channels != 1 || c.n_classes != kFashionMnistClasses)
        throw std::runtime_error(path + ": a model of " + std::to_string(c.n_classes) + " classes of " +
                                 std::to_string(c.image_size) + " x " + std::to_string(c.image_size) + " x " +
                                 std::to_string(c.channels) + " images, expected Fashion-MNIST's 10 classes of 28 x 28 x 1");
}

ImageSet sample_class_grid(DitBackprop& dit, const std::vector<int>& classes, int per_class,
                           const SamplerSettings& settings) {
    const DitConfig& c = dit.model().config();
    ImageSet set;
    set.width = set.height = c.image_size;
    const int64_t per_image = c.image_values();
    set.pixels.resize(static_cast<size_t>(per_image) * classes.size() * static_cast<size_t>(per_class));
    for (int r = 0; r < static_cast<int>(classes.size()); ++r)
        for (int j = 0; j < per_class; ++j) set.labels.push_back(static_cast<uint8_t>(classes[static_cast<size_t>(r)]));
    const std::vector<int32_t> batch(classes.begin(), classes.end());
    for (int j = 0; j < per_class; ++j) {
        SamplerSettings s = settings;
        s.seed = settings.seed + static_cast<uint64_t>(j);
        const std::vector<float> images = sample_images(dit, batch, s);
        for (size_t r = 0; r < classes.size(); ++r)
            std::copy_n(images.data() + static_cast<int64_t>(r) * per_image, per_image,
                        set.pixels.data() + (static_cast<int64_t>(r) * per_class + j) * per_image);
    }
    return set;
}

}  // namespace qt::cli
