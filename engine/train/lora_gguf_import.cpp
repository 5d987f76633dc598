#include "train/lora_gguf_import.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <vector>

#include "gguf/gguf_file.h"

namespace qt {
namespace {

constexpr std::string_view kA = ".lora_a", kB = ".lora_b";

// "blk.3.attn_q.weight" -> {3, Q}; false for a name no LoRA target has.
bool linear_of(const std::string& base, LinearId& id) {
    static const std::pair<const char*, LinearSlot> kinds[] = {
        {"attn_q", LinearSlot::Q},        {"attn_k", LinearSlot::K},  {"attn_v", LinearSlot::V},
        {"attn_output", LinearSlot::O},   {"ffn_gate", LinearSlot::Gate}, {"ffn_up", LinearSlot::Up},
        {"ffn_down", LinearSlot::Down}};
    int layer = -1;
    char kind[32] = {0};
    if (std::sscanf(base.c_str(), "blk.%d.%31[a-z_].weight", &layer, kind) != 2 || layer < 0) return false;
    for (const auto& [name, slot] : kinds)
        if (std::strcmp(kind, name) == 0 && base == "blk." + std::to_string(layer) + "." + name + ".weight") {
            id = {layer, slot};
            return true;
        }
    return false;
}

// Whether `base` is a tensor that holds several of the model's linears (Phi-3's
// attn_qkv, and its ffn_up holding gate and up): such an adapter spans them all.
bool is_fused_tensor(LlamaModel& model, const std::string& base) {
    for (const LinearId id : model.trainable_linear_ids())
        if (model.linear_source(id).tensor == base && model.linear(id).name != base) return true;
    return false;
}

std::vector<float> floats_of(const GgufFile& f, const GgufTensorInfo& t) {
    if (t.type != GgmlType::F32) f.fail("tensor \"" + t.name + "\"", "type must be F32");
    std::vector<float> v(static_cast<size_t>(t.num_elements()));
    std::memcpy(v.data(), t.data, v.size() * sizeof(float));
    for (float x : v)
        if (!std::isfinite(x)) f.fail("tensor \"" + t.name + "\"", "holds a NaN or an infinity");
    return v;
}

}  // namespace

std::unique_ptr<LoraAdapters> load_lora_gguf(const std::string& path, LlamaModel& model) {
    const std::unique_ptr<GgufFile> f = GgufFile::open(path);
    if (f->get_string("general.type", "") != "adapter" || f->get_string("adapter.type", "") != "lora")
        f->fail("metadata", "not a LoRA adapter (general.type \"adapter\", adapter.type \"lora\" expected)");
    const std::string arch = f->get_string("general.architecture");
    if (arch != model.config().architecture)
        f->fail("general.architecture", "adapter for \"" + arch + "\", the model is \"" + model.config().architecture + "\"");
    const double alpha = f->get_float("adapter.lora.alpha");
    // Pair the tensors by base name.
    std::map<std::string, std::pair<const GgufTensorInfo*, const GgufTensorInfo*>> pairs;
    for (const GgufTensorInfo& t : f->tensors()) {
        const bool a = t.name.ends_with(kA), b = t.name.ends_with(kB);
        if (!a && !b) f->fail("tensor \"" + t.name + "\"", "is neither a .lora_a nor a .lora_b tensor");
        auto& p = pairs[t.name.substr(0, t.name.size() - kA.size())];
        (a ? p.first : p.second) = &t;
    }
    if (pairs.empty()) f->fail("tensors", "the adapter holds no tensors");
    int rank = 0;
    std::vector<LinearSlot> slots;
    std::map<std::string, LinearId> ids;
    for (const auto& [base, p] : pairs) {
        if (!p.first || !p.second) f->fail("tensor \"" + base + "\"", "has only one of lora_a and lora_b");
        // The export writes one adapter per fused tensor (train/lora_gguf_export.h), of
        // another rank than the others; the adapters here are one rank per linear.
        if (is_fused_tensor(model, base))
            f->fail("tensor \"" + base + "\"",
                    "adapts a fused tensor (several linears in one, as Phi-3's attn_qkv and ffn_up): loading such "
                    "an adapter is not supported; use the merged GGUF written beside it");
        LinearId id;
        if (!linear_of(base, id) || id.layer >= model.config().n_layers)
            f->fail("tensor \"" + base + "\"", "adapts no linear layer of this model");
        const WeightTensor& w = model.linear(id);
        // ggml dims: lora_a {in, rank}, lora_b {rank, out}.
        const auto& da = p.first->dims;
        const auto& db = p.second->dims;
        if (da.size() != 2 || db.size() != 2 || da[0] != w.cols || db[1] != w.rows || da[1] != db[0])
            f->fail("tensor \"" + base + "\"", "shapes do not fit the model's " + std::to_string(w.rows) + " x " +
                                                    std::to_string(w.cols) + " weight");
        if (rank == 0) rank = static_cast<int>(da[1]);
        if (da[1] != rank) f->fail("tensor \"" + base + "\"", "rank " + std::to_string(da[1]) + " where the others have " + std::to_string(rank));
        bool seen = false;
        for (LinearSlot s : slots) seen = seen || s == id.slot;
        if (!seen) slots.push_back(id.slot);
        ids[base] = id;
    }
    if (pairs.size() != slots.size() * static_cast<size_t>(model.config().n_layers))
        f->fail("tensors", "adapts " + lora_targets_text(slots) + " in some layers only (" +
                               std::to_string(pairs.size()) + " tensors for " + std::to_string(model.config().n_layers) +
                               " layers)");
    LoraSettings s;
    s.rank = rank;
    s.alpha = alpha;
    s.targets = slots;
    auto lora = std::make_unique<LoraAdapters>(model, s);
    lora->set_values(
        [&](const std::string& base_name, std::vector<float>& a, std::vector<float>& b) {
            const auto& p = pairs.at(base_name);
            a = floats_of(*f, *p.first);
            b = floats_of(*f, *p.second);
        });
    return lora;
}

}  // namespace qt
