#include "quant/dequantize.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "quant/half.h"

// Compiled with -ffp-contract=off (engine/CMakeLists.txt): each product and sum
// rounds separately, in the order gguf-py's numpy code uses, so results are bit-exact.
namespace qt {
namespace {

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

void dequantize_q4_0(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 18, dst += 32) {
        const float d = fp16_to_fp32(load_u16(src));
        const uint8_t* qs = src + 2;
        for (int j = 0; j < 16; ++j) {
            dst[j] = static_cast<float>((qs[j] & 0x0f) - 8) * d;
            dst[j + 16] = static_cast<float>((qs[j] >> 4) - 8) * d;
        }
    }
}

void dequantize_q4_1(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 20, dst += 32) {
        const float d = fp16_to_fp32(load_u16(src));
        const float m = fp16_to_fp32(load_u16(src + 2));
        const uint8_t* qs = src + 4;
        for (int j = 0; j < 16; ++j) {
            dst[j] = d * static_cast<float>(qs[j] & 0x0f) + m;
            dst[j + 16] = d * static_cast<float>(qs[j] >> 4) + m;
        }
    }
}

void dequantize_q8_0(const uint8_t* src, float* dst, int64_t nb) {
    for (int64_t b = 0; b < nb; ++b, src += 34, dst += 32) {
        const float d = fp16_to_fp32(load_u16(src));
        const int8_t* qs = reinterpret_cast<const int8_t*>(src + 2);
        for (int j = 0; j < 32; ++j) dst[j] = d * static_cast<float>(qs[j]);
    }
}

}  // namespace

void dequantize_row(GgmlType type, const void* src_v, float* dst, int64_t n) {
    const auto* src = static_cast<const uint8_t*>(src_v);
    const auto& tr = ggml_traits(type);
    const int64_t nb = n / tr.block_size;
    switch (type) {
        case GgmlType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); return;
        case GgmlType::F16:
            for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(load_u16(src + 2 * i));
            return;
        case GgmlType::BF16:
            for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(load_u16(src + 2 * i));
            return;
        case GgmlType::Q4_0: dequantize_q4_0(src, dst, nb); return;
        case GgmlType::Q4_1: dequantize_q4_1(src, dst, nb); return;
        case GgmlType::Q8_0: dequantize_q8_0(src, dst, nb); return;
        default: break;
    }
    throw std::invalid_argument("dequantization of " + std::string(tr.name) + " is not supported");
}

}  // namespace qt
