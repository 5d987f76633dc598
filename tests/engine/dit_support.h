#pragma once
// Shared by the DiT tests (test_dit_*.cpp): a model with every tensor random, and
// one OpenMP thread for problems too small to share.
#include <memory>
#include <string>

#include "image/dit_model.h"
#include "one_openmp_thread.h"
#include "util/philox_normal.h"

namespace qt::test {

// DiT's initial values plus normal noise of `spread` everywhere, so that the
// tensors DiT starts at zero (adaLN, the final layer) matter too.
inline DitValues busy_dit_values(const DitConfig& c, uint64_t seed, float spread) {
    DitValues v = random_dit_values(c, seed);
    for (size_t i = 0; i < v.size(); ++i)
        for (size_t e = 0; e < v[i].size(); ++e) v[i][e] += spread * philox_normal(seed + 1, i, e);
    return v;
}

// Writes the values to `path` and loads them back.
inline std::unique_ptr<DitModel> write_and_load(Backend& b, const std::string& path, const DitConfig& c,
                                                const DitValues& v) {
    write_dit_gguf(path, c, v);
    return DitModel::load(b, path);
}

}  // namespace qt::test
