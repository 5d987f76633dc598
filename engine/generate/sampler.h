#pragma once
// Picks the next token from logits: greedy, or temperature with top-k and top-p
// (nucleus) filtering, from a seeded generator so that runs repeat exactly.
#include <cstdint>
#include <random>
#include <span>

namespace qt {

struct SamplingParams {
    float temperature = 0.0f;  // 0: greedy
    int top_k = 0;             // 0: no limit
    float top_p = 1.0f;        // 1: no limit
    uint64_t seed = 0;
    int max_new_tokens = 128;
    bool ignore_end_of_generation = false;  // benchmarks: always produce max_new_tokens
};

// Throws std::invalid_argument naming the setting when a value is impossible.
void validate(const SamplingParams& p);

class Sampler {
public:
    explicit Sampler(const SamplingParams& params);
    int32_t sample(std::span<const float> logits);

private:
    SamplingParams params_;
    std::mt19937_64 rng_;
};

}  // namespace qt
