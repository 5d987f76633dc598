// Single-thread time of one matrix-vector product from quantized weights, scalar
// reference kernels against the SIMD kernels vec_dot uses, for each weight type.
// Usage: bench_quant_dot [milliseconds per measurement, default 200]
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/quant_blocks.h"
#include "cpu/quant_dot.h"
#include "quant/half.h"

namespace {

using qt::GgmlType;

// Random code bytes with every block's fp16 scale fields set to a plain value (random
// bits there could be NaN or subnormal, which is not what real files hold).
std::vector<uint8_t> random_matrix(GgmlType type, int64_t rows, int64_t cols, std::mt19937& rng) {
    const size_t row_bytes = qt::ggml_row_size(type, cols);
    std::vector<uint8_t> w(row_bytes * static_cast<size_t>(rows));
    for (auto& b : w) b = static_cast<uint8_t>(rng());
    std::vector<size_t> fields;
    switch (type) {
        case GgmlType::Q4_0: fields = {offsetof(qt::BlockQ4_0, d)}; break;
        case GgmlType::Q4_1: fields = {offsetof(qt::BlockQ4_1, d), offsetof(qt::BlockQ4_1, m)}; break;
        case GgmlType::Q5_0: fields = {offsetof(qt::BlockQ5_0, d)}; break;
        case GgmlType::Q5_1: fields = {offsetof(qt::BlockQ5_1, d), offsetof(qt::BlockQ5_1, m)}; break;
        case GgmlType::Q8_0: fields = {offsetof(qt::BlockQ8_0W, d)}; break;
        case GgmlType::Q2_K: fields = {offsetof(qt::BlockQ2_K, d), offsetof(qt::BlockQ2_K, dmin)}; break;
        case GgmlType::Q3_K: fields = {offsetof(qt::BlockQ3_K, d)}; break;
        case GgmlType::Q4_K: fields = {offsetof(qt::BlockQ4_K, d), offsetof(qt::BlockQ4_K, dmin)}; break;
        case GgmlType::Q5_K: fields = {offsetof(qt::BlockQ5_K, d), offsetof(qt::BlockQ5_K, dmin)}; break;
        case GgmlType::Q6_K: fields = {offsetof(qt::BlockQ6_K, d)}; break;
        default: break;
    }
    const auto& tr = qt::ggml_traits(type);
    const uint16_t h = qt::fp32_to_fp16(0.01f);
    for (size_t at = 0; at < w.size(); at += tr.type_size)
        for (size_t f : fields) std::memcpy(w.data() + at + f, &h, 2);
    return w;
}

// Best time of 5 measurements, each repeating `op` for about `ms` / 5 milliseconds.
template <typename Op>
double best_ns(Op op, double ms) {
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    op();
    const double once = std::chrono::duration<double, std::nano>(clock::now() - t0).count();
    const int reps = std::max(1, static_cast<int>(ms * 1e6 / 5 / std::max(once, 1.0)));
    double best = 1e300;
    for (int m = 0; m < 5; ++m) {
        const auto a = clock::now();
        for (int r = 0; r < reps; ++r) op();
        best = std::min(best, std::chrono::duration<double, std::nano>(clock::now() - a).count() / reps);
    }
    return best;
}

volatile float g_sink;

void bench(GgmlType type, int64_t rows, int64_t cols, double ms, std::mt19937& rng) {
    const std::vector<uint8_t> w = random_matrix(type, rows, cols, rng);
    const size_t row_bytes = qt::ggml_row_size(type, cols);
    std::normal_distribution<float> normal;
    std::vector<float> x(static_cast<size_t>(cols));
    for (auto& v : x) v = normal(rng);
    const GgmlType dot_type = qt::vec_dot_type(type);
    std::vector<uint8_t> xq(qt::ggml_row_size(dot_type, cols));
    std::vector<float> y(static_cast<size_t>(rows));

    const double quant_ns = best_ns([&] { qt::quantize_row_for_dot(dot_type, x.data(), xq.data(), cols); }, ms / 4);
    const double scalar_ns = best_ns(
        [&] {
            for (int64_t r = 0; r < rows; ++r)
                y[r] = qt::vec_dot_reference(type, cols, w.data() + row_bytes * static_cast<size_t>(r), xq.data());
            g_sink = y[0];
        },
        ms);
    const double simd_ns = best_ns(
        [&] {
            qt::vec_dot_rows(type, cols, w.data(), row_bytes, rows, xq.data(), y.data());
            g_sink = y[0];
        },
        ms);
    const double gbps = static_cast<double>(w.size()) / simd_ns;
    std::printf("%-5s %6lld x %-5lld  scalar %10.0f ns (%6.1f ns/row)  simd %9.0f ns (%5.1f ns/row, %5.1f GB/s)  x%5.1f"
                "  quantize x %6.0f ns\n",
                std::string(qt::ggml_type_name(type)).c_str(), static_cast<long long>(rows),
                static_cast<long long>(cols), scalar_ns, scalar_ns / rows, simd_ns, simd_ns / rows, gbps,
                scalar_ns / simd_ns, quant_ns);
}

}  // namespace

int main(int argc, char** argv) {
    const double ms = argc > 1 ? std::atof(argv[1]) : 200.0;
    std::mt19937 rng(1);
    std::printf("SIMD kernels: %s; one thread; rows x cols of the weight matrix\n", qt::vec_dot_isa());
    for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0})
        bench(t, 1536, 576, ms, rng);  // SmolLM2-135M ffn_gate/ffn_up
    for (GgmlType t : {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K,
                       GgmlType::Q3_K, GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K})
        bench(t, 576, 1536, ms, rng);  // ffn_down
    bench(GgmlType::Q8_0, 49152, 576, ms, rng);  // the tied output head
    return 0;
}
