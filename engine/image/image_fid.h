#pragma once
// The Fréchet distance of generated images to real ones in the meter's feature
// space: FID (Heusel et al. 2017) with image/image_classifier.h's MLP standing in
// for Inception-v3, which no reachable registry ships. Its numbers compare runs of
// QuantTune with each other, not with published FIDs.
#include <string>

#include "image/frechet_distance.h"
#include "image/image_classifier.h"

namespace qt {

// Where the Fashion-MNIST meter is cached:
// quanttune_cache_dir()/models/fashion_mnist_classifier_h<hidden>.bin (util/cache_dir.h).
std::string default_fashion_classifier_path(int hidden = ImageClassifierTraining{}.hidden);

// The meter for Fashion-MNIST: loaded from the default path, or trained on `train`
// with the default settings (about a minute on two cores) and saved there.
ImageClassifier fashion_mnist_meter(const ImageSet& train);

// Mean and covariance of the meter's hidden features over a set.
GaussianStats feature_stats(const ImageClassifier& meter, const ImageSet& set);

// frechet_distance of the two sets' feature statistics.
double image_frechet_distance(const ImageClassifier& meter, const ImageSet& a, const ImageSet& b);

}  // namespace qt
