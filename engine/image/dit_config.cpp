#include "image/dit_config.h"

#include <stdexcept>
#include <string>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "util/model_file_error.h"

namespace qt {
namespace {

// Every field with its key and the largest value we accept: past these a model
// would not fit anywhere this engine runs, and products of them stay inside int.
struct DitKey {
    const char* key;
    int DitConfig::*field;
    int max;
};
constexpr DitKey kDitKeys[] = {
    {"qt-dit.image_size", &DitConfig::image_size, 4096},
    {"qt-dit.channels", &DitConfig::channels, 16},
    {"qt-dit.patch_size", &DitConfig::patch_size, 64},
    {"qt-dit.embedding_length", &DitConfig::width, 16384},
    {"qt-dit.block_count", &DitConfig::depth, 1024},
    {"qt-dit.attention.head_count", &DitConfig::n_heads, 1024},
    {"qt-dit.class_count", &DitConfig::n_classes, 1 << 20},
    {"qt-dit.feed_forward_length", &DitConfig::ffn_width, 65536},
    {"qt-dit.timestep_embedding_length", &DitConfig::timestep_dim, 16384},
};

// The consistency rule a config breaks, with the key to blame; empty when none.
std::pair<std::string, std::string> broken_rule(const DitConfig& c) {
    if (c.image_size % c.patch_size != 0)
        return {"qt-dit.patch_size", "patch size " + std::to_string(c.patch_size) + " does not divide the image size " +
                                         std::to_string(c.image_size)};
    if (c.width % c.n_heads != 0)
        return {"qt-dit.attention.head_count", std::to_string(c.n_heads) + " heads do not divide the width " +
                                                   std::to_string(c.width)};
    if (c.width % 4 != 0)
        return {"qt-dit.embedding_length",
                "width " + std::to_string(c.width) + " is not a multiple of 4 (2D sine-cosine positions)"};
    if (c.timestep_dim % 2 != 0)
        return {"qt-dit.timestep_embedding_length",
                "timestep features " + std::to_string(c.timestep_dim) + " are not even (sine, cosine pairs)"};
    if (int64_t{c.tokens()} * c.width > (int64_t{1} << 28))
        return {"qt-dit.image_size", std::to_string(c.tokens()) + " tokens of width " + std::to_string(c.width) +
                                         " are too many for one image"};
    return {};
}

}  // namespace

void DitConfig::validate() const {
    for (const DitKey& k : kDitKeys) {
        const int v = this->*k.field;
        if (v < 1 || v > k.max)
            throw std::invalid_argument(std::string("DiT config: ") + k.key + " = " + std::to_string(v) +
                                        ", expected 1.." + std::to_string(k.max));
    }
    const auto [key, problem] = broken_rule(*this);
    if (!key.empty()) throw std::invalid_argument("DiT config: " + key + ": " + problem);
}

DitConfig read_dit_config(const GgufFile& file) {
    const std::string arch = file.get_string("general.architecture");
    if (arch != kDitArchitecture)
        throw_model_error(file.path(), "key \"general.architecture\"",
                          "is \"" + arch + "\", expected \"" + kDitArchitecture + "\" (a QuantTune image model)");
    DitConfig c;
    for (const DitKey& k : kDitKeys) {
        const int64_t v = file.get_int(k.key);  // throws naming the key when missing or not an integer
        if (v < 1 || v > k.max)
            throw_model_error(file.path(), std::string("key \"") + k.key + "\"",
                              "value " + std::to_string(v) + " outside 1.." + std::to_string(k.max));
        c.*k.field = static_cast<int>(v);
    }
    const auto [key, problem] = broken_rule(c);
    if (!key.empty()) throw_model_error(file.path(), "key \"" + key + "\"", problem);
    return c;
}

void write_dit_config(GgufWriter& writer, const DitConfig& config) {
    config.validate();
    writer.set_string("general.architecture", kDitArchitecture);
    for (const DitKey& k : kDitKeys) writer.set_u32(k.key, static_cast<uint32_t>(config.*k.field));
}

}  // namespace qt
