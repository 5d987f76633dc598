// The base Backend's cross-entropy: logits to the host, log-sum-exp in double
// per row (as train/batch_loss.cpp's token_nll), rows summed in order.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace qt {

namespace {

// nll[r] for rows of host logits, 0 where the target is negative.
void nll_rows_host(const float* logits, const int32_t* targets, size_t n, int vocab, double* nll) {
#pragma omp parallel for schedule(static)
    for (size_t r = 0; r < n; ++r) {
        nll[r] = 0.0;
        const int32_t target = targets[r];
        if (target < 0) continue;
        const float* row = logits + r * static_cast<size_t>(vocab);
        double max = row[0];
        for (int i = 1; i < vocab; ++i) max = std::max(max, static_cast<double>(row[i]));
        double sum = 0;
        for (int i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(row[i]) - max);
        nll[r] = max + std::log(sum) - static_cast<double>(row[target]);
    }
}

}  // namespace

double Backend::cross_entropy_sum(const float* logits, std::span<const int32_t> targets, int vocab) {
    const size_t n = targets.size();
    std::vector<float> host(n * static_cast<size_t>(vocab));
    download(host.data(), logits, host.size() * sizeof(float));
    std::vector<double> nll(n, 0.0);
    nll_rows_host(host.data(), targets.data(), n, vocab, nll.data());
    double total = 0;
    for (double v : nll) total += v;
    return total;
}

void Backend::cross_entropy_rows(const float* logits, const int32_t* targets, int rows, int vocab, double* nll) {
    if (rows <= 0) return;
    const size_t n = static_cast<size_t>(rows);
    std::vector<float> host(n * static_cast<size_t>(vocab));
    std::vector<int32_t> host_targets(n);
    std::vector<double> host_nll(n);
    download(host.data(), logits, host.size() * sizeof(float));
    download(host_targets.data(), targets, n * sizeof(int32_t));
    nll_rows_host(host.data(), host_targets.data(), n, vocab, host_nll.data());
    upload(nll, host_nll.data(), n * sizeof(double));
}

}  // namespace qt
