#include "hf/hf_import.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <vector>

#include "gguf/gguf_writer.h"
#include "hf/hf_config.h"
#include "hf/hf_tensor_names.h"
#include "hf/hf_tokenizer.h"
#include "quant/quantize.h"
#include "safetensors/safetensors_folder.h"
#include "util/cache_dir.h"
#include "util/model_file_error.h"

namespace qt {
namespace {

namespace fs = std::filesystem;

// Bumped when the conversion's output changes, so cached files are made again.
constexpr int kConversionVersion = 1;

struct Mapped {
    std::string gguf;
    int permute_heads = 0;  // > 0: a Q or K weight with this many heads
};

// The GGUF name of an HF tensor; empty when it has none.
Mapped map_name(const std::string& hf, const HfConfig& c) {
    Mapped m{gguf_name_for_hf(hf)};
    if (is_rope_permuted_gguf_tensor(m.gguf)) m.permute_heads = m.gguf.ends_with("attn_q.weight") ? c.n_heads : c.n_kv_heads;
    return m;
}

// The shape (PyTorch order) each GGUF tensor must have.
std::vector<int64_t> expected_shape(const std::string& gguf, const HfConfig& c) {
    const std::string& name = gguf;
    auto ends = [&](const char* s) {
        const size_t n = std::strlen(s);
        return name.size() >= n && name.compare(name.size() - n, n, s) == 0;
    };
    const int64_t d = c.dim, q = int64_t{c.n_heads} * c.head_dim, kv = int64_t{c.n_kv_heads} * c.head_dim;
    if (name == "token_embd.weight" || name == "output.weight") return {c.vocab_size, d};
    if (ends("norm.weight")) return {d};
    if (ends("attn_q.weight")) return {q, d};
    if (ends("attn_k.weight") || ends("attn_v.weight")) return {kv, d};
    if (ends("attn_output.weight")) return {d, q};
    if (ends("ffn_gate.weight") || ends("ffn_up.weight")) return {c.ffn_dim, d};
    if (ends("ffn_down.weight")) return {d, c.ffn_dim};
    return {};
}

std::string shape_text(const std::vector<int64_t>& s) {
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

uint64_t fnv1a(uint64_t h, const std::string& s) {
    for (unsigned char ch : s) h = (h ^ ch) * 1099511628211ull;
    return h;
}

}  // namespace

const char* hf_import_types() { return "f32, f16, q8_0, q4_0, q4_1, q4_k"; }

GgmlType parse_hf_import_type(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "f32") return GgmlType::F32;
    if (lower == "f16") return GgmlType::F16;
    if (lower == "q8_0") return GgmlType::Q8_0;
    if (lower == "q4_0") return GgmlType::Q4_0;
    if (lower == "q4_1") return GgmlType::Q4_1;
    if (lower == "q4_k") return GgmlType::Q4_K;
    throw std::invalid_argument("unknown quantization type \"" + name + "\" (expected one of " + hf_import_types() + ")");
}

bool is_hf_folder(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec) && fs::is_regular_file(fs::path(path) / "config.json", ec);
}

void convert_hf_folder(const std::string& folder, const std::string& out_path, const HfImportOptions& options) {
    const fs::path dir(folder);
    const HfConfig config = HfConfig::read((dir / "config.json").string());
    HfTokenizer tok = HfTokenizer::read_folder(folder);
    const auto weights = SafetensorsFolder::open(folder);
    if (tok.tokens.size() > static_cast<size_t>(config.vocab_size))
        throw ModelFileError((dir / "tokenizer.json").string() + ": " + std::to_string(tok.tokens.size()) +
                             " tokens, more than config.json's vocab_size " + std::to_string(config.vocab_size));
    // Embedding rows past the tokenizer's tokens (vocabularies padded to a round
    // size) get unused placeholder tokens, as llama.cpp's converter writes.
    for (size_t id = tok.tokens.size(); id < static_cast<size_t>(config.vocab_size); ++id) {
        tok.tokens.push_back("[PAD" + std::to_string(id) + "]");
        tok.types.push_back(5);
    }
    if (tok.bos_id < 0 && config.bos_token_id >= 0 && config.bos_token_id < config.vocab_size)
        tok.bos_id = config.bos_token_id;
    if (tok.eos_id < 0 && config.eos_token_id >= 0 && config.eos_token_id < config.vocab_size)
        tok.eos_id = config.eos_token_id;

    GgufWriter out;
    out.set_string("general.name", fs::absolute(dir).lexically_normal().filename().string());
    config.write_gguf_metadata(out);
    tok.write_gguf_metadata(out);

    // Every tensor of the folder must map to one the model reads (rotary caches aside).
    std::vector<std::pair<std::string, Mapped>> order;
    for (const std::string& name : weights->tensor_names()) {
        if (name.size() > 9 && name.compare(name.size() - 9, 9, "inv_freq") == 0) continue;
        if (name == "lm_head.weight" && config.tie_word_embeddings) continue;
        Mapped m = map_name(name, config);
        if (m.gguf.empty())
            throw ModelFileError(weights->get(name).file->path() + ": tensor \"" + name +
                                 "\" is not part of a LLaMA checkpoint QuantTune can convert");
        order.emplace_back(name, m);
    }
    auto require = [&](const std::string& hf) {
        if (!weights->find(hf)) weights->get(hf);  // throws naming the folder's index or file
    };
    require("model.embed_tokens.weight");
    require("model.norm.weight");
    if (!config.tie_word_embeddings) require("lm_head.weight");
    for (int l = 0; l < config.n_layers; ++l)
        for (const HfBlockTensorName& n : hf_block_tensor_names())
            require("model.layers." + std::to_string(l) + "." + n.hf);
    // GGUF order: embedding, blocks by index, then the output norm and head.
    auto rank = [](const std::string& g) -> std::pair<int, std::string> {
        if (g == "token_embd.weight") return {-1, g};
        if (g.rfind("blk.", 0) == 0) return {std::stoi(g.substr(4)), g};
        return {1 << 30, g};
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](const auto& a, const auto& b) { return rank(a.second.gguf) < rank(b.second.gguf); });

    for (const auto& [hf_name, mapped] : order) {
        const SafetensorsEntry e = weights->get(hf_name);
        const std::vector<int64_t> want = expected_shape(mapped.gguf, config);
        if (e.tensor->shape != want)
            throw ModelFileError(e.file->path() + ": tensor \"" + hf_name + "\": shape " + shape_text(e.tensor->shape) +
                                 ", config.json says " + shape_text(want));
        if (mapped.gguf.rfind("blk.", 0) == 0 && std::stoi(mapped.gguf.substr(4)) >= config.n_layers)
            throw ModelFileError(e.file->path() + ": tensor \"" + hf_name + "\": layer beyond num_hidden_layers " +
                                 std::to_string(config.n_layers));
        const int64_t cols = want.back(), rows = want.size() == 2 ? want[0] : 1;
        // Norms stay F32; a weight whose rows are not whole blocks too.
        GgmlType type = want.size() == 1 ? GgmlType::F32 : options.type;
        if (cols % ggml_traits(type).block_size != 0) type = GgmlType::F32;
        const int64_t head_dim = mapped.permute_heads > 0 ? config.head_dim : 0;
        const SafetensorsFile* file = e.file;
        const SafetensorsTensor* tensor = e.tensor;
        const std::vector<int64_t> dims = want.size() == 2 ? std::vector<int64_t>{cols, rows} : want;
        out.add_tensor(mapped.gguf, type, dims, [=](std::vector<uint8_t>& bytes) {
            std::vector<float> values;
            file->to_f32(*tensor, values);
            const size_t row_bytes = ggml_row_size(type, cols);
            bytes.resize(row_bytes * rows);
            for (int64_t r = 0; r < rows; ++r) {
                const int64_t src = head_dim > 0 ? hf_row_for_gguf_row(r, head_dim) : r;
                quantize_row(type, values.data() + src * cols, bytes.data() + r * row_bytes, cols);
            }
        });
    }
    out.write(out_path);
}

std::string open_model_path(const std::string& path, const HfImportOptions& options) {
    if (!is_hf_folder(path)) return path;
    const fs::path dir = fs::absolute(path).lexically_normal();
    uint64_t key = fnv1a(1469598103934665603ull, dir.string() + "\n" + std::to_string(kConversionVersion) + "\n" +
                                                     std::string(ggml_type_name(options.type)));
    std::vector<fs::directory_entry> files{fs::directory_iterator(dir), fs::directory_iterator()};
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        if (!f.is_regular_file()) continue;
        const auto stamp = f.last_write_time().time_since_epoch().count();
        key = fnv1a(key, f.path().filename().string() + "\n" + std::to_string(f.file_size()) + "\n" +
                             std::to_string(stamp) + "\n");
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(key));
    std::string type_name(ggml_type_name(options.type));
    std::transform(type_name.begin(), type_name.end(), type_name.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    const fs::path cache = fs::path(quanttune_cache_dir()) / "converted";
    fs::create_directories(cache);
    const fs::path target = cache / (dir.filename().string() + "-" + hex + "." + type_name + ".gguf");
    if (!fs::exists(target)) convert_hf_folder(dir.string(), target.string(), options);
    return target.string();
}

}  // namespace qt
