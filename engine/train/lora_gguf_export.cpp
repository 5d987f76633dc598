#include "train/lora_gguf_export.h"

#include <cmath>
#include <cstring>
#include <set>
#include <stdexcept>

#include "gguf/gguf_writer.h"

namespace qt {
namespace {

// GGML_QUANT_VERSION, which convert_lora_to_gguf.py writes as general.quantization_version.
constexpr uint32_t kGgmlQuantVersion = 2;

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

std::vector<uint8_t> float_bytes(const std::vector<float>& v) {
    std::vector<uint8_t> bytes(v.size() * sizeof(float));
    std::memcpy(bytes.data(), v.data(), bytes.size());
    return bytes;
}

bool all_finite(const std::vector<float>& v) {
    for (float x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

}  // namespace

void check_lora_settings(const char* what, int rank, float alpha) {
    if (rank < 1) throw std::invalid_argument(std::string(what) + ": rank " + std::to_string(rank) + " must be at least 1");
    // llama.cpp reads alpha = 0 as "no alpha" and then scales by 1, not by 0.
    if (!std::isfinite(alpha) || alpha == 0.0f)
        throw std::invalid_argument(std::string(what) + ": alpha " + std::to_string(alpha) +
                                    " must be finite and non-zero (llama.cpp reads alpha 0 as scale 1)");
}

const GgufTensorInfo& check_lora_target(const char* what, const GgufFile& base, const std::string& base_name,
                                        int64_t in, int64_t out) {
    const GgufTensorInfo* t = base.find_tensor(base_name);
    if (!t)
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " is not in the base model " +
                                    base.path());
    if (t->dims.size() != 2)
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " has " +
                                    std::to_string(t->dims.size()) + " dimensions; an adapter needs a 2-D matrix");
    if (t->dims[0] != in || t->dims[1] != out)
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " is " +
                                    std::to_string(t->dims[1]) + " out x " + std::to_string(t->dims[0]) +
                                    " in in the base model, the adapter says " + std::to_string(out) + " out x " +
                                    std::to_string(in) + " in");
    return *t;
}

void export_lora_gguf(const std::string& path, const GgufFile& base, int rank, float alpha,
                      const std::vector<LoraTensorExport>& tensors) {
    const char* what = "export_lora_gguf";
    check_lora_settings(what, rank, alpha);
    if (tensors.empty()) throw std::invalid_argument(std::string(what) + ": no tensors to export");
    std::set<std::string> seen;
    for (const auto& t : tensors) {
        if (!seen.insert(t.base_name).second)
            throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) + " is given twice");
        // llama.cpp flips A and B of the token embedding (llm_build_inp_embd); not supported here.
        if (t.base_name == "token_embd.weight")
            throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) +
                                        ": adapters of the token embedding are not supported");
        check_lora_target(what, base, t.base_name, t.in, t.out);
        const auto r = static_cast<size_t>(rank);
        if (t.a.size() != r * static_cast<size_t>(t.in))
            throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) + ": A holds " +
                                        std::to_string(t.a.size()) + " values, rank x in = " +
                                        std::to_string(r * static_cast<size_t>(t.in)));
        if (t.b.size() != static_cast<size_t>(t.out) * r)
            throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) + ": B holds " +
                                        std::to_string(t.b.size()) + " values, out x rank = " +
                                        std::to_string(static_cast<size_t>(t.out) * r));
        if (!all_finite(t.a) || !all_finite(t.b))
            throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) +
                                        ": A or B holds a NaN or an infinity");
    }
    const GgufValue* arch = base.find("general.architecture");
    if (!arch || arch->type != GgufValueType::STRING)
        throw std::invalid_argument(std::string(what) + ": the base model " + base.path() +
                                    " has no general.architecture string (llama.cpp matches the adapter to it)");

    // Keys in the order convert_lora_to_gguf.py writes them.
    GgufWriter w;
    w.set_string("general.architecture", arch->s);
    w.set_string("general.type", "adapter");
    w.set_string("adapter.type", "lora");
    if (const GgufValue* name = base.find("general.name"); name && name->type == GgufValueType::STRING)
        w.set_string("general.name", name->s);
    w.set_f32("adapter.lora.alpha", alpha);
    w.set_u32("general.quantization_version", kGgmlQuantVersion);
    for (const auto& t : tensors) {
        w.add_tensor(t.base_name + ".lora_a", GgmlType::F32, {t.in, rank}, float_bytes(t.a));
        w.add_tensor(t.base_name + ".lora_b", GgmlType::F32, {rank, t.out}, float_bytes(t.b));
    }
    w.write(path);
}

}  // namespace qt
