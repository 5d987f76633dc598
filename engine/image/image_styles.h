#pragma once
// Styles a user may ask the generator to learn, made from a set's images: the
// same garments drawn differently, so that fine-tuning on a style has a
// reference to be measured against.
#include "image/image_set.h"

namespace qt {

// White on black becomes black on white: v -> -v (the byte p -> 255 - p).
ImageSet inverted(const ImageSet& set);

// A line drawing: the Sobel gradient magnitude of the image in [0, 1] intensity,
// white lines on black. A full-contrast step edge gives |g| = 4 with Sobel's
// kernels; the magnitude is divided by 2 and saturates at 1, so edges of half
// contrast and up draw full white and the thin outline reads at 28 x 28. Pixels
// past the border count as black (the garments' background).
ImageSet outlined(const ImageSet& set);

}  // namespace qt
