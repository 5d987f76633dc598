#pragma once
// The hyper-parameters of a class-conditional diffusion transformer (DiT, Peebles &
// Xie 2023; image/dit_model.h), stored in GGUF metadata under an architecture of
// our own: general.architecture = "qt-dit", keys "qt-dit.*" (each field names its key).
#include <cstdint>
#include <string>

namespace qt {

class GgufFile;
class GgufWriter;

inline constexpr const char* kDitArchitecture = "qt-dit";

struct DitConfig {
    int image_size = 8;     // square images of image_size x image_size pixels   (qt-dit.image_size)
    int channels = 1;       // (qt-dit.channels)
    int patch_size = 2;     // p x p pixels a token                              (qt-dit.patch_size)
    int width = 16;         // the tokens' width                                 (qt-dit.embedding_length)
    int depth = 2;          // transformer blocks                                (qt-dit.block_count)
    int n_heads = 2;        // (qt-dit.attention.head_count)
    int n_classes = 2;      // real classes; the class table has one more row, the null class (qt-dit.class_count)
    int ffn_width = 32;     // SwiGLU's hidden width                             (qt-dit.feed_forward_length)
    int timestep_dim = 32;  // sinusoidal timestep features fed to the MLP       (qt-dit.timestep_embedding_length)

    int side_patches() const { return image_size / patch_size; }
    int tokens() const { return side_patches() * side_patches(); }
    int patch_dim() const { return channels * patch_size * patch_size; }
    int head_dim() const { return width / n_heads; }
    int null_class() const { return n_classes; }  // classifier-free guidance's "no class"
    int64_t image_values() const { return int64_t{channels} * image_size * image_size; }

    // Throws std::invalid_argument naming the first field out of range or inconsistent
    // (image_size a multiple of patch_size, width of n_heads and of 4 for the 2D
    // position features, timestep_dim even).
    void validate() const;
};

// Reads and checks the metadata; throws ModelFileError "PATH: key "qt-dit.x": PROBLEM"
// for a wrong architecture, a missing key, a wrong type or a value out of range.
DitConfig read_dit_config(const GgufFile& file);
void write_dit_config(GgufWriter& writer, const DitConfig& config);

}  // namespace qt
