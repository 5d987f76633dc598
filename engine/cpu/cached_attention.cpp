#include "cpu/cached_attention.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu/fp16_vector_ops.h"

namespace qt {

void cached_attention(const CachedAttentionArgs& a, int n_threads) {
    const int group = a.n_heads / a.n_kv_heads;
    const int q_width = a.n_heads * a.head_dim;
    const int n_keys_max = a.pos0 + a.n;
#pragma omp parallel num_threads(n_threads > 0 ? n_threads : omp_get_max_threads())
    {
        std::vector<float> scores(static_cast<size_t>(n_keys_max));
        std::vector<float> qh(static_cast<size_t>(a.head_dim));
        std::vector<float> acc(static_cast<size_t>(a.head_dim));
#pragma omp for collapse(2) schedule(static)
        for (int t = 0; t < a.n; ++t) {
            for (int h = 0; h < a.n_heads; ++h) {
                const int pos = a.pos0 + t;
                const int first = a.window > 0 ? std::max(0, pos - a.window + 1) : 0;  // causal, within the window
                const int kvh = h / group;
                const float* qr = a.q + static_cast<size_t>(t) * q_width + h * a.head_dim;
                round_through_fp16(qr, qh.data(), a.head_dim);
                float max_score = -INFINITY;
                for (int j = first; j <= pos; ++j) {
                    const uint16_t* kr = a.k_cache + static_cast<size_t>(j) * a.kv_width + kvh * a.head_dim;
                    float s = dot_f32_f16(qh.data(), kr, a.head_dim) * a.scale;
                    if (a.softcap > 0) s = a.softcap * std::tanh(s / a.softcap);
                    scores[j] = s;
                    max_score = std::max(max_score, s);
                }
                double sum = 0;
                for (int j = first; j <= pos; ++j) {
                    scores[j] = std::exp(scores[j] - max_score);
                    sum += scores[j];
                }
                const float inv = static_cast<float>(1.0 / sum);
                std::fill(acc.begin(), acc.end(), 0.0f);
                for (int j = first; j <= pos; ++j) scores[j] *= inv;
                round_through_fp16(scores.data() + first, scores.data() + first, pos + 1 - first);
                for (int j = first; j <= pos; ++j)
                    axpy_f16(scores[j], a.v_cache + static_cast<size_t>(j) * a.kv_width + kvh * a.head_dim, acc.data(),
                             a.head_dim);
                std::copy(acc.begin(), acc.end(), a.out + static_cast<size_t>(t) * q_width + h * a.head_dim);
            }
        }
    }
}

}  // namespace qt
