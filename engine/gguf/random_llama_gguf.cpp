#include "gguf/random_llama_gguf.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "cpu/quant_blocks.h"
#include "gguf/gguf_writer.h"
#include "methods/quant_scale_fields.h"
#include "quant/dequantize.h"
#include "quant/half.h"
#include "util/philox_normal.h"

namespace qt {
namespace {

constexpr int kQ = 32;

void minmax(const float* x, float& lo, float& hi) {
    lo = hi = x[0];
    for (int j = 1; j < kQ; ++j) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
}

// The element of largest magnitude, with its sign (Q4_0 / Q5_0 divide it by -8 / -16).
float signed_extreme(const float* x) {
    float amax = 0, m = 0;
    for (int j = 0; j < kQ; ++j)
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            m = x[j];
        }
    return m;
}

std::vector<float> normals(uint64_t seed, uint64_t stream, size_t n, float scale) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = philox_normal(seed, stream, i) * scale;
    return v;
}

// GPT-2's byte-to-unicode map: printable bytes stand for themselves, the rest map to U+0100 upwards.
std::vector<std::string> byte_tokens() {
    std::vector<int> cps(256, -1);
    for (int b = 0; b < 256; ++b)
        if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255)) cps[b] = b;
    int next = 256;
    for (int b = 0; b < 256; ++b)
        if (cps[b] < 0) cps[b] = next++;
    std::vector<std::string> out;
    for (int cp : cps) {
        std::string s;
        if (cp < 0x80) s += static_cast<char>(cp);
        else {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
        out.push_back(s);
    }
    return out;
}

void add_synthetic_tokenizer(GgufWriter& w, int vocab) {
    if (vocab < 257) throw std::invalid_argument("random model: vocab_size must be at least 257");
    std::vector<std::string> tokens = byte_tokens();
    std::vector<std::string> merges;
    // Merged tokens: pairs of lower-case letters, then "Ġ" + letter (a space before a word).
    const std::string letters = "etaoinshrdlcumwfgypbvkjxqz";
    for (size_t a = 0; a < letters.size() && static_cast<int>(tokens.size()) < vocab - 1; ++a)
        for (size_t b = 0; b < letters.size() && static_cast<int>(tokens.size()) < vocab - 1; ++b) {
            tokens.push_back(std::string(1, letters[a]) + letters[b]);
            merges.push_back(std::string(1, letters[a]) + " " + letters[b]);
        }
    if (static_cast<int>(tokens.size()) < vocab - 1)
        throw std::invalid_argument("random model: synthetic vocabulary holds at most 933 tokens");
    tokens.push_back("<|endoftext|>");
    std::vector<int64_t> types(tokens.size(), 1);
    types.back() = 3;  // control
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_string("tokenizer.ggml.pre", "gpt-2");
    w.set_string_array("tokenizer.ggml.tokens", tokens);
    w.set_i32_array("tokenizer.ggml.token_type", types);
    w.set_string_array("tokenizer.ggml.merges", merges);
    w.set_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(vocab - 1));
    w.set_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(vocab - 1));
}

// A weight matrix [rows][cols] of `type`: floats of standard deviation `std` quantized
// (legacy types) or random codes with scales giving that spread (K-quants).
std::vector<uint8_t> random_matrix(GgmlType type, int64_t rows, int64_t cols, float std, uint64_t seed,
                                   uint64_t stream) {
    const size_t row_bytes = ggml_row_size(type, cols);
    std::vector<uint8_t> out(row_bytes * static_cast<size_t>(rows));
    const auto x = normals(seed, stream, static_cast<size_t>(rows * cols), std);
    switch (type) {
        case GgmlType::F32: std::memcpy(out.data(), x.data(), out.size()); return out;
        case GgmlType::F16:
            for (size_t i = 0; i < x.size(); ++i) {
                const uint16_t h = fp32_to_fp16(x[i]);
                std::memcpy(out.data() + 2 * i, &h, 2);
            }
            return out;
        case GgmlType::Q4_0:
        case GgmlType::Q4_1:
        case GgmlType::Q5_0:
        case GgmlType::Q5_1:
        case GgmlType::Q8_0:
            for (int64_t r = 0; r < rows; ++r)
                quantize_row_reference(type, x.data() + r * cols, out.data() + row_bytes * r, cols);
            return out;
        default: break;
    }
    const auto fields = quant_scale_fields(type);
    if (!fields) throw std::invalid_argument("random model: no generator for type " + std::string(ggml_type_name(type)));
    // K-quants: random bytes as codes and sub-scales; d = 1 and dmin = 0 measure the
    // spread, then each super-block gets d = +-std / rms with a random sign.
    for (size_t i = 0; i < out.size(); i += 4) {
        const auto r = philox4x32_10(static_cast<uint32_t>(i >> 2), static_cast<uint32_t>(i >> 34),
                                     static_cast<uint32_t>(stream), 0x4B51u, static_cast<uint32_t>(seed),
                                     static_cast<uint32_t>(seed >> 32));
        std::memcpy(out.data() + i, &r.v[0], std::min<size_t>(4, out.size() - i));
    }
    const auto& tr = ggml_traits(type);
    const size_t n_blocks = out.size() / tr.type_size;
    auto set_field = [&](size_t b, size_t off, float v) {
        const uint16_t h = fp32_to_fp16(v);
        std::memcpy(out.data() + b * tr.type_size + off, &h, 2);
    };
    for (size_t b = 0; b < n_blocks; ++b)
        for (const ScaleField& f : *fields) set_field(b, f.offset, f.is_min ? 0.0f : 1.0f);
    std::vector<float> w(static_cast<size_t>(cols));
    double sq = 0;
    for (int64_t r = 0; r < rows; ++r) {
        dequantize_row(type, out.data() + row_bytes * r, w.data(), cols);
        for (float v : w) sq += static_cast<double>(v) * v;
    }
    const double rms = std::sqrt(sq / static_cast<double>(rows * cols));
    for (size_t b = 0; b < n_blocks; ++b) {
        const float sign = philox_normal(seed, stream + 1, b) < 0 ? -1.0f : 1.0f;
        set_field(b, (*fields)[0].offset, sign * static_cast<float>(std / rms));
    }
    return out;
}

}  // namespace

void quantize_row_reference(GgmlType type, const float* x, void* dst, int64_t n) {
    if (n % kQ) throw std::invalid_argument("quantize_row_reference: n must be a multiple of 32");
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n / kQ; ++i, x += kQ) {
        switch (type) {
            case GgmlType::Q4_0: {
                auto* b = reinterpret_cast<BlockQ4_0*>(out) + i;
                const float d = signed_extreme(x) / -8;
                const float id = d ? 1.0f / d : 0.0f;
                b->d = fp32_to_fp16(d);
                for (int j = 0; j < 16; ++j) {
                    const auto q0 = static_cast<uint8_t>(std::min(15, static_cast<int>(static_cast<int8_t>(x[j] * id + 8.5f))));
                    const auto q1 =
                        static_cast<uint8_t>(std::min(15, static_cast<int>(static_cast<int8_t>(x[j + 16] * id + 8.5f))));
                    b->qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
                }
                break;
            }
            case GgmlType::Q4_1: {
                auto* b = reinterpret_cast<BlockQ4_1*>(out) + i;
                float lo, hi;
                minmax(x, lo, hi);
                const float d = (hi - lo) / 15;
                const float id = d ? 1.0f / d : 0.0f;
                b->d = fp32_to_fp16(d);
                b->m = fp32_to_fp16(lo);
                for (int j = 0; j < 16; ++j) {
                    const auto q0 = static_cast<uint8_t>(std::min(15, static_cast<int>(static_cast<int8_t>((x[j] - lo) * id + 0.5f))));
                    const auto q1 =
                        static_cast<uint8_t>(std::min(15, static_cast<int>(static_cast<int8_t>((x[j + 16] - lo) * id + 0.5f))));
                    b->qs[j] = static_cast<uint8_t>(q0 | (q1 << 4));
                }
                break;
            }
            case GgmlType::Q5_0:
            case GgmlType::Q5_1: {
                const bool with_min = type == GgmlType::Q5_1;
                float lo = 0, hi = 0, d, id;
                if (with_min) {
                    minmax(x, lo, hi);
                    d = (hi - lo) / 31;
                } else {
                    d = signed_extreme(x) / -16;
                }
                id = d ? 1.0f / d : 0.0f;
                uint8_t* qs;
                uint8_t* qh_bytes;
                if (with_min) {
                    auto* b = reinterpret_cast<BlockQ5_1*>(out) + i;
                    b->d = fp32_to_fp16(d);
                    b->m = fp32_to_fp16(lo);
                    qs = b->qs;
                    qh_bytes = b->qh;
                } else {
                    auto* b = reinterpret_cast<BlockQ5_0*>(out) + i;
                    b->d = fp32_to_fp16(d);
                    qs = b->qs;
                    qh_bytes = b->qh;
                }
                uint32_t qh = 0;
                for (int j = 0; j < 16; ++j) {
                    const float a = with_min ? (x[j] - lo) * id + 0.5f : x[j] * id + 16.5f;
                    const float c = with_min ? (x[j + 16] - lo) * id + 0.5f : x[j + 16] * id + 16.5f;
                    const auto q0 = static_cast<uint8_t>(std::min(31, static_cast<int>(static_cast<int8_t>(a))));
                    const auto q1 = static_cast<uint8_t>(std::min(31, static_cast<int>(static_cast<int8_t>(c))));
                    qs[j] = static_cast<uint8_t>((q0 & 0x0F) | ((q1 & 0x0F) << 4));
                    qh |= static_cast<uint32_t>((q0 & 0x10) >> 4) << j;
                    qh |= static_cast<uint32_t>((q1 & 0x10) >> 4) << (j + 16);
                }
                std::memcpy(qh_bytes, &qh, 4);
                break;
            }
            case GgmlType::Q8_0: {
                auto* b = reinterpret_cast<BlockQ8_0W*>(out) + i;
                float amax = 0;
                for (int j = 0; j < kQ; ++j) amax = std::max(amax, std::fabs(x[j]));
                const float d = amax / 127;
                const float id = d ? 1.0f / d : 0.0f;
                b->d = fp32_to_fp16(d);
                for (int j = 0; j < kQ; ++j) b->qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
                break;
            }
            default:
                throw std::invalid_argument("quantize_row_reference: no reference quantizer for " +
                                            std::string(ggml_type_name(type)));
        }
    }
}

void write_random_llama_gguf(const std::string& path, const RandomLlamaSpec& s) {
    if (s.dim % s.n_heads || s.n_heads % s.n_kv_heads)
        throw std::invalid_argument("random model: dim must divide into heads, heads into key/value heads");
    for (const auto& [role, type] : s.linear_types)
        if (role != "attn_q" && role != "attn_k" && role != "attn_v" && role != "attn_output" && role != "ffn_gate" &&
            role != "ffn_up" && role != "ffn_down")
            throw std::invalid_argument("random model: unknown linear role \"" + role +
                                        "\" (known: attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down)");
    GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_string("general.name", "quanttune-random-llama");
    w.set_u32("llama.block_count", static_cast<uint32_t>(s.n_layers));
    w.set_u32("llama.context_length", static_cast<uint32_t>(s.context_length));
    w.set_u32("llama.embedding_length", static_cast<uint32_t>(s.dim));
    w.set_u32("llama.feed_forward_length", static_cast<uint32_t>(s.ffn_dim));
    w.set_u32("llama.attention.head_count", static_cast<uint32_t>(s.n_heads));
    w.set_u32("llama.attention.head_count_kv", static_cast<uint32_t>(s.n_kv_heads));
    w.set_u32("llama.rope.dimension_count", static_cast<uint32_t>(s.dim / s.n_heads));
    w.set_f32("llama.rope.freq_base", 10000.0f);
    w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    int vocab = s.vocab_size;
    if (s.tokenizer_source) {
        for (const auto& [key, value] : s.tokenizer_source->metadata())
            if (key.rfind("tokenizer.", 0) == 0) w.set(key, value);
        vocab = static_cast<int>(s.tokenizer_source->get_array("tokenizer.ggml.tokens").array_size());
    } else {
        add_synthetic_tokenizer(w, vocab);
    }
    w.set_u32("llama.vocab_size", static_cast<uint32_t>(vocab));

    const int head_dim = s.dim / s.n_heads;
    const int kv = s.n_kv_heads * head_dim;
    uint64_t stream = 0;
    auto matrix = [&](const std::string& name, GgmlType type, int64_t cols, int64_t rows, float std) {
        w.add_tensor(name, type, {cols, rows}, random_matrix(type, rows, cols, std, s.seed, stream));
        stream += 2;
    };
    auto norm = [&](const std::string& name) {
        auto v = normals(s.seed, stream++, static_cast<size_t>(s.dim), 0.1f);
        for (float& x : v) x += 1.0f;
        std::vector<uint8_t> bytes(v.size() * 4);
        std::memcpy(bytes.data(), v.data(), bytes.size());
        w.add_tensor(name, GgmlType::F32, {s.dim}, std::move(bytes));
    };
    // Embedding rows of norm ~2: with a tied head the logits have a spread of ~2, as trained models do.
    matrix("token_embd.weight", s.embedding_type, s.dim, vocab, 2.0f / std::sqrt(static_cast<float>(s.dim)));
    norm("output_norm.weight");
    if (!s.tied_output) matrix("output.weight", s.weight_type, s.dim, vocab, 2.0f / std::sqrt(static_cast<float>(s.dim)));
    const float in_std = 1.0f / std::sqrt(static_cast<float>(s.dim));
    const float ffn_std = 1.0f / std::sqrt(static_cast<float>(s.ffn_dim));
    for (int l = 0; l < s.n_layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        auto linear = [&](const std::string& role, int64_t cols, int64_t rows, float std) {
            const auto it = s.linear_types.find(role);
            matrix(p + role + ".weight", it == s.linear_types.end() ? s.weight_type : it->second, cols, rows, std);
        };
        norm(p + "attn_norm.weight");
        linear("attn_q", s.dim, s.dim, in_std);
        linear("attn_k", s.dim, kv, in_std);
        linear("attn_v", s.dim, kv, in_std);
        linear("attn_output", s.dim, s.dim, in_std);
        norm(p + "ffn_norm.weight");
        linear("ffn_gate", s.dim, s.ffn_dim, in_std);
        linear("ffn_up", s.dim, s.ffn_dim, in_std);
        linear("ffn_down", s.ffn_dim, s.dim, ffn_std);
    }
    w.write(path);
}

}  // namespace qt
