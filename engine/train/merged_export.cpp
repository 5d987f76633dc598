#include "train/merged_export.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <map>
#include <stdexcept>

#include "gguf/gguf_writer.h"
#include "quant/dequantize.h"
#include "quant/quantize.h"
#include "train/lora_gguf_export.h"

namespace qt {
namespace {

constexpr const char* kWhat = "export_merged_gguf";

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

// update[i] for row o of a tensor, from that row's dequantized base weights w.
using UpdateRow = std::function<void(int64_t o, const float* w, double* update)>;

// A row range of a changed tensor with its own report: the whole tensor, or one
// part of a fused tensor (Phi-3's q, k, v in attn_qkv; gate, up in ffn_up).
struct MergePart {
    int64_t first_row = 0, rows = 0;
    RequantReport* report = nullptr;
};

// One changed tensor: where its base bytes are, its parts, and what is written
// (the parts' reports agree on the written type: it is the tensor's).
struct MergeTarget {
    const GgufTensorInfo* info = nullptr;
    std::vector<MergePart> parts;
    GgmlType written() const { return parts.front().report->written_type; }
};

// Sums of squares of one row; added up in row order afterwards so that the
// report does not depend on how OpenMP split the rows.
struct RowSums {
    double update = 0, error = 0, weight = 0;
    double kept = 0;  // sum of (written - W) . update
    bool finite = true;
};

// Merges, re-quantizes and measures every row of one tensor into `out`; each
// part's report measures its rows.
void merge_tensor(const MergeTarget& m, const UpdateRow& update_row, std::vector<uint8_t>& out) {
    const GgufTensorInfo& t = *m.info;
    const GgmlType written = m.written();
    const int64_t in = t.dims[0], rows = t.dims[1];
    const size_t base_row_bytes = ggml_row_size(t.type, in);
    const size_t out_row_bytes = ggml_row_size(written, in);
    out.resize(out_row_bytes * static_cast<size_t>(rows));
    std::vector<RowSums> sums(static_cast<size_t>(rows));
#pragma omp parallel
    {
        std::vector<float> w(static_cast<size_t>(in)), merged(w.size()), back(w.size());
        std::vector<double> update(w.size());
#pragma omp for schedule(static)
        for (int64_t o = 0; o < rows; ++o) {
            dequantize_row(t.type, t.data + static_cast<size_t>(o) * base_row_bytes, w.data(), in);
            update_row(o, w.data(), update.data());
            RowSums& s = sums[static_cast<size_t>(o)];
            for (int64_t i = 0; i < in; ++i) {
                merged[i] = static_cast<float>(w[i] + update[i]);
                s.finite = s.finite && std::isfinite(merged[i]);
            }
            uint8_t* dst = out.data() + static_cast<size_t>(o) * out_row_bytes;
            quantize_row(written, merged.data(), dst, in);
            dequantize_row(written, dst, back.data(), in);
            for (int64_t i = 0; i < in; ++i) {
                const double e = static_cast<double>(back[i]) - merged[i];
                s.update += update[i] * update[i];
                s.error += e * e;
                s.weight += static_cast<double>(w[i]) * w[i];
                s.kept += (static_cast<double>(back[i]) - w[i]) * update[i];
            }
        }
    }
    for (int64_t o = 0; o < rows; ++o)
        if (!sums[static_cast<size_t>(o)].finite)
            throw std::invalid_argument(std::string(kWhat) + ": tensor " + quoted(t.name) + ": merged row " +
                                        std::to_string(o) + " holds a NaN or an infinity");
    for (const MergePart& p : m.parts) {
        RowSums total;
        for (int64_t o = p.first_row; o < p.first_row + p.rows; ++o) {
            const RowSums& s = sums[static_cast<size_t>(o)];
            total.update += s.update;
            total.error += s.error;
            total.weight += s.weight;
            total.kept += s.kept;
        }
        const double n = static_cast<double>(in) * static_cast<double>(p.rows);
        p.report->rms_update = std::sqrt(total.update / n);
        p.report->rms_requant_error = std::sqrt(total.error / n);
        p.report->rms_weight = std::sqrt(total.weight / n);
        p.report->update_kept = total.update > 0 ? total.kept / total.update : 1.0;
    }
}

// Adds the part of rows first_row .. first_row + rows of tensor t to `targets`:
// the rows must lie in the tensor and not overlap another part's. A part of a
// fused tensor is reported as "NAME rows A-B".
void add_part(const std::string& what, std::map<std::string, MergeTarget>& targets, const GgufTensorInfo& t,
              int64_t first_row, int64_t rows, RequantReport& report) {
    const bool whole = first_row == 0 && rows == t.dims[1];
    if (first_row < 0 || rows < 1 || first_row + rows > t.dims[1])
        throw std::invalid_argument(what + ": tensor " + quoted(t.name) + " has " + std::to_string(t.dims[1]) +
                                    " rows; the part of rows " + std::to_string(first_row) + " to " +
                                    std::to_string(first_row + rows) + " does not lie in it");
    MergeTarget& target = targets[t.name];
    target.info = &t;
    for (const MergePart& p : target.parts)
        if (first_row < p.first_row + p.rows && p.first_row < first_row + rows)
            throw std::invalid_argument(
                what + ": tensor " + quoted(t.name) + " is given twice" +
                (whole ? std::string() : " (rows " + std::to_string(first_row) + "-" +
                                             std::to_string(first_row + rows - 1) + " overlap another part's)"));
    if (!whole)
        report.tensor = t.name + " rows " + std::to_string(first_row) + "-" + std::to_string(first_row + rows - 1);
    target.parts.push_back({first_row, rows, &report});
}

// The part of a target holding row o, or nullptr (a row of a fused tensor no part covers).
template <class Part>
const Part* part_of(const std::vector<Part>& parts, int64_t o) {
    for (const Part& p : parts)
        if (o >= p.first_row && o < p.first_row + p.rows) return &p;
    return nullptr;
}

// Fills the report of a tensor that is to be written changed, after the checks
// every export makes: known, dequantizable, whole blocks of the written type.
void plan_target(const std::string& what, const GgufTensorInfo& t, std::optional<GgmlType> out_type,
                 RequantReport& r) {
    if (!ggml_traits(t.type).dequantizable)
        throw std::invalid_argument(what + ": tensor " + quoted(t.name) + " is " + std::string(ggml_type_name(t.type)) +
                                    ", which cannot be dequantized");
    r.tensor = t.name;
    r.base_type = t.type;
    const GgmlType requested = out_type.value_or(t.type);
    r.fell_back_to_q8_0 = !quantizable(requested);
    r.written_type = r.fell_back_to_q8_0 ? GgmlType::Q8_0 : requested;
    const int64_t block = ggml_traits(r.written_type).block_size;
    if (t.dims[0] % block != 0)
        throw std::invalid_argument(what + ": tensor " + quoted(t.name) + ": rows of " + std::to_string(t.dims[0]) +
                                    " weights are not whole " + std::string(ggml_type_name(r.written_type)) +
                                    " blocks of " + std::to_string(block));
}

// Writes base with the targets' tensors replaced, each merged when the writer reaches it.
void write_merged(const GgufFile& base, const std::string& path, const std::map<std::string, MergeTarget>& targets,
                  const std::function<UpdateRow(const std::string&)>& update_of) {
    GgufWriter writer;
    writer.copy_metadata(base);
    writer.set_alignment(static_cast<uint32_t>(base.alignment()));
    for (const GgufTensorInfo& t : base.tensors()) {
        auto it = targets.find(t.name);
        if (it == targets.end()) {
            const GgufTensorInfo* info = &t;
            writer.add_tensor(t.name, t.type, t.dims, [info](std::vector<uint8_t>& out) {
                out.assign(info->data, info->data + info->nbytes);
            });
            continue;
        }
        const MergeTarget target = it->second;
        // Computed while the file is written, one tensor at a time: memory stays at one tensor.
        writer.add_tensor(t.name, target.written(), t.dims, [target, &update_of](std::vector<uint8_t>& out) {
            merge_tensor(target, update_of(target.info->name), out);
        });
    }
    writer.write(path);
}

}  // namespace

std::vector<RequantReport> export_merged_gguf(const GgufFile& base, const std::string& path, int rank, float alpha,
                                              const std::vector<LoraMergeInput>& adapters,
                                              std::optional<GgmlType> out_type) {
    check_lora_settings(kWhat, rank, alpha);
    if (adapters.empty()) throw std::invalid_argument(std::string(kWhat) + ": no adapters to merge");
    if (out_type) ggml_traits(*out_type);  // throws for a number ggml does not define

    // Every check before anything is written; reports in the order of `adapters`.
    std::vector<RequantReport> reports(adapters.size());
    std::map<std::string, MergeTarget> targets;
    std::map<std::string, std::vector<const LoraMergeInput*>> by_name;
    for (size_t k = 0; k < adapters.size(); ++k) {
        const LoraMergeInput& ad = adapters[k];
        const GgufTensorInfo& t = ad.fused_part ? check_lora_part(kWhat, base, ad.base_name, ad.in, ad.first_row, ad.out)
                                                : check_lora_target(kWhat, base, ad.base_name, ad.in, ad.out);
        if (!ad.a || !ad.b)
            throw std::invalid_argument(std::string(kWhat) + ": tensor " + quoted(ad.base_name) +
                                        ": A or B is a null pointer");
        plan_target(kWhat, t, out_type, reports[k]);
        add_part(kWhat, targets, t, ad.fused_part ? ad.first_row : 0, ad.out, reports[k]);
        by_name[ad.base_name].push_back(&ad);
    }
    const double scale = static_cast<double>(alpha) / rank;
    write_merged(base, path, targets, [&](const std::string& name) -> UpdateRow {
        struct Part {
            int64_t first_row, rows;
            const LoraMergeInput* ad;
        };
        std::vector<Part> parts;
        for (const LoraMergeInput* ad : by_name.at(name)) parts.push_back({ad->fused_part ? ad->first_row : 0, ad->out, ad});
        const int64_t in = base.tensor(name).dims[0];
        // Row o of the part holding it: update[i] = scale * sum_r B[o - first_row][r] A[r][i]; 0 outside every part.
        return [parts, in, rank, scale](int64_t o, const float*, double* update) {
            std::fill(update, update + in, 0.0);
            const Part* p = part_of(parts, o);
            if (!p) return;
            const LoraMergeInput& ad = *p->ad;
            const int64_t row = o - p->first_row;
            for (int r = 0; r < rank; ++r) {
                const double coef = ad.b[row * rank + r];
                const float* a_row = ad.a + static_cast<int64_t>(r) * in;
                for (int64_t i = 0; i < in; ++i) update[i] += coef * a_row[i];
            }
            for (int64_t i = 0; i < in; ++i) update[i] *= scale;
        };
    });
    return reports;
}

std::vector<RequantReport> export_trained_weights_gguf(const GgufFile& base, const std::string& path,
                                                       const std::vector<TrainedTensor>& tensors,
                                                       std::optional<GgmlType> out_type) {
    const std::string what = "export_trained_weights_gguf";
    if (tensors.empty()) throw std::invalid_argument(what + ": no trained tensors");
    if (out_type) ggml_traits(*out_type);
    std::vector<RequantReport> reports(tensors.size());
    std::map<std::string, MergeTarget> targets;
    std::map<std::string, std::vector<const TrainedTensor*>> by_name;
    for (size_t k = 0; k < tensors.size(); ++k) {
        const TrainedTensor& tt = tensors[k];
        const GgufTensorInfo* t = base.find_tensor(tt.base_name);
        if (!t) throw std::invalid_argument(what + ": the base file has no tensor " + quoted(tt.base_name));
        if (t->dims.size() != 2 || !tt.values)
            throw std::invalid_argument(what + ": tensor " + quoted(tt.base_name) + " is not a matrix with values");
        plan_target(what, *t, out_type, reports[k]);
        add_part(what, targets, *t, tt.first_row, tt.rows > 0 ? tt.rows : t->dims[1], reports[k]);
        by_name[tt.base_name].push_back(&tt);
    }
    // The trained values of the tensor being written, each part's; one tensor is held at a time.
    struct Part {
        int64_t first_row, rows;
        std::vector<float> values;
    };
    auto held = std::make_shared<std::vector<Part>>();
    write_merged(base, path, targets, [&](const std::string& name) -> UpdateRow {
        const GgufTensorInfo& info = *base.find_tensor(name);
        const int64_t in = info.dims[0];
        held->clear();
        for (const TrainedTensor* tt : by_name.at(name)) {
            const int64_t rows = tt->rows > 0 ? tt->rows : info.dims[1];
            held->push_back({tt->first_row, rows, tt->values()});
            if (static_cast<int64_t>(held->back().values.size()) != in * rows)
                throw std::invalid_argument(what + ": tensor " + quoted(name) +
                                            ": the trained values do not match its shape");
        }
        // Rows no part covers: update 0, the base values re-quantized.
        return [held, in](int64_t o, const float* w, double* update) {
            const Part* p = part_of(*held, o);
            if (!p) {
                std::fill(update, update + in, 0.0);
                return;
            }
            const float* row = p->values.data() + (o - p->first_row) * in;
            for (int64_t i = 0; i < in; ++i) update[i] = static_cast<double>(row[i]) - w[i];
        };
    });
    return reports;
}

}  // namespace qt
