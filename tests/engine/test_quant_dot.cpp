// Quantized dot products: SIMD kernels against the scalar reference, both against
// float dots of dequantized rows, and the activation quantizers' rounding rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cpu/quant_blocks.h"
#include "cpu/quant_dot.h"
#include "quant/dequantize.h"
#include "quant/half.h"
#include "test_support.h"

namespace qt {
namespace {

constexpr GgmlType kWeightTypes[] = {GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q5_0, GgmlType::Q5_1,
                                     GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K, GgmlType::Q4_K,
                                     GgmlType::Q5_K, GgmlType::Q6_K};

std::vector<int64_t> row_lengths(GgmlType type) {
    if (ggml_traits(type).block_size == 256) return {256, 512, 1536, 4096};
    return {32, 64, 96, 576, 1536, 4096};
}

void put_fp16(std::vector<uint8_t>& row, size_t at, float v) {
    const uint16_t h = fp32_to_fp16(v);
    std::memcpy(row.data() + at, &h, 2);
}

// A row of random blocks: random code bytes (every bit pattern is a valid code), and
// scales of a realistic size written into each block's fp16 fields.
std::vector<uint8_t> random_weights(GgmlType type, int64_t n, std::mt19937& rng) {
    const auto& tr = ggml_traits(type);
    std::vector<uint8_t> row(ggml_row_size(type, n));
    std::uniform_int_distribution<int> byte(0, 255);
    for (auto& b : row) b = static_cast<uint8_t>(byte(rng));
    std::uniform_real_distribution<float> mag(0.002f, 0.03f), sign(-1.0f, 1.0f);
    auto signed_scale = [&] { return mag(rng) * (sign(rng) < 0 ? -1.0f : 1.0f); };
    for (int64_t b = 0; b < n / tr.block_size; ++b) {
        const size_t at = static_cast<size_t>(b) * tr.type_size;
        switch (type) {
            case GgmlType::Q4_0: put_fp16(row, at + offsetof(BlockQ4_0, d), signed_scale()); break;
            case GgmlType::Q5_0: put_fp16(row, at + offsetof(BlockQ5_0, d), signed_scale()); break;
            case GgmlType::Q8_0: put_fp16(row, at + offsetof(BlockQ8_0W, d), signed_scale() / 16); break;
            case GgmlType::Q4_1:  // m about -8 d so that weights straddle zero, as real files do
            case GgmlType::Q5_1: {
                const float d = mag(rng);
                put_fp16(row, at + offsetof(BlockQ4_1, d), d);
                put_fp16(row, at + offsetof(BlockQ4_1, m), -d * (type == GgmlType::Q4_1 ? 8 : 16) * (0.5f + sign(rng)));
                break;
            }
            case GgmlType::Q2_K:
                put_fp16(row, at + offsetof(BlockQ2_K, d), mag(rng) / 8);
                put_fp16(row, at + offsetof(BlockQ2_K, dmin), mag(rng) / 8);
                break;
            case GgmlType::Q3_K: put_fp16(row, at + offsetof(BlockQ3_K, d), mag(rng) / 16); break;
            case GgmlType::Q4_K:
            case GgmlType::Q5_K:
                put_fp16(row, at + offsetof(BlockQ4_K, d), mag(rng) / 32);
                put_fp16(row, at + offsetof(BlockQ4_K, dmin), mag(rng) / 32);
                break;
            case GgmlType::Q6_K: put_fp16(row, at + offsetof(BlockQ6_K, d), mag(rng) / 64); break;
            default: ADD_FAILURE() << "no generator for " << ggml_type_name(type);
        }
    }
    return row;
}

// Normal values with a scale that changes per 32 elements (as activations do), and an
// all-zero first super-block in `zero_start` mode, which takes the amax == 0 path.
std::vector<float> random_activations(int64_t n, std::mt19937& rng, bool zero_start) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<float> log_scale(-3.0f, 3.0f);
    std::vector<float> x(static_cast<size_t>(n));
    for (int64_t b = 0; b < n; b += 32) {
        const float s = std::exp(log_scale(rng));
        for (int64_t i = b; i < b + 32; ++i) x[i] = s * normal(rng);
    }
    if (zero_start) std::fill(x.begin(), x.begin() + std::min<int64_t>(n, 256), 0.0f);
    return x;
}

// The values an activation row quantized to `dot_type` stands for, and each one's scale d.
void dequantize_activations(GgmlType dot_type, const std::vector<uint8_t>& q, int64_t n, std::vector<float>& x,
                            std::vector<float>& d) {
    x.resize(static_cast<size_t>(n));
    d.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        float scale;
        int code;
        if (dot_type == GgmlType::Q8_0) {
            const auto& b = reinterpret_cast<const BlockQ8_0*>(q.data())[i / 32];
            scale = fp16_to_fp32(b.d), code = b.qs[i % 32];
        } else if (dot_type == GgmlType::Q8_1) {
            const auto& b = reinterpret_cast<const BlockQ8_1*>(q.data())[i / 32];
            scale = fp16_to_fp32(b.d), code = b.qs[i % 32];
        } else {
            const auto& b = reinterpret_cast<const BlockQ8_K*>(q.data())[i / 256];
            scale = b.d, code = b.qs[i % 256];
        }
        x[i] = scale * static_cast<float>(code);
        d[i] = std::fabs(scale);
    }
}

// |offset| of each weight: w = d * sc * q + offset, offset = m (Q4_1, Q5_1) or
// -dmin * min (Q2_K, Q4_K, Q5_K); 0 for the symmetric types. Kernels split the dot into
// the scaled-code part and the offset part, so their float terms are bounded by
// sum (|w| + |offset|) |x|.
std::vector<float> weight_offsets(GgmlType type, const std::vector<uint8_t>& row, int64_t n) {
    std::vector<float> off(static_cast<size_t>(n), 0.0f);
    const uint8_t* p = row.data();
    for (int64_t i = 0; i < n; ++i) {
        switch (type) {
            case GgmlType::Q4_1: off[i] = fp16_to_fp32(reinterpret_cast<const BlockQ4_1*>(p)[i / 32].m); break;
            case GgmlType::Q5_1: off[i] = fp16_to_fp32(reinterpret_cast<const BlockQ5_1*>(p)[i / 32].m); break;
            case GgmlType::Q2_K: {
                const auto& b = reinterpret_cast<const BlockQ2_K*>(p)[i / 256];
                off[i] = fp16_to_fp32(b.dmin) * static_cast<float>(b.scales[(i % 256) / 16] >> 4);
                break;
            }
            case GgmlType::Q4_K:
            case GgmlType::Q5_K: {
                const uint8_t* blk = p + static_cast<size_t>(i / 256) * ggml_traits(type).type_size;
                BlockQ4_K head;  // Q5_K starts with the same d, dmin, scales
                std::memcpy(&head, blk, offsetof(BlockQ4_K, qs));
                int sc, mn;
                k_scale_min(head.scales, static_cast<int>((i % 256) / 32), sc, mn);
                off[i] = fp16_to_fp32(head.dmin) * static_cast<float>(mn);
                break;
            }
            default: break;
        }
        off[i] = std::fabs(off[i]);
    }
    return off;
}

std::vector<uint8_t> quantize(GgmlType dot_type, const std::vector<float>& x) {
    const int64_t n = static_cast<int64_t>(x.size());
    std::vector<uint8_t> q(ggml_row_size(dot_type, n));
    quantize_row_for_dot(dot_type, x.data(), q.data(), n);
    return q;
}

// Bound on float rounding for a dot whose terms are bounded by `magnitude`: each kernel
// sums at most n/32 + 16 rounded terms (blocks, SIMD lanes, offset parts), each exact
// to 2 ulps, and the two sides round independently.
double float_tolerance(int64_t n, double magnitude) { return 2.0 * (n / 32.0 + 16.0) * 2.0 * 0x1p-24 * magnitude; }

struct RowCase {
    GgmlType type;
    int64_t n;
    std::vector<uint8_t> w, xq;
    std::vector<float> x, w_float, x_hat, x_step, w_offset;
    double magnitude = 0;  // sum (|w| + |offset|) |x_hat|
    double s_rounding = 0; // bound on the Q8_1 s field's fp16 rounding, sum_b |m| |s| 2^-11
};

RowCase make_case(GgmlType type, int64_t n, std::mt19937& rng, bool zero_start) {
    RowCase c{type, n, random_weights(type, n, rng), {}, random_activations(n, rng, zero_start), {}, {}, {}, {}};
    const GgmlType dot_type = vec_dot_type(type);
    c.xq = quantize(dot_type, c.x);
    c.w_float.resize(static_cast<size_t>(n));
    dequantize_row(type, c.w.data(), c.w_float.data(), n);
    dequantize_activations(dot_type, c.xq, n, c.x_hat, c.x_step);
    c.w_offset = weight_offsets(type, c.w, n);
    for (int64_t i = 0; i < n; ++i) c.magnitude += (std::fabs(c.w_float[i]) + c.w_offset[i]) * std::fabs(c.x_hat[i]);
    if (dot_type == GgmlType::Q8_1) {
        const auto* xb = reinterpret_cast<const BlockQ8_1*>(c.xq.data());
        for (int64_t b = 0; b < n / 32; ++b) c.s_rounding += c.w_offset[b * 32] * std::fabs(fp16_to_fp32(xb[b].s)) * 0x1p-11;
    }
    return c;
}

TEST(QuantDot, SimdKernelsMatchTheScalarReference) {
    std::mt19937 rng(1234);
    double worst = 0;  // largest |simd - reference| / magnitude seen
    for (GgmlType type : kWeightTypes) {
        for (int64_t n : row_lengths(type)) {
            for (int trial = 0; trial < 4; ++trial) {
                const RowCase c = make_case(type, n, rng, trial == 1);
                const float simd = vec_dot(type, n, c.w.data(), c.xq.data());
                const float ref = vec_dot_reference(type, n, c.w.data(), c.xq.data());
                const double tol = float_tolerance(n, c.magnitude);
                EXPECT_LE(std::fabs(double(simd) - ref), tol)
                    << ggml_type_name(type) << " n=" << n << " trial " << trial << ": simd " << simd << " ref " << ref;
                worst = std::max(worst, std::fabs(double(simd) - ref) / c.magnitude);
            }
        }
    }
    std::printf("[quant_dot] kernels: %s; max |simd - scalar| / sum|w||x| = %.3g\n", vec_dot_isa(), worst);
}

// The scalar reference against an independent float dot of dequantize_row(weights) and
// the values the quantized activations stand for: only float rounding (and, for
// Q8_1, the fp16 rounding of s = d * sum q) separates them, so this checks every
// kernel's reading of the block layouts.
TEST(QuantDot, ReferenceKernelsMatchDequantizedFloatDots) {
    std::mt19937 rng(99);
    for (GgmlType type : kWeightTypes) {
        for (int64_t n : row_lengths(type)) {
            for (int trial = 0; trial < 3; ++trial) {
                const RowCase c = make_case(type, n, rng, trial == 1);
                double exact = 0;
                for (int64_t i = 0; i < n; ++i) exact += double(c.w_float[i]) * c.x_hat[i];
                const float ref = vec_dot_reference(type, n, c.w.data(), c.xq.data());
                const double tol = float_tolerance(n, c.magnitude) + c.s_rounding;
                EXPECT_LE(std::fabs(ref - exact), tol)
                    << ggml_type_name(type) << " n=" << n << " trial " << trial << ": kernel " << ref << " float dot " << exact;
            }
        }
    }
}

// vec_dot against the float dot with the ORIGINAL activations: the difference is the
// activation quantization error, at most sum |w_i| e_i with e_i the per-element bound
// checked in ActivationCodesAreNearestAndDequantizeWithinHalfAStep, plus the above.
TEST(QuantDot, DotsAgreeWithFloatDotsOfOriginalActivations) {
    std::mt19937 rng(7);
    double worst_ratio = 0;  // largest bound / sum (|w| + |offset|) |x|
    for (GgmlType type : kWeightTypes) {
        // Per-element activation error bound, as checked in ActivationCodesAreNearest...:
        // d/2 plus, for an fp16 d, 127 * 2^-11 d; `step` is the stored |d|, within 2^-11 of d.
        const double e_factor = vec_dot_type(type) == GgmlType::Q8_K ? 0.5 + 1e-5 : 0.5 + 1e-5 + 128 * 0x1p-10;
        for (int64_t n : row_lengths(type)) {
            const RowCase c = make_case(type, n, rng, false);
            double exact = 0, quant_bound = 0, magnitude = c.magnitude;
            for (int64_t i = 0; i < n; ++i) {
                exact += double(c.w_float[i]) * c.x[i];
                const double step = c.x_step[i];
                quant_bound += std::fabs(c.w_float[i]) * e_factor * step;
                magnitude += (std::fabs(c.w_float[i]) + c.w_offset[i]) * std::fabs(c.x[i]);
            }
            const float got = vec_dot(type, n, c.w.data(), c.xq.data());
            const double tol = quant_bound + float_tolerance(n, magnitude) + c.s_rounding;
            EXPECT_LE(std::fabs(got - exact), tol) << ggml_type_name(type) << " n=" << n << ": " << got << " vs " << exact;
            worst_ratio = std::max(worst_ratio, tol / magnitude);
            std::printf("[quant_dot] %s n=%lld: |dot - float dot| = %.3g, bound %.3g (%.2g of sum|w||x|)\n",
                        std::string(ggml_type_name(type)).c_str(), static_cast<long long>(n), std::fabs(got - exact), tol,
                        tol / magnitude);
        }
    }
    // The bound is not vacuous: the worst case is a few percent of sum |w||x| (Q8_K's one
    // scale per 256 values is the coarsest), so a misread layout would exceed it.
    EXPECT_LT(worst_ratio, 0.05);
}

const int8_t* block_codes(GgmlType dot_type, const std::vector<uint8_t>& q, int64_t b) {
    if (dot_type == GgmlType::Q8_0) return reinterpret_cast<const BlockQ8_0*>(q.data())[b].qs;
    if (dot_type == GgmlType::Q8_1) return reinterpret_cast<const BlockQ8_1*>(q.data())[b].qs;
    return reinterpret_cast<const BlockQ8_K*>(q.data())[b].qs;
}

TEST(QuantDot, ActivationCodesAreNearestAndDequantizeWithinHalfAStep) {
    std::mt19937 rng(42);
    for (GgmlType dot_type : {GgmlType::Q8_0, GgmlType::Q8_1, GgmlType::Q8_K}) {
        const int64_t bs = ggml_traits(dot_type).block_size;
        for (int64_t n : {256, 576, 768, 4096}) {
            if (n % bs != 0) continue;
            const std::vector<float> x = random_activations(n, rng, true);
            const std::vector<uint8_t> q = quantize(dot_type, x);
            std::vector<uint8_t> q_ref(q.size());
            quantize_row_for_dot_reference(dot_type, x.data(), q_ref.data(), n);
            EXPECT_EQ(q, q_ref) << ggml_type_name(dot_type) << " SIMD and scalar quantization differ, n=" << n;

            std::vector<float> x_hat, step;
            dequantize_activations(dot_type, q, n, x_hat, step);
            for (int64_t b = 0; b < n / bs; ++b) {
                float amax = 0, max = 0;
                for (int64_t i = b * bs; i < (b + 1) * bs; ++i)
                    if (std::fabs(x[i]) > amax) amax = std::fabs(x[i]), max = x[i];
                // The multiplier ggml's x86 code uses: 127 / amax (Q8_0/Q8_1), -127 / max (Q8_K).
                const float id = amax == 0 ? 0.0f : (dot_type == GgmlType::Q8_K ? -127.0f / max : 127.0f / amax);
                const float d = dot_type == GgmlType::Q8_K ? (amax == 0 ? 0.0f : 1.0f / id) : amax / 127.0f;
                const int8_t* codes = block_codes(dot_type, q, b);
                int sum = 0;
                for (int64_t i = b * bs; i < (b + 1) * bs; ++i) {
                    const int code = codes[i - b * bs];
                    const float scaled = x[i] * id;
                    // The code is the nearest integer to x * id, ties to even.
                    ASSERT_LE(std::fabs(scaled - static_cast<float>(code)), 0.5f) << "element " << i;
                    if (std::fabs(scaled - static_cast<float>(code)) == 0.5f) {
                        ASSERT_EQ(code % 2, 0) << "element " << i;
                    }
                    sum += code;
                    // So the block dequantizes to within d/2 of the input (plus the rounding
                    // of x * id); an fp16 d adds at most |code| |d - fp16(d)| <= 127 * 2^-11 d.
                    const double e = (0.5 + 1e-5) * std::fabs(d) + (dot_type == GgmlType::Q8_K ? 0.0 : 127 * d * 0x1p-11);
                    ASSERT_LE(std::fabs(double(x[i]) - x_hat[i]), e) << ggml_type_name(dot_type) << " element " << i;
                }
                if (dot_type == GgmlType::Q8_1) {  // s = fp16(d * sum of the integer codes)
                    EXPECT_EQ(reinterpret_cast<const BlockQ8_1*>(q.data())[b].s, fp32_to_fp16(d * static_cast<float>(sum)));
                }
                if (dot_type == GgmlType::Q8_K) {
                    const auto& blk = reinterpret_cast<const BlockQ8_K*>(q.data())[b];
                    for (int g = 0; g < 16; ++g) {
                        int gs = 0;
                        for (int j = 0; j < 16; ++j) gs += blk.qs[g * 16 + j];
                        EXPECT_EQ(blk.bsums[g], gs) << "block " << b << " group " << g;
                    }
                }
            }
        }
    }
}

// llama.cpp's x86 quantize_row_q8_0/q8_1 round halves to even; the portable ggml
// reference (roundf) would give 3, -3, 1 and 3 for the halves below.
TEST(QuantDot, Q8RoundsHalvesToEvenAsLlamaCppDoesOnX86) {
    for (GgmlType dot_type : {GgmlType::Q8_0, GgmlType::Q8_1}) {
        std::vector<float> x(32, 0.0f);
        x[0] = 127.0f;  // amax 127: d = 1 and id = 1 exactly
        x[1] = 2.5f, x[2] = -2.5f, x[3] = 0.5f, x[4] = 3.5f, x[5] = -126.5f;
        const std::vector<uint8_t> q = quantize(dot_type, x);
        const int8_t* codes = dot_type == GgmlType::Q8_0 ? reinterpret_cast<const BlockQ8_0*>(q.data())->qs
                                                          : reinterpret_cast<const BlockQ8_1*>(q.data())->qs;
        EXPECT_EQ(codes[0], 127);
        EXPECT_EQ(codes[1], 2);
        EXPECT_EQ(codes[2], -2);
        EXPECT_EQ(codes[3], 0);
        EXPECT_EQ(codes[4], 4);
        EXPECT_EQ(codes[5], -126);
    }
}

// ggml's x86 code multiplies by 127 / amax rather than by 1 / (amax / 127); find an input
// where the two round differently and check that we follow the former.
TEST(QuantDot, Q8MultipliesBy127OverAmaxAsLlamaCppDoesOnX86) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(0.5f, 2.0f);
    bool found = false;
    for (int tries = 0; tries < 1000000 && !found; ++tries) {
        const float amax = u(rng);
        const float id_x86 = 127.0f / amax, id_ref = 1.0f / (amax / 127.0f);
        if (id_x86 == id_ref) continue;
        // Values next to a half-integer boundary of x * id.
        float v = std::nextafter(std::nextafter((static_cast<float>(tries % 120) + 1.5f) / id_x86, 0.0f), 0.0f);
        for (int step = 0; step < 5 && !found; ++step, v = std::nextafter(v, 1e9f)) {
            if (v >= amax || std::nearbyint(v * id_x86) == std::nearbyint(v * id_ref)) continue;
            std::vector<float> x(32, 0.0f);
            x[0] = amax, x[1] = v;
            for (GgmlType dot_type : {GgmlType::Q8_0, GgmlType::Q8_1}) {
                const int8_t code = block_codes(dot_type, quantize(dot_type, x), 0)[1];
                EXPECT_EQ(code, static_cast<int>(std::nearbyint(v * id_x86))) << "amax " << amax << " x " << v;
                EXPECT_NE(code, static_cast<int>(std::nearbyint(v * id_ref))) << "amax " << amax << " x " << v;
            }
            found = true;
        }
    }
    EXPECT_TRUE(found) << "no input found where 127/amax and 1/(amax/127) round differently";
}

// --- Against llama.cpp itself: tests/oracle/ggml_cpu_ops.py calls the quantizers and
// dot kernels of the libggml-cpu.so that llama-cpp-python ships.

#define QT_REQUIRE_ORACLE_PYTHON()                                                             \
    if (::qt::test::oracle_python().empty()) {                                                 \
        if (::qt::test::oracles_required()) FAIL() << "oracle python missing; run scripts/setup.sh"; \
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";              \
    }

template <typename T>
void write_file(const std::string& path, const std::vector<T>& data) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(T)));
    ASSERT_TRUE(f.good()) << "cannot write " << path;
}

template <typename T>
std::vector<T> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    EXPECT_TRUE(f.good()) << "cannot read " << path;
    std::vector<T> data(static_cast<size_t>(f.tellg()) / sizeof(T));
    f.seekg(0);
    f.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(T)));
    return data;
}

std::string ggml_name(GgmlType t) {  // "Q4_K" -> "q4_K", as ggml's function names spell it
    std::string s(ggml_type_name(t));
    s[0] = 'q';
    return s;
}

TEST(QuantDot, ActivationQuantizationIsBitIdenticalToLlamaCpp) {
    QT_REQUIRE_ORACLE_PYTHON();
    const std::string dir = test::make_temp_dir("quant-dot");
    std::mt19937 rng(11);
    const int64_t n = 4096;
    std::vector<float> x = random_activations(n, rng, true);
    x[256] = 127.0f, x[257] = 2.5f, x[258] = -2.5f, x[259] = 0.5f;  // ties (d = 1 in that block)
    write_file(dir + "/x.f32", x);
    for (GgmlType dot_type : {GgmlType::Q8_0, GgmlType::Q8_1, GgmlType::Q8_K}) {
        const std::string out = dir + "/x." + ggml_name(dot_type);
        test::run_oracle("ggml_cpu_ops.py", {"quantize", ggml_name(dot_type), std::to_string(n), dir + "/x.f32", out});
        EXPECT_EQ(quantize(dot_type, x), read_file<uint8_t>(out)) << ggml_type_name(dot_type);
    }
}

TEST(QuantDot, DotsAgreeWithLlamaCppKernels) {
    QT_REQUIRE_ORACLE_PYTHON();
    const std::string dir = test::make_temp_dir("quant-dot");
    std::mt19937 rng(12);
    for (GgmlType type : kWeightTypes) {
        const int64_t n = 1536, rows = 8;
        std::vector<uint8_t> w;
        for (int64_t r = 0; r < rows; ++r) {
            const std::vector<uint8_t> one = random_weights(type, n, rng);
            w.insert(w.end(), one.begin(), one.end());
        }
        const std::vector<float> x = random_activations(n, rng, false);
        const std::vector<uint8_t> xq = quantize(vec_dot_type(type), x);
        write_file(dir + "/w.bin", w);
        write_file(dir + "/x.bin", xq);
        test::run_oracle("ggml_cpu_ops.py", {"dot", ggml_name(type), std::to_string(n), std::to_string(rows),
                                             dir + "/w.bin", dir + "/x.bin", dir + "/y.f32"});
        const std::vector<float> theirs = read_file<float>(dir + "/y.f32");
        ASSERT_EQ(theirs.size(), static_cast<size_t>(rows));
        const size_t row_bytes = ggml_row_size(type, n);
        for (int64_t r = 0; r < rows; ++r) {
            const std::vector<uint8_t> row(w.begin() + r * row_bytes, w.begin() + (r + 1) * row_bytes);
            std::vector<float> wf(static_cast<size_t>(n)), x_hat, step;
            dequantize_row(type, row.data(), wf.data(), n);
            dequantize_activations(vec_dot_type(type), xq, n, x_hat, step);
            const std::vector<float> off = weight_offsets(type, row, n);
            double magnitude = 0;
            for (int64_t i = 0; i < n; ++i) magnitude += (std::fabs(wf[i]) + off[i]) * std::fabs(x_hat[i]);
            const float ours = vec_dot(type, n, row.data(), xq.data());
            EXPECT_LE(std::fabs(double(ours) - theirs[r]), float_tolerance(n, magnitude))
                << ggml_type_name(type) << " row " << r << ": ours " << ours << " llama.cpp " << theirs[r];
        }
    }
}

TEST(QuantDot, RowsVariantEqualsOneDotPerRow) {
    std::mt19937 rng(3);
    for (GgmlType type : {GgmlType::Q4_1, GgmlType::Q8_0, GgmlType::Q6_K, GgmlType::F32}) {
        const int64_t n = 512, rows = 5;
        const size_t row_bytes = ggml_row_size(type, n);
        std::vector<uint8_t> w;
        for (int64_t r = 0; r < rows; ++r) {
            std::vector<uint8_t> one;
            if (type == GgmlType::F32) {
                const std::vector<float> f = random_activations(n, rng, false);
                one.resize(row_bytes);
                std::memcpy(one.data(), f.data(), row_bytes);
            } else {
                one = random_weights(type, n, rng);
            }
            w.insert(w.end(), one.begin(), one.end());
        }
        const std::vector<uint8_t> xq = quantize(vec_dot_type(type), random_activations(n, rng, false));
        std::vector<float> y(rows);
        vec_dot_rows(type, n, w.data(), row_bytes, rows, xq.data(), y.data());
        for (int64_t r = 0; r < rows; ++r)
            EXPECT_EQ(y[r], vec_dot(type, n, w.data() + row_bytes * r, xq.data())) << ggml_type_name(type) << " row " << r;
    }
}

TEST(QuantDot, RejectsRowLengthsThatAreNotWholeBlocks) {
    std::vector<float> x(300, 1.0f);
    std::vector<uint8_t> q(1024);
    EXPECT_THROW(quantize_row_for_dot(GgmlType::Q8_0, x.data(), q.data(), 300), std::invalid_argument);
    EXPECT_THROW(quantize_row_for_dot(GgmlType::Q8_K, x.data(), q.data(), 288), std::invalid_argument);
}

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
TEST(QuantDot, AvxBuildsUseSimdKernels) { EXPECT_STRNE(vec_dot_isa(), "scalar"); }
#endif

}  // namespace
}  // namespace qt
