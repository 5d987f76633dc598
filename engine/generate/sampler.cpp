#include "generate/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace qt {

void validate(const SamplingParams& p) {
    if (!(p.temperature >= 0.0f) || !std::isfinite(p.temperature))
        throw std::invalid_argument("temperature must be a finite number >= 0, got " + std::to_string(p.temperature));
    if (p.top_k < 0) throw std::invalid_argument("top-k must be >= 0, got " + std::to_string(p.top_k));
    if (!(p.top_p > 0.0f && p.top_p <= 1.0f))
        throw std::invalid_argument("top-p must be in (0, 1], got " + std::to_string(p.top_p));
    if (p.max_new_tokens < 0)
        throw std::invalid_argument("max new tokens must be >= 0, got " + std::to_string(p.max_new_tokens));
}

Sampler::Sampler(const SamplingParams& params) : params_(params), rng_(params.seed) { validate(params); }

int32_t Sampler::sample(std::span<const float> logits) {
    const int n = static_cast<int>(logits.size());
    if (n == 0) throw std::invalid_argument("no logits to sample from");
    if (params_.temperature == 0.0f)
        return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());

    // Candidates sorted by logit; top-k keeps the k best.
    std::vector<int32_t> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    const int k = params_.top_k > 0 ? std::min(params_.top_k, n) : n;
    auto by_logit = [&](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); };
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), by_logit);
    idx.resize(static_cast<size_t>(k));

    // Softmax at the temperature, then top-p keeps the smallest prefix whose mass reaches p.
    std::vector<double> prob(idx.size());
    const double max_logit = logits[idx[0]];
    double sum = 0;
    for (size_t i = 0; i < idx.size(); ++i) {
        prob[i] = std::exp((logits[idx[i]] - max_logit) / params_.temperature);
        sum += prob[i];
    }
    size_t keep = idx.size();
    if (params_.top_p < 1.0f) {
        double mass = 0;
        for (size_t i = 0; i < idx.size(); ++i) {
            mass += prob[i] / sum;
            if (mass >= params_.top_p) {
                keep = i + 1;
                break;
            }
        }
    }
    std::discrete_distribution<size_t> pick(prob.begin(), prob.begin() + static_cast<std::ptrdiff_t>(keep));
    return idx[pick(rng_)];
}

}  // namespace qt
