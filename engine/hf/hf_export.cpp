#include "hf/hf_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "gguf/gguf_file.h"
#include "hf/hf_config.h"
#include "hf/hf_import.h"
#include "hf/hf_tensor_names.h"
#include "hf/hf_tokenizer.h"
#include "model/llama_config.h"
#include "quant/dequantize.h"
#include "safetensors/safetensors_writer.h"
#include "util/atomic_file.h"
#include "util/model_file_error.h"

namespace qt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One GGUF tensor on its way to the folder.
struct ExportTensor {
    const GgufTensorInfo* info = nullptr;
    std::string hf_name;
    std::vector<int64_t> shape;  // PyTorch order: GGUF's dims reversed
    bool permute_rows = false;   // a Q or K weight: GGUF's adjacent pairs back to rotate-halves
    uint64_t out_bytes = 0;
};

// What in a llama GGUF file has no LlamaForCausalLM form; empty when nothing.
std::string unexportable_feature(const LlamaConfig& c) {
    if (c.architecture != "llama")
        return "architecture \"" + c.architecture + "\" (export-hf writes LlamaForCausalLM: llama models only)";
    if (c.rope_freqs) return "RoPE frequency factors (rope_freqs.weight, Llama 3.1 scaling)";
    if (c.rope_freq_scale != 1.0f) return "linear RoPE scaling (rope.scaling.factor)";
    if (c.n_rot != c.head_dim) return "partial rotary dimensions (rope.dimension_count < head dim)";
    if (c.qkv_bias || c.qk_norm || c.post_norms || c.fused_qkv || c.fused_gate_up || c.sliding_window > 0 ||
        c.embedding_scale != 1.0f || c.attention_scale != 0.0f || c.attn_softcap != 0.0f || c.final_softcap != 0.0f)
        return "a block that is not LLaMA's (biases, q/k norms, fused weights, soft-capping or sliding window)";
    return {};
}

std::vector<ExportTensor> plan_tensors(const GgufFile& file, const LlamaConfig& c, const HfExportOptions& o) {
    std::vector<ExportTensor> plan;
    for (const GgufTensorInfo& t : file.tensors()) {
        ExportTensor e;
        e.info = &t;
        e.hf_name = hf_name_for_gguf(t.name);
        if (e.hf_name.empty())
            throw ModelFileError(file.path() + ": tensor \"" + t.name +
                                 "\" has no name in a Hugging Face LlamaForCausalLM checkpoint");
        if (t.dims.size() > 2)
            throw ModelFileError(file.path() + ": tensor \"" + t.name + "\": " + std::to_string(t.dims.size()) +
                                 " dimensions, expected 1 or 2");
        e.shape.assign(t.dims.rbegin(), t.dims.rend());
        e.permute_rows = is_rope_permuted_gguf_tensor(t.name);
        if (e.permute_rows && t.rows() % c.head_dim != 0)
            throw ModelFileError(file.path() + ": tensor \"" + t.name + "\": " + std::to_string(t.rows()) +
                                 " rows, not whole heads of " + std::to_string(c.head_dim));
        e.out_bytes = static_cast<uint64_t>(t.num_elements()) * safetensors_dtype_size(o.dtype);
        plan.push_back(std::move(e));
    }
    for (const char* required : {"model.embed_tokens.weight", "model.norm.weight"})
        if (std::none_of(plan.begin(), plan.end(), [&](const ExportTensor& e) { return e.hf_name == required; }))
            throw ModelFileError(file.path() + ": no tensor \"" + gguf_name_for_hf(required) + "\"");
    return plan;
}

// The tensor's values in HF's row order.
std::vector<float> dequantized(const GgufFile& file, const ExportTensor& e, int head_dim) {
    const GgufTensorInfo& t = *e.info;
    const int64_t cols = t.dims[0], rows = t.rows();
    const size_t row_bytes = ggml_row_size(t.type, cols);
    std::vector<float> values(static_cast<size_t>(cols * rows));
    for (int64_t r = 0; r < rows; ++r) {
        const int64_t dst = e.permute_rows ? hf_row_for_gguf_row(r, head_dim) : r;
        try {
            dequantize_row(t.type, t.data + r * row_bytes, values.data() + dst * cols, cols);
        } catch (const std::invalid_argument& err) {
            throw ModelFileError(file.path() + ": tensor \"" + t.name + "\": type " +
                                 std::string(ggml_type_name(t.type)) + " cannot be dequantized (" + err.what() + ")");
        }
    }
    return values;
}

void write_text(const fs::path& path, const std::string& text) {
    write_file_atomically(path.string(), [&](std::FILE* f) {
        if (std::fwrite(text.data(), 1, text.size(), f) != text.size())
            throw std::runtime_error(path.string() + ": write failed");
    });
}

// The temporary sibling folder the export is written into.
fs::path make_temporary_sibling(const fs::path& target) {
    std::string tmpl = target.string() + ".tmp-XXXXXX";
    if (!mkdtemp(tmpl.data()))
        throw std::runtime_error(target.string() + ": cannot create a temporary folder beside it: " +
                                 std::strerror(errno));
    return tmpl;
}

void sync_folder(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

const char* torch_dtype_name(SafetensorsDtype d) {
    return d == SafetensorsDtype::BF16 ? "bfloat16" : d == SafetensorsDtype::F16 ? "float16" : "float32";
}

}  // namespace

const char* hf_export_dtypes() { return "bf16, f16, f32"; }

SafetensorsDtype parse_hf_export_dtype(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "bf16" || lower == "bfloat16") return SafetensorsDtype::BF16;
    if (lower == "f16" || lower == "float16") return SafetensorsDtype::F16;
    if (lower == "f32" || lower == "float32") return SafetensorsDtype::F32;
    throw std::invalid_argument("unknown dtype \"" + name + "\" (expected one of " + hf_export_dtypes() + ")");
}

HfExportSummary export_hf_folder(const std::string& gguf_path, const std::string& out_dir,
                                 const HfExportOptions& options) {
    if (options.dtype != SafetensorsDtype::BF16 && options.dtype != SafetensorsDtype::F16 &&
        options.dtype != SafetensorsDtype::F32)
        throw std::invalid_argument("export dtype must be one of " + std::string(hf_export_dtypes()));
    const fs::path target = fs::path(out_dir).lexically_normal();
    std::error_code ec;
    if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec)))
        throw std::runtime_error(target.string() + ": already exists and is not an empty folder; choose another");

    const auto file = GgufFile::open(gguf_path);
    const LlamaConfig llama = LlamaConfig::from_gguf(*file);
    if (const std::string what = unexportable_feature(llama); !what.empty())
        throw ModelFileError(file->path() + ": cannot export to a Hugging Face folder: " + what);
    const HfTokenizer tokenizer = HfTokenizer::from_gguf(*file);
    if (tokenizer.tokens.size() > static_cast<size_t>(llama.vocab_size))
        throw ModelFileError(file->path() + ": " + std::to_string(tokenizer.tokens.size()) +
                             " tokens, more than the embedding's " + std::to_string(llama.vocab_size) + " rows");
    HfConfig config = HfConfig::from_llama(llama);
    config.bos_token_id = tokenizer.bos_id;
    config.eos_token_id = tokenizer.eos_id;
    // Made before anything is written, so that an unsupported token or merge fails first.
    const std::string tokenizer_json = tokenizer.tokenizer_json();
    const std::string tokenizer_config_json = tokenizer.tokenizer_config_json(llama.context_length);
    const std::vector<ExportTensor> plan = plan_tensors(*file, llama, options);

    // Shards: tensors in file order, a new shard when the next would pass the limit.
    std::vector<std::vector<const ExportTensor*>> shards(1);
    uint64_t shard_bytes = 0;
    HfExportSummary summary;
    for (const ExportTensor& e : plan) {
        if (!shards.back().empty() && shard_bytes + e.out_bytes > options.max_shard_bytes) {
            shards.emplace_back();
            shard_bytes = 0;
        }
        shards.back().push_back(&e);
        shard_bytes += e.out_bytes;
        summary.weight_bytes += e.out_bytes;
    }
    summary.tensors = static_cast<int>(plan.size());
    summary.shards = static_cast<int>(shards.size());
    auto shard_name = [&](size_t i) {
        if (shards.size() == 1) return std::string("model.safetensors");
        char name[64];
        std::snprintf(name, sizeof name, "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
        return std::string(name);
    };

    if (!target.parent_path().empty()) fs::create_directories(target.parent_path());
    const fs::path tmp = make_temporary_sibling(target);
    try {
        json weight_map = json::object();
        for (size_t s = 0; s < shards.size(); ++s) {
            SafetensorsWriter writer;
            for (const ExportTensor* e : shards[s]) {
                const std::vector<float> values = dequantized(*file, *e, llama.head_dim);
                writer.add(e->hf_name, options.dtype, e->shape, values);
                weight_map[e->hf_name] = shard_name(s);
            }
            writer.write((tmp / shard_name(s)).string());
        }
        if (shards.size() > 1)
            write_text(tmp / "model.safetensors.index.json",
                       json{{"metadata", {{"total_size", summary.weight_bytes}}}, {"weight_map", weight_map}}.dump(2) +
                           "\n");
        write_text(tmp / "config.json", config.to_json(torch_dtype_name(options.dtype)));
        json generation = {{"_from_model_config", true}};
        if (tokenizer.bos_id >= 0) generation["bos_token_id"] = tokenizer.bos_id;
        if (tokenizer.eos_id >= 0) generation["eos_token_id"] = tokenizer.eos_id;
        if (tokenizer.pad_id >= 0) generation["pad_token_id"] = tokenizer.pad_id;
        write_text(tmp / "generation_config.json", generation.dump(2) + "\n");
        write_text(tmp / "tokenizer.json", tokenizer_json);
        write_text(tmp / "tokenizer_config.json", tokenizer_config_json);
        fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
        // rename(2) replaces an empty folder; anything else at the target was refused above.
        if (std::rename(tmp.c_str(), target.c_str()) != 0)
            throw std::runtime_error(target.string() + ": cannot rename the finished folder into place: " +
                                     std::strerror(errno));
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    sync_folder(target.parent_path().empty() ? fs::path(".") : target.parent_path());
    return summary;
}

}  // namespace qt
