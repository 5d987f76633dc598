// Host loops for the zeroth-order ops. Multiply and add are rounded separately
// (no fused multiply-add) as backend.h specifies, so a GPU kernel written with
// __fmul_rn/__fadd_rn reproduces them bit for bit.
#pragma GCC optimize("fp-contract=off")
#include "backend/zo_ops_host.h"

#include <algorithm>

#include "quant/half.h"
#include "util/philox_normal.h"

namespace qt {
namespace {

// Calls fn(i, z_i) for i in [0, count), z_i = philox_normal(seed, step, index0 + i),
// one Philox call per group of four consecutive global indices.
template <class Fn>
void for_each_normal(int64_t count, ZoNoise noise, uint64_t index0, int n_threads, Fn&& fn) {
    if (count <= 0) return;
    const uint64_t first_group = index0 >> 2;
    const uint64_t end_group = (index0 + static_cast<uint64_t>(count) + 3) >> 2;
    const auto n_groups = static_cast<int64_t>(end_group - first_group);
#pragma omp parallel for schedule(static) num_threads(n_threads) if (n_groups > 4096)
    for (int64_t g = 0; g < n_groups; ++g) {
        const uint64_t group = first_group + static_cast<uint64_t>(g);
        const NormalQuad q = philox_normal_quad(noise.seed, noise.step, group);
        for (int k = 0; k < 4; ++k) {
            const uint64_t global = group * 4 + static_cast<uint64_t>(k);
            if (global < index0 || global >= index0 + static_cast<uint64_t>(count)) continue;
            fn(static_cast<int64_t>(global - index0), q.z[k]);
        }
    }
}

// The QZO update of one value: old - coeff * z, kept from crossing zero when keep_sign.
float updated_value(float old, float coeff, float z, bool keep_sign) {
    const float step = coeff * z;
    float v = old - step;
    if (keep_sign) v = old < 0.0f ? std::min(v, 0.0f) : std::max(v, 0.0f);
    return v;
}

uint16_t* field_at(const BlockFieldView& f, int64_t b) {
    return reinterpret_cast<uint16_t*>(static_cast<uint8_t*>(f.blocks) + static_cast<size_t>(b) * f.block_bytes +
                                       f.field_offset);
}

}  // namespace

void zo_write_scales_host(const BlockFieldView& f, const float* master, float alpha, ZoNoise noise, uint64_t index0,
                          int n_threads) {
    if (alpha == 0.0f) {
#pragma omp parallel for schedule(static) num_threads(n_threads) if (f.count > 16384)
        for (int64_t b = 0; b < f.count; ++b) *field_at(f, b) = fp32_to_fp16(master[b]);
        return;
    }
    for_each_normal(f.count, noise, index0, n_threads, [&](int64_t b, float z) {
        const float step = alpha * z;
        *field_at(f, b) = fp32_to_fp16(master[b] + step);
    });
}

void zo_update_masters_host(float* master, int64_t count, float coeff, bool keep_sign, ZoNoise noise,
                            uint64_t index0, int n_threads) {
    for_each_normal(count, noise, index0, n_threads,
                    [&](int64_t i, float z) { master[i] = updated_value(master[i], coeff, z, keep_sign); });
}

void zo_add_noise_host(float* x, int64_t count, float alpha, ZoNoise noise, uint64_t index0, int n_threads) {
    for_each_normal(count, noise, index0, n_threads, [&](int64_t i, float z) {
        const float step = alpha * z;
        x[i] += step;
    });
}

void matmul_f32_host(const float* w, int64_t rows, int64_t cols, const float* x, float* y, int n, int n_threads) {
    // Rows in chunks, each chunk reused for every token while it is in cache; the
    // dot keeps 16 partial sums so that it vectorises (a fixed order: deterministic).
    constexpr int64_t kChunk = 16;
    constexpr int kLanes = 16;
    const int64_t n_chunks = (rows + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static) num_threads(n_threads)
    for (int64_t c = 0; c < n_chunks; ++c) {
        const int64_t r1 = std::min(rows, (c + 1) * kChunk);
        for (int t = 0; t < n; ++t) {
            const float* xr = x + static_cast<size_t>(t) * cols;
            for (int64_t r = c * kChunk; r < r1; ++r) {
                const float* wr = w + static_cast<size_t>(r) * cols;
                float acc[kLanes] = {};
                int64_t k = 0;
                for (; k + kLanes <= cols; k += kLanes)
                    for (int l = 0; l < kLanes; ++l) acc[l] += wr[k + l] * xr[k + l];
                float sum = 0;
                for (; k < cols; ++k) sum += wr[k] * xr[k];
                for (int l = 0; l < kLanes; ++l) sum += acc[l];
                y[static_cast<size_t>(t) * rows + r] = sum;
            }
        }
    }
}

}  // namespace qt
