#include "cpu/quant_dot.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "quant/dequantize.h"
#include "quant/half.h"

namespace qt {
namespace {

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

// ggml's quantize_row_q8_0_ref: d = amax / 127, q = round(x / d).
void quantize_q8_0(const float* x, BlockQ8_0* y, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b * 32 + j]));
        const float d = amax / 127.0f;
        const float id = d != 0 ? 1.0f / d : 0.0f;
        y[b].d = fp32_to_fp16(d);
        for (int j = 0; j < 32; ++j) y[b].qs[j] = static_cast<int8_t>(std::nearbyint(x[b * 32 + j] * id));
    }
}

void quantize_q8_1(const float* x, BlockQ8_1* y, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b) {
        float amax = 0;
        for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[b * 32 + j]));
        const float d = amax / 127.0f;
        const float id = d != 0 ? 1.0f / d : 0.0f;
        int sum = 0;
        for (int j = 0; j < 32; ++j) {
            const int q = static_cast<int>(std::nearbyint(x[b * 32 + j] * id));
            y[b].qs[j] = static_cast<int8_t>(q);
            sum += q;
        }
        y[b].d = fp32_to_fp16(d);
        y[b].s = fp32_to_fp16(static_cast<float>(sum) * d);
    }
}

float dot_q4_0_q8_0(int64_t nb, const uint8_t* w, const BlockQ8_0* x) {
    float sum = 0;
    for (int64_t b = 0; b < nb; ++b, w += 18) {
        const uint8_t* qs = w + 2;
        int acc = 0;
        for (int j = 0; j < 16; ++j) {
            acc += ((qs[j] & 0x0f) - 8) * x[b].qs[j];
            acc += ((qs[j] >> 4) - 8) * x[b].qs[j + 16];
        }
        sum += static_cast<float>(acc) * fp16_to_fp32(load_u16(w)) * fp16_to_fp32(x[b].d);
    }
    return sum;
}

// Q4_1 x Q8_1: sum_j (d_w q_j + m) d_x p_j = d_w d_x sum(q p) + m * s_x.
float dot_q4_1_q8_1(int64_t nb, const uint8_t* w, const BlockQ8_1* x) {
    float sum = 0;
    for (int64_t b = 0; b < nb; ++b, w += 20) {
        const uint8_t* qs = w + 4;
        int acc = 0;
        for (int j = 0; j < 16; ++j) {
            acc += (qs[j] & 0x0f) * x[b].qs[j];
            acc += (qs[j] >> 4) * x[b].qs[j + 16];
        }
        const float dw = fp16_to_fp32(load_u16(w));
        const float mw = fp16_to_fp32(load_u16(w + 2));
        sum += dw * fp16_to_fp32(x[b].d) * static_cast<float>(acc) + mw * fp16_to_fp32(x[b].s);
    }
    return sum;
}

float dot_q8_0_q8_0(int64_t nb, const uint8_t* w, const BlockQ8_0* x) {
    float sum = 0;
    for (int64_t b = 0; b < nb; ++b, w += 34) {
        const int8_t* qs = reinterpret_cast<const int8_t*>(w + 2);
        int acc = 0;
        for (int j = 0; j < 32; ++j) acc += qs[j] * x[b].qs[j];
        sum += static_cast<float>(acc) * fp16_to_fp32(load_u16(w)) * fp16_to_fp32(x[b].d);
    }
    return sum;
}

// Types without an integer kernel: expand one row to float and take a float dot.
float dot_generic_f32(GgmlType type, int64_t n, const void* w, const float* x) {
    thread_local std::vector<float> row;
    row.resize(static_cast<size_t>(n));
    dequantize_row(type, w, row.data(), n);
    float sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += row[i] * x[i];
    return sum;
}

}  // namespace

GgmlType vec_dot_type(GgmlType weight_type) {
    switch (weight_type) {
        case GgmlType::Q4_0:
        case GgmlType::Q8_0: return GgmlType::Q8_0;
        case GgmlType::Q4_1: return GgmlType::Q8_1;
        default: return GgmlType::F32;
    }
}

void quantize_row_for_dot(GgmlType dot_type, const float* x, void* dst, int64_t n) {
    switch (dot_type) {
        case GgmlType::Q8_0: quantize_q8_0(x, static_cast<BlockQ8_0*>(dst), n / 32); return;
        case GgmlType::Q8_1: quantize_q8_1(x, static_cast<BlockQ8_1*>(dst), n / 32); return;
        case GgmlType::F32: std::memcpy(dst, x, static_cast<size_t>(n) * 4); return;
        default: break;
    }
    throw std::invalid_argument("cannot quantize activations to " + std::string(ggml_type_name(dot_type)));
}

float vec_dot(GgmlType weight_type, int64_t n, const void* w_row, const void* x_row) {
    const auto* w = static_cast<const uint8_t*>(w_row);
    switch (weight_type) {
        case GgmlType::Q4_0: return dot_q4_0_q8_0(n / 32, w, static_cast<const BlockQ8_0*>(x_row));
        case GgmlType::Q4_1: return dot_q4_1_q8_1(n / 32, w, static_cast<const BlockQ8_1*>(x_row));
        case GgmlType::Q8_0: return dot_q8_0_q8_0(n / 32, w, static_cast<const BlockQ8_0*>(x_row));
        default: return dot_generic_f32(weight_type, n, w_row, static_cast<const float*>(x_row));
    }
}

}  // namespace qt
