#include "train/lora_gguf_export.h"

#include <cmath>
#include <cstring>
#include <map>
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

namespace {

// The base tensor of an adapter: there, a 2-D matrix of `in` columns.
const GgufTensorInfo& lora_base_matrix(const char* what, const GgufFile& base, const std::string& base_name,
                                       int64_t in) {
    const GgufTensorInfo* t = base.find_tensor(base_name);
    if (!t)
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " is not in the base model " +
                                    base.path());
    if (t->dims.size() != 2)
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " has " +
                                    std::to_string(t->dims.size()) + " dimensions; an adapter needs a 2-D matrix");
    if (t->dims[0] != in)
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " has rows of " +
                                    std::to_string(t->dims[0]) + " in the base model, the adapter says " +
                                    std::to_string(in) + " in");
    return *t;
}

}  // namespace

const GgufTensorInfo& check_lora_target(const char* what, const GgufFile& base, const std::string& base_name,
                                        int64_t in, int64_t out) {
    const GgufTensorInfo* t = base.find_tensor(base_name);
    if (t && t->dims.size() == 2 && (t->dims[0] != in || t->dims[1] != out))
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " is " +
                                    std::to_string(t->dims[1]) + " out x " + std::to_string(t->dims[0]) +
                                    " in in the base model, the adapter says " + std::to_string(out) + " out x " +
                                    std::to_string(in) + " in");
    return lora_base_matrix(what, base, base_name, in);
}

const GgufTensorInfo& check_lora_part(const char* what, const GgufFile& base, const std::string& base_name,
                                      int64_t in, int64_t first_row, int64_t rows) {
    const GgufTensorInfo& t = lora_base_matrix(what, base, base_name, in);
    if (first_row < 0 || rows < 1 || first_row + rows > t.dims[1])
        throw std::invalid_argument(std::string(what) + ": tensor " + quoted(base_name) + " has " +
                                    std::to_string(t.dims[1]) + " rows; the adapter's part of rows " +
                                    std::to_string(first_row) + " to " + std::to_string(first_row + rows) +
                                    " does not lie in it");
    return t;
}

void export_lora_gguf(const std::string& path, const GgufFile& base, int rank, float alpha,
                      const std::vector<LoraTensorExport>& tensors) {
    const char* what = "export_lora_gguf";
    check_lora_settings(what, rank, alpha);
    if (tensors.empty()) throw std::invalid_argument(std::string(what) + ": no tensors to export");
    // The adapters of each file tensor, in the order first given: one, or a fused tensor's parts.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const LoraTensorExport*>> by_name;
    for (const auto& t : tensors) {
        auto& parts = by_name[t.base_name];
        if (parts.empty()) order.push_back(t.base_name);
        // llama.cpp flips A and B of the token embedding (llm_build_inp_embd); not supported here.
        if (t.base_name == "token_embd.weight")
            throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) +
                                        ": adapters of the token embedding are not supported");
        if (t.fused_part) {
            check_lora_part(what, base, t.base_name, t.in, t.first_row, t.out);
            for (const LoraTensorExport* p : parts)
                if (!p->fused_part || (t.first_row < p->first_row + p->out && p->first_row < t.first_row + t.out))
                    throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) +
                                                " is given twice (rows " + std::to_string(t.first_row) + "-" +
                                                std::to_string(t.first_row + t.out - 1) + " overlap another part's)");
        } else {
            if (!parts.empty())
                throw std::invalid_argument(std::string(what) + ": tensor " + quoted(t.base_name) + " is given twice");
            check_lora_target(what, base, t.base_name, t.in, t.out);
        }
        parts.push_back(&t);
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
    for (const std::string& name : order) {
        const std::vector<const LoraTensorExport*>& parts = by_name.at(name);
        const LoraTensorExport& first = *parts.front();
        if (!first.fused_part) {
            w.add_tensor(name + ".lora_a", GgmlType::F32, {first.in, rank}, float_bytes(first.a));
            w.add_tensor(name + ".lora_b", GgmlType::F32, {rank, first.out}, float_bytes(first.b));
            continue;
        }
        // One adapter of rank k * rank over the whole fused tensor (see LoraTensorExport).
        const int64_t in = first.in, rows = base.find_tensor(name)->dims[1];
        const auto k = static_cast<int64_t>(parts.size());
        const int64_t fused_rank = k * rank;
        std::vector<float> a, b(static_cast<size_t>(rows * fused_rank), 0.0f);
        for (int64_t j = 0; j < k; ++j) {
            const LoraTensorExport& p = *parts[static_cast<size_t>(j)];
            a.insert(a.end(), p.a.begin(), p.a.end());
            for (int64_t o = 0; o < p.out; ++o)
                for (int r = 0; r < rank; ++r)
                    b[static_cast<size_t>((p.first_row + o) * fused_rank + j * rank + r)] =
                        static_cast<float>(k) * p.b[static_cast<size_t>(o * rank + r)];
        }
        w.add_tensor(name + ".lora_a", GgmlType::F32, {in, fused_rank}, float_bytes(a));
        w.add_tensor(name + ".lora_b", GgmlType::F32, {fused_rank, rows}, float_bytes(b));
    }
    w.write(path);
}

}  // namespace qt
