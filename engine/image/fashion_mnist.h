#pragma once
// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training and 10,000 test
// images, 28 x 28 grey, 10 classes, as four IDX files (image/idx_file.h). Debian's
// package dataset-fashion-mnist installs them gzip-compressed under
// /usr/share/datasets/fashion-mnist/ (scripts/setup.sh installs it).
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "image/image_set.h"

namespace qt {

inline constexpr int kFashionMnistSide = 28;
inline constexpr int kFashionMnistClasses = 10;

// Class names by label, as the dataset's README gives them.
const std::array<std::string_view, kFashionMnistClasses>& fashion_mnist_class_names();
// The label of a class name (case-insensitive, "t-shirt" and "tshirt" both work);
// throws ImageDataError listing the names when none matches.
int fashion_mnist_class(std::string_view name);

enum class FashionMnistSplit { Train, Test };

// The folder holding the files: QUANTTUNE_FASHION_MNIST if set, else Debian's;
// none when its images file of the training split is missing.
std::optional<std::string> find_fashion_mnist_dir();
// As above, but throws ImageDataError saying what to install when missing.
std::string fashion_mnist_dir();

// One split from `dir` (train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz],
// or t10k-...), pixels in [-1, 1] (image/image_set.h). Checks that the images are
// 28 x 28, that the counts agree and that every label is 0..9.
ImageSet load_fashion_mnist(const std::string& dir, FashionMnistSplit split);
// Any images file and labels file of the IDX format, with the same checks.
ImageSet load_idx_images(const std::string& images_path, const std::string& labels_path);

}  // namespace qt
