#include "cli/bench_random_model.h"

#include <cmath>
#include <cstring>

#include "cli/cli_args.h"
#include "gguf/gguf_writer.h"
#include "quant/ggml_type.h"
#include "quant/half.h"

namespace qt::cli {
namespace {

uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

constexpr size_t kQ4_0Bytes = 18;  // fp16 d + 16 bytes of 4-bit codes
constexpr float kUniformCodeSd = 4.61f;  // standard deviation of q - 8, q uniform in 0..15

void random_q4_0(std::vector<uint8_t>& out, int64_t rows, int64_t cols, float sd, uint64_t stream) {
    const int64_t n_blocks = rows * (cols / 32);
    out.resize(static_cast<size_t>(n_blocks) * kQ4_0Bytes);
    const float d0 = sd / kUniformCodeSd;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < n_blocks; ++b) {
        uint8_t* blk = out.data() + static_cast<size_t>(b) * kQ4_0Bytes;
        const uint64_t h = splitmix64(stream * 0x100000001B3ull ^ static_cast<uint64_t>(b));
        const uint64_t c0 = splitmix64(h), c1 = splitmix64(h + 1);
        std::memcpy(blk + 2, &c0, 8);
        std::memcpy(blk + 10, &c1, 8);
        const float jitter = 0.75f + 0.5f * static_cast<float>(h >> 40) / 16777216.0f;
        const uint16_t d = fp32_to_fp16(((h & 1) ? -d0 : d0) * jitter);
        std::memcpy(blk, &d, 2);
    }
}

}  // namespace

BenchShape bench_shape_named(const std::string& name) {
    BenchShape s;
    s.label = name;
    if (name == "smollm2-135m") return s;  // the defaults
    if (name == "tinyllama-1.1b") {
        s.n_layers = 22, s.dim = 2048, s.ffn_dim = 5632, s.n_heads = 32, s.n_kv_heads = 4, s.vocab = 32000;
        s.tied_output = false;
        return s;
    }
    if (name == "llama2-7b") {
        s.n_layers = 32, s.dim = 4096, s.ffn_dim = 11008, s.n_heads = 32, s.n_kv_heads = 32, s.vocab = 32000;
        s.tied_output = false;
        return s;
    }
    throw UsageError("unknown --shape \"" + name + "\" (smollm2-135m, tinyllama-1.1b, llama2-7b)");
}

int64_t bench_parameter_count(const BenchShape& s) {
    const int64_t kv = static_cast<int64_t>(s.n_kv_heads) * (s.dim / s.n_heads);
    const int64_t per_layer = 2LL * s.dim * s.dim + 2LL * s.dim * kv + 3LL * s.dim * s.ffn_dim + 2LL * s.dim;
    return s.n_layers * per_layer + static_cast<int64_t>(s.vocab) * s.dim * (s.tied_output ? 1 : 2) + s.dim;
}

void write_bench_model(const std::string& path, const BenchShape& s, uint64_t seed) {
    GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_string("general.name", "quanttune-bench-" + s.label);
    w.set_u32("llama.block_count", static_cast<uint32_t>(s.n_layers));
    w.set_u32("llama.context_length", 4096);
    w.set_u32("llama.embedding_length", static_cast<uint32_t>(s.dim));
    w.set_u32("llama.feed_forward_length", static_cast<uint32_t>(s.ffn_dim));
    w.set_u32("llama.attention.head_count", static_cast<uint32_t>(s.n_heads));
    w.set_u32("llama.attention.head_count_kv", static_cast<uint32_t>(s.n_kv_heads));
    w.set_u32("llama.rope.dimension_count", static_cast<uint32_t>(s.dim / s.n_heads));
    w.set_f32("llama.rope.freq_base", 10000.0f);
    w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    w.set_u32("llama.vocab_size", static_cast<uint32_t>(s.vocab));
    uint64_t stream = seed * 1000003;
    auto matrix = [&](const std::string& name, int64_t cols, int64_t rows) {
        const float sd = 1.0f / std::sqrt(static_cast<float>(cols));
        const uint64_t st = stream++;
        w.add_tensor(name, GgmlType::Q4_0, {cols, rows},
                     [=](std::vector<uint8_t>& out) { random_q4_0(out, rows, cols, sd, st); });
    };
    auto norm = [&](const std::string& name) {
        std::vector<uint8_t> bytes(static_cast<size_t>(s.dim) * 4);
        const uint64_t st = stream++;
        for (int i = 0; i < s.dim; ++i) {
            const float v = 1.0f + 0.1f * (static_cast<float>(splitmix64(st * 7919 + i) >> 40) / 16777216.0f - 0.5f);
            std::memcpy(bytes.data() + 4 * i, &v, 4);
        }
        w.add_tensor(name, GgmlType::F32, {s.dim}, std::move(bytes));
    };
    const int kv = s.n_kv_heads * (s.dim / s.n_heads);
    matrix("token_embd.weight", s.dim, s.vocab);
    norm("output_norm.weight");
    if (!s.tied_output) matrix("output.weight", s.dim, s.vocab);
    for (int l = 0; l < s.n_layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        norm(p + "attn_norm.weight");
        matrix(p + "attn_q.weight", s.dim, s.dim);
        matrix(p + "attn_k.weight", s.dim, kv);
        matrix(p + "attn_v.weight", s.dim, kv);
        matrix(p + "attn_output.weight", s.dim, s.dim);
        norm(p + "ffn_norm.weight");
        matrix(p + "ffn_gate.weight", s.dim, s.ffn_dim);
        matrix(p + "ffn_up.weight", s.dim, s.ffn_dim);
        matrix(p + "ffn_down.weight", s.ffn_dim, s.dim);
    }
    w.write(path);
}

}  // namespace qt::cli
