// The base Backend's cross-entropy: logits to the host, log-sum-exp in double
// per row (as train/batch_loss.cpp's token_nll), rows summed in order.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace qt {

double Backend::cross_entropy_sum(const float* logits, std::span<const int32_t> targets, int vocab) {
    const size_t n = targets.size();
    std::vector<float> host(n * static_cast<size_t>(vocab));
    download(host.data(), logits, host.size() * sizeof(float));
    std::vector<double> nll(n, 0.0);
#pragma omp parallel for schedule(static)
    for (size_t r = 0; r < n; ++r) {
        const int32_t target = targets[r];
        if (target < 0) continue;
        const float* row = host.data() + r * static_cast<size_t>(vocab);
        double max = row[0];
        for (int i = 1; i < vocab; ++i) max = std::max(max, static_cast<double>(row[i]));
        double sum = 0;
        for (int i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(row[i]) - max);
        nll[r] = max + std::log(sum) - static_cast<double>(row[target]);
    }
    double total = 0;
    for (double v : nll) total += v;
    return total;
}

}  // namespace qt
