#pragma once
// Reproducible shuffling for splits and batch orders. std::shuffle and the
// std:: distributions are not specified bit for bit, so the same seed could give
// a different split under another standard library; this one is: SplitMix64
// (Steele, Lea, Flood 2014) for the stream, Lemire's multiply-shift with
// rejection for unbiased bounded draws, Fisher-Yates for the permutation.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace qt {

class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, bound), bound > 0.
    uint64_t below(uint64_t bound) {
        for (;;) {
            const unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
            const uint64_t low = static_cast<uint64_t>(m);
            if (low >= bound || low >= (0 - bound) % bound) return static_cast<uint64_t>(m >> 64);
        }
    }

private:
    uint64_t state_;
};

// A seed for a named sub-stream (the split, epoch k's batch order...), so that
// streams made from one user seed do not share values.
inline uint64_t derive_seed(uint64_t seed, uint64_t stream) {
    SplitMix64 g(seed ^ (stream * 0xD1B54A32D192ED03ull));
    return g.next();
}

template <typename T>
void seeded_shuffle(std::vector<T>& v, SplitMix64& rng) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

}  // namespace qt
