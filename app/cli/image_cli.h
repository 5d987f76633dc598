#pragma once
// What the image commands (pretrain-image, generate-image, score-images) share:
// reading Fashion-MNIST class names, the block type of --quantize-to, opening a
// qt-dit model (optionally as a quantized copy) and sampling a grid of classes.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "cli/cli_args.h"
#include "image/dit_model.h"
#include "image/image_set.h"
#include "image/rectified_flow.h"

namespace qt::cli {

// A class by its Fashion-MNIST name ("sneaker", "t-shirt") or its number 0..9; a
// UsageError naming --option otherwise.
int parse_image_class(const std::string& option, const std::string& value);
// "all", or a comma-separated list of classes as above.
std::vector<int> parse_image_classes(const std::string& option, const std::string& value);

// The --quantize-to option of the image commands, and its type (none: float32 as stored).
OptionSpec image_quantize_option();
std::optional<GgmlType> image_quantize_type(const Args& args);

// Loads a qt-dit model; with a type, a copy whose linear weights are quantized to it
// (written to a temporary file and read back, as a user's quantized file would be).
std::unique_ptr<DitModel> load_image_model(Backend& backend, const std::string& path,
                                           std::optional<GgmlType> quantize);

// The model must make 28 x 28 grey images of the 10 Fashion-MNIST classes.
void check_fashion_mnist_model(const DitModel& model, const std::string& path);

// `per_class` samples of each class, image r * per_class + j being class classes[r]
// with seed `seed + j` (the same seeds and classes give the same images).
ImageSet sample_class_grid(DitBackprop& dit, const std::vector<int>& classes, int per_class,
                           const SamplerSettings& settings);

}  // namespace qt::cli
