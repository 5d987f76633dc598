#include "cuda_test_support.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "backend/cpu_backend.h"
#include "backend/cuda_backend.h"
#include "quant/half.h"

namespace qt::test {

Backend* shared_gpu_backend(std::string& why) {
    static std::unique_ptr<Backend> gpu;
    static std::string why_none;
    static bool tried = false;
    if (!tried) {
        tried = true;
        if (cuda_device_count(why_none) > 0) {
            try {
                gpu = make_cuda_backend(0);
                std::printf("[ GPU      ] %s\n", gpu->name().c_str());
            } catch (const std::exception& e) {
                why_none = e.what();
            }
        }
    }
    why = why_none;
    return gpu.get();
}

Backend* shared_cpu_backend() {
    static std::unique_ptr<Backend> cpu = make_cpu_backend(0);
    return cpu.get();
}

uint64_t fresh_seed() {
    uint64_t seed;
    if (const char* s = std::getenv("QT_TEST_SEED"); s && *s) {
        seed = std::strtoull(s, nullptr, 10);
    } else {
        seed = (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
    }
    std::printf("[ seed     ] QT_TEST_SEED=%llu\n", static_cast<unsigned long long>(seed));
    return seed;
}

std::vector<float> random_floats(size_t n, float sigma, std::mt19937_64& rng) {
    std::normal_distribution<float> dist(0.0f, sigma);
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng);
    return v;
}

namespace {

void put_half(uint8_t* p, float v) {
    const uint16_t h = fp32_to_fp16(v);
    std::memcpy(p, &h, 2);
}

}  // namespace

std::vector<uint8_t> random_weight_rows(GgmlType type, int64_t rows, int64_t cols, float sigma, std::mt19937_64& rng) {
    const size_t row_bytes = ggml_row_size(type, cols);
    std::vector<uint8_t> out(row_bytes * static_cast<size_t>(rows));
    std::uniform_real_distribution<float> jitter(0.5f, 1.5f);
    std::normal_distribution<float> normal(0.0f, sigma);
    if (type == GgmlType::F32 || type == GgmlType::F16 || type == GgmlType::BF16) {
        const int64_t n = rows * cols;
        for (int64_t i = 0; i < n; ++i) {
            const float v = normal(rng);
            if (type == GgmlType::F32) {
                std::memcpy(out.data() + 4 * i, &v, 4);
            } else if (type == GgmlType::F16) {
                put_half(out.data() + 2 * i, v);
            } else {
                uint32_t bits;
                std::memcpy(&bits, &v, 4);
                const auto h = static_cast<uint16_t>(bits >> 16);  // truncation: any bf16 is a valid weight
                std::memcpy(out.data() + 2 * i, &h, 2);
            }
        }
        return out;
    }
    for (size_t i = 0; i < out.size(); i += 8) {  // 8 random bytes per draw
        const uint64_t r = rng();
        std::memcpy(out.data() + i, &r, std::min<size_t>(8, out.size() - i));
    }
    const auto& tr = ggml_traits(type);
    const size_t n_blocks = out.size() / tr.type_size;
    for (size_t b = 0; b < n_blocks; ++b) {
        uint8_t* blk = out.data() + b * tr.type_size;
        // Scales so that weights have standard deviation about sigma: uniform codes
        // of 4 bits have sd 4.6, of 5 bits 9.2, int8 codes 74.
        const float j = jitter(rng);
        switch (type) {
            case GgmlType::Q4_0: put_half(blk, sigma / 4.6f * j); break;
            case GgmlType::Q5_0: put_half(blk, sigma / 9.2f * j); break;
            case GgmlType::Q8_0: put_half(blk, sigma / 74.0f * j); break;
            case GgmlType::Q4_1:  // centred: m = -7.5 d
                put_half(blk, sigma / 4.6f * j);
                put_half(blk + 2, -7.5f * sigma / 4.6f * j);
                break;
            case GgmlType::Q5_1:
                put_half(blk, sigma / 9.2f * j);
                put_half(blk + 2, -15.5f * sigma / 9.2f * j);
                break;
            case GgmlType::Q4_K:  // w = d sc q - dmin m, sc and m random 6-bit
            case GgmlType::Q5_K:
                put_half(blk, sigma / (4.6f * 32.0f) * j);
                put_half(blk + 2, sigma / (32.0f * 2.0f) * j);
                break;
            case GgmlType::Q6_K: put_half(blk + 208, sigma / (18.5f * 74.0f) * j); break;
            default: ADD_FAILURE() << "no random blocks for type " << ggml_type_name(type); return out;
        }
    }
    return out;
}

double relative_error(const std::vector<float>& a, const std::vector<float>& ref) {
    if (a.size() != ref.size()) return INFINITY;
    double num = 0, den = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i])) return INFINITY;
        const double d = static_cast<double>(a[i]) - ref[i];
        num += d * d;
        den += static_cast<double>(ref[i]) * ref[i];
    }
    return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

NextTokenBatch random_next_token_batch(int n_seqs, int len, int vocab, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int32_t> id(0, vocab - 1);
    NextTokenBatch b;
    b.tokens.resize(static_cast<size_t>(n_seqs) * len);
    b.targets.resize(b.tokens.size());
    for (auto& t : b.tokens) t = id(rng);
    for (int s = 0; s < n_seqs; ++s)
        for (int t = 0; t < len; ++t)
            b.targets[static_cast<size_t>(s) * len + t] = t + 1 < len ? b.tokens[static_cast<size_t>(s) * len + t + 1] : -1;
    return b;
}

RandomLlamaSpec small_llama_spec(GgmlType weight_type, int vocab_size, uint64_t seed) {
    RandomLlamaSpec spec;
    spec.n_layers = 2;
    spec.dim = 128;
    spec.ffn_dim = 256;
    spec.n_heads = 4;
    spec.n_kv_heads = 2;
    spec.vocab_size = vocab_size;
    spec.context_length = 64;
    spec.weight_type = weight_type;
    spec.seed = seed;
    return spec;
}

std::shared_ptr<const GgufFile> open_random_llama(const RandomLlamaSpec& spec, const std::string& tag) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("quanttune-cuda-" + tag + "-" + std::to_string(spec.seed) + ".gguf");
    write_random_llama_gguf(path.string(), spec);
    std::shared_ptr<const GgufFile> file(GgufFile::open(path.string()));
    std::filesystem::remove(path);
    return file;
}

DeviceBuffer to_backend(Backend& b, const std::vector<float>& v) {
    DeviceBuffer buf = b.alloc(v.size() * sizeof(float), MemoryCategory::Activations);
    b.upload(buf.data(), v.data(), v.size() * sizeof(float));
    return buf;
}

std::vector<float> from_backend(Backend& b, const DeviceBuffer& buf, size_t count) {
    std::vector<float> v(count);
    b.download(v.data(), buf.data(), count * sizeof(float));
    return v;
}

WeightTensor unregistered_weight(Backend& be, GgmlType type, int64_t rows, int64_t cols,
                                 const std::vector<uint8_t>& blocks) {
    WeightTensor w;
    w.name = "eager";
    w.type = type;
    w.rows = rows;
    w.cols = cols;
    w.row_bytes = blocks.size() / static_cast<size_t>(rows);
    w.storage = be.alloc(blocks.size(), MemoryCategory::Weights);
    be.upload(w.storage.data(), blocks.data(), blocks.size());
    w.data = w.storage.data();
    return w;
}

}  // namespace qt::test
