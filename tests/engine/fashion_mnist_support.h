#pragma once
// What the Fashion-MNIST tests share: the data from Debian's package
// dataset-fashion-mnist, loaded once a process.
#include "image/fashion_mnist.h"
#include "test_support.h"

namespace qt::test {

// The split, loaded on first use; null when the package is not installed.
inline const ImageSet* fashion_mnist(FashionMnistSplit split) {
    static const std::optional<std::string> dir = find_fashion_mnist_dir();
    if (!dir) return nullptr;
    if (split == FashionMnistSplit::Train) {
        static const ImageSet train = load_fashion_mnist(*dir, split);
        return &train;
    }
    static const ImageSet test = load_fashion_mnist(*dir, split);
    return &test;
}

}  // namespace qt::test

// Skips (printing why) or fails, as oracles_required() says, when Fashion-MNIST is missing.
#define QT_REQUIRE_FASHION_MNIST(var, split)                                                                 \
    const ::qt::ImageSet* var = ::qt::test::fashion_mnist(split);                                            \
    if (!var) {                                                                                             \
        if (::qt::test::oracles_required())                                                                  \
            FAIL() << "Fashion-MNIST missing: install dataset-fashion-mnist (scripts/setup.sh)";             \
        GTEST_SKIP() << "Fashion-MNIST missing (apt-get install dataset-fashion-mnist, or scripts/setup.sh); skipping"; \
    }
