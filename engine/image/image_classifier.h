#pragma once
// A small classifier of 28 x 28 grey images that QuantTune trains itself on
// Fashion-MNIST: the meter of the image generator. It says which class a sample
// looks like (predict), and its hidden layer is the feature space of the
// Fréchet distance (image/frechet_distance.h), as Inception-v3's pool layer is
// for FID (Heusel et al. 2017) where no pretrained network can be downloaded.
//
// An MLP, 784 -> hidden (ReLU) -> 10, float32, trained with softmax cross-entropy
// and AdamW. It runs on the host with the engine's dense products (cpu/blas_gemm.h)
// and plain loops, not through a Backend: the meter must read the same whichever
// backend trained the generator, and it is small enough (~0.2 M weights) for any CPU.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "image/image_set.h"

namespace qt {

struct ImageClassifierTraining {
    int hidden = 256;
    int epochs = 5;
    int batch = 128;
    double lr = 1e-3;            // AdamW (cpu/adamw_step.h), constant
    double weight_decay = 1e-4;
    uint64_t seed = 1;           // the initial weights and the order of the examples
    double max_seconds = 0;      // > 0: stop after the batch that passes this
};

class ImageClassifier {
public:
    // Random weights: He-uniform for W1 (ReLU follows), Glorot-uniform for W2, zero biases.
    ImageClassifier(int inputs, int hidden, int classes, uint64_t seed);

    // Trains a fresh classifier on the labelled set; `on_epoch` (if set) hears each
    // epoch's mean training loss.
    static ImageClassifier train(const ImageSet& set, int classes, const ImageClassifierTraining& settings,
                                 const std::function<void(int epoch, double loss)>& on_epoch = {});

    int inputs() const { return inputs_; }
    int hidden() const { return hidden_; }
    int classes() const { return classes_; }

    // The most likely class of each image.
    std::vector<int> predict(const ImageSet& set) const;
    // The fraction of a labelled set predicted right.
    double accuracy(const ImageSet& set) const;
    // The hidden layer after ReLU, [size][hidden]: the Fréchet distance's features.
    std::vector<float> features(const ImageSet& set) const;

    // The mean softmax cross-entropy over a labelled set, and its gradient with
    // respect to parameters() (training's backward pass, for the gradient check).
    double loss_and_gradient(const ImageSet& set, std::vector<float>& grad) const;
    // Every weight in one vector: W1 [hidden][inputs], b1 [hidden], W2 [classes][hidden], b2 [classes].
    std::vector<float>& parameters() { return params_; }
    const std::vector<float>& parameters() const { return params_; }

    // A small binary file (image/image_classifier_file.cpp), written atomically.
    void save(const std::string& path) const;
    // Throws ImageDataError naming the file, the byte offset and the field.
    static ImageClassifier load(const std::string& path);

private:
    friend struct ImageClassifierTrainer;
    // Forward over n rows of x ([n][inputs]): hidden after ReLU ([n][hidden]) and logits ([n][classes]).
    void forward(const float* x, int64_t n, float* h, float* logits) const;
    void check_set(const ImageSet& set) const;

    int inputs_ = 0, hidden_ = 0, classes_ = 0;
    // One flat vector so that AdamW steps over all of it: W1 [hidden][inputs],
    // b1 [hidden], W2 [classes][hidden], b2 [classes].
    std::vector<float> params_;
    const float* w1() const { return params_.data(); }
    const float* b1() const { return w1() + static_cast<int64_t>(hidden_) * inputs_; }
    const float* w2() const { return b1() + hidden_; }
    const float* b2() const { return w2() + static_cast<int64_t>(classes_) * hidden_; }
};

// The classifier cached at `path` when the file is there and reads, else one
// trained on `set` and saved there (a cache that does not read is retrained over).
ImageClassifier load_or_train_image_classifier(const std::string& path, const ImageSet& set, int classes,
                                               const ImageClassifierTraining& settings);

}  // namespace qt
