// vec_dot and quantize_row_for_dot: pick the kernel for a type (SIMD where built,
// else scalar) and check arguments. The kernels live in quant_dot_scalar.cpp and
// quant_dot_avx2.cpp, the activation quantizers in quantize_for_dot.cpp.
#include "cpu/quant_dot.h"

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/quant_dot_kernels.h"
#include "quant/dequantize.h"

namespace qt {
namespace {

using dot_kernels::DotKernel;

// Weights without an integer kernel (F32, F16, BF16): expand a row to float and take a float dot.
float dot_generic_f32(GgmlType type, int64_t n, const void* w, const float* x) {
    thread_local std::vector<float> row;
    row.resize(static_cast<size_t>(n));
    dequantize_row(type, w, row.data(), n);
    float sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += row[i] * x[i];
    return sum;
}

void check_row_length(GgmlType type, int64_t n, const char* where) {
    const int64_t bs = ggml_traits(type).block_size;
    if (n <= 0 || n % bs != 0)
        throw std::invalid_argument(std::string(where) + ": row length " + std::to_string(n) +
                                    " is not a positive multiple of the " + std::string(ggml_type_name(type)) +
                                    " block size " + std::to_string(bs));
}

// The kernel vec_dot uses for each type number, looked up once: vec_dot runs once per
// weight row, so it should cost one indexed load, not two switches.
constexpr size_t kTypeSlots = 64;
DotKernel best_kernel(GgmlType weight_type) {
    static const std::array<DotKernel, kTypeSlots> table = [] {
        std::array<DotKernel, kTypeSlots> t{};
        for (size_t i = 0; i < kTypeSlots; ++i) {
            const auto type = static_cast<GgmlType>(i);
            t[i] = dot_kernels::simd_kernel(type);
            if (!t[i]) t[i] = dot_kernels::scalar_kernel(type);
        }
        return t;
    }();
    const auto slot = static_cast<size_t>(weight_type);
    return slot < kTypeSlots ? table[slot] : nullptr;
}

[[noreturn]] void no_quantizer(GgmlType dot_type) {
    throw std::invalid_argument("quantize_row_for_dot: cannot quantize activations to " +
                                std::string(ggml_type_name(dot_type)));
}

}  // namespace

GgmlType vec_dot_type(GgmlType weight_type) {
    switch (weight_type) {
        case GgmlType::Q4_0:
        case GgmlType::Q5_0:
        case GgmlType::Q8_0: return GgmlType::Q8_0;
        case GgmlType::Q4_1:
        case GgmlType::Q5_1: return GgmlType::Q8_1;
        case GgmlType::Q2_K:
        case GgmlType::Q3_K:
        case GgmlType::Q4_K:
        case GgmlType::Q5_K:
        case GgmlType::Q6_K: return GgmlType::Q8_K;
        default: return GgmlType::F32;
    }
}

void quantize_row_for_dot(GgmlType dot_type, const float* x, void* dst, int64_t n) {
    check_row_length(dot_type, n, "quantize_row_for_dot");
    switch (dot_type) {
        case GgmlType::Q8_0:
            if (!dot_kernels::quantize_q8_0_simd(x, dst, n)) dot_kernels::quantize_q8_0_scalar(x, dst, n);
            return;
        case GgmlType::Q8_1:
            if (!dot_kernels::quantize_q8_1_simd(x, dst, n)) dot_kernels::quantize_q8_1_scalar(x, dst, n);
            return;
        case GgmlType::Q8_K: dot_kernels::quantize_q8_K_scalar(x, dst, n); return;
        case GgmlType::F32: std::memcpy(dst, x, static_cast<size_t>(n) * 4); return;
        default: no_quantizer(dot_type);
    }
}

void quantize_row_for_dot_reference(GgmlType dot_type, const float* x, void* dst, int64_t n) {
    check_row_length(dot_type, n, "quantize_row_for_dot_reference");
    switch (dot_type) {
        case GgmlType::Q8_0: dot_kernels::quantize_q8_0_scalar(x, dst, n); return;
        case GgmlType::Q8_1: dot_kernels::quantize_q8_1_scalar(x, dst, n); return;
        case GgmlType::Q8_K: dot_kernels::quantize_q8_K_scalar(x, dst, n); return;
        case GgmlType::F32: std::memcpy(dst, x, static_cast<size_t>(n) * 4); return;
        default: no_quantizer(dot_type);
    }
}

float vec_dot(GgmlType weight_type, int64_t n, const void* w_row, const void* x_row) {
    if (DotKernel k = best_kernel(weight_type)) return k(n, w_row, x_row);
    return dot_generic_f32(weight_type, n, w_row, static_cast<const float*>(x_row));
}

void vec_dot_rows(GgmlType weight_type, int64_t n, const void* w, size_t row_bytes, int64_t rows,
                  const void* x_row, float* y) {
    const auto* wb = static_cast<const uint8_t*>(w);
    if (DotKernel k = best_kernel(weight_type)) {
        for (int64_t r = 0; r < rows; ++r) y[r] = k(n, wb + row_bytes * static_cast<size_t>(r), x_row);
        return;
    }
    for (int64_t r = 0; r < rows; ++r)
        y[r] = dot_generic_f32(weight_type, n, wb + row_bytes * static_cast<size_t>(r), static_cast<const float*>(x_row));
}

float vec_dot_reference(GgmlType weight_type, int64_t n, const void* w_row, const void* x_row) {
    if (DotKernel k = dot_kernels::scalar_kernel(weight_type)) return k(n, w_row, x_row);
    return dot_generic_f32(weight_type, n, w_row, static_cast<const float*>(x_row));
}

const char* vec_dot_isa() {
    const char* isa = dot_kernels::simd_isa();
    return std::strcmp(isa, "none") == 0 ? "scalar" : isa;
}

}  // namespace qt
