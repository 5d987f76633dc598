#include "methods/qzo_scales.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "quant/half.h"

namespace qt {

QzoScales::QzoScales(LlamaModel& model, const QzoOptions& options)
    : backend_(model.backend()), relative_(options.relative_eps) {
    if (!model.weights_writable())
        throw std::invalid_argument("QZO needs the model loaded with writable weights (LlamaLoadOptions)");
    for (WeightTensor* w : model.trainable_linears()) {
        const auto fields = quant_scale_fields(w->type);
        if (!fields) {
            skipped_.push_back(w->name);
            continue;
        }
        const auto& tr = ggml_traits(w->type);
        const int64_t blocks = w->rows * (w->cols / tr.block_size);
        for (const ScaleField& f : *fields) {
            if (f.is_min && !options.train_min) continue;
            Group g;
            g.tensor = w->name;
            g.type = w->type;
            g.field = f;
            g.view = BlockFieldView{w->storage.data(), tr.type_size, f.offset, blocks};
            g.index0 = n_;
            n_ += blocks;
            groups_.push_back(std::move(g));
        }
    }
    if (groups_.empty()) throw std::invalid_argument("QZO: no linear layer of this model has a quantization scale");
    master_ = backend_.alloc(static_cast<size_t>(n_) * sizeof(float), MemoryCategory::TrainableParameters);
    // The master starts as the file's fp16 values, exactly.
    for (Group& g : groups_) {
        std::vector<uint8_t> blocks(static_cast<size_t>(g.view.count) * g.view.block_bytes);
        backend_.download(blocks.data(), g.view.blocks, blocks.size());
        std::vector<float> values(static_cast<size_t>(g.view.count));
        for (size_t b = 0; b < values.size(); ++b) {
            uint16_t h;
            std::memcpy(&h, blocks.data() + b * g.view.block_bytes + g.view.field_offset, 2);
            values[b] = fp16_to_fp32(h);
        }
        backend_.upload(master_.f32() + g.index0, values.data(), values.size() * sizeof(float));
        for (float& v : values) v = std::fabs(v);
        const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
        std::nth_element(values.begin(), mid, values.end());
        g.median_abs = values.empty() ? 0.0f : *mid;
        g.unit = relative_ ? g.median_abs : 1.0f;
    }
}

void QzoScales::use_relative_eps() {
    relative_ = true;
    for (Group& g : groups_) g.unit = g.median_abs;
}

std::vector<StartupMessage> QzoScales::startup_messages(double eps) const {
    std::vector<StartupMessage> out;
    const std::vector<std::string> over = eps_warnings(eps);
    for (size_t i = 0; i < over.size() && i < 5; ++i) out.push_back({true, over[i]});
    char buf[512];
    if (!over.empty() && relative_) {
        std::snprintf(buf, sizeof buf, "relative eps %g moves every weight's scales by more than 10%%: lower eps", eps);
        out.push_back({true, buf});
    } else if (!over.empty()) {
        std::snprintf(buf, sizeof buf,
                      "%zu weight(s) get perturbations above 10%% of their scales: such steps wreck them; lower eps "
                      "(it is absolute), or make it relative to each weight's scales (relative_eps)",
                      over.size());
        out.push_back({true, buf});
    }
    for (std::string& line : frozen_groups()) out.push_back({false, std::move(line)});
    return out;
}

std::vector<std::string> QzoScales::frozen_groups() const {
    std::vector<std::string> lines;
    for (const Group& g : groups_) {
        if (!g.frozen()) continue;
        std::vector<float> values(static_cast<size_t>(g.view.count));
        backend_.download(values.data(), master_.f32() + g.index0, values.size() * sizeof(float));
        const auto zeros = std::count(values.begin(), values.end(), 0.0f);
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "%s (%s): %lld of its %lld block %ss are 0, so its median |%s| is 0 and the relative "
                      "perturbation has no unit for it: it stays as loaded",
                      g.tensor.c_str(), std::string(ggml_type_name(g.type)).c_str(), static_cast<long long>(zeros),
                      static_cast<long long>(g.view.count), g.field.is_min ? "min" : "scale",
                      g.field.is_min ? "min" : "scale");
        lines.emplace_back(buf);
    }
    return lines;
}

std::vector<std::string> QzoScales::eps_warnings(double eps, double max_share) const {
    std::vector<std::pair<double, const Group*>> over;
    for (const Group& g : groups_) {
        const double share = relative_ ? (g.median_abs > 0 ? eps : 0.0)
                                       : (g.median_abs > 0 ? eps / g.median_abs : INFINITY);
        if (share > max_share) over.emplace_back(share, &g);
    }
    std::sort(over.begin(), over.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> lines;
    for (const auto& [share, g] : over) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "eps %.3g is %.0f%% of the median |%s| (%.3g) of %s (%s)", eps, 100 * share,
                      g->field.is_min ? "min" : "scale", g->median_abs, g->tensor.c_str(),
                      std::string(ggml_type_name(g->type)).c_str());
        lines.emplace_back(buf);
    }
    return lines;
}

void QzoScales::perturb(ZoNoise noise, float alpha) {
    // relative_eps: alpha * s per weight, one zo_write_scales call each already.
    for (const Group& g : groups_)
        if (!g.frozen())
            backend_.zo_write_scales(g.view, master_.f32() + g.index0, alpha * g.unit, noise,
                                     static_cast<uint64_t>(g.index0));
}

void QzoScales::finish_step(ZoNoise noise, float coeff) {
    // QZO update: Delta <- max(Delta - eta d' z, 0), the bound applied to |Delta| for
    // signed scales (quant_scale_fields.h); minima are unconstrained. Groups lie back
    // to back in the master and in z, so the masters of each run of groups under the
    // same rule and unit take one update (one GPU launch, not one per weight; with
    // relative_eps units differ, so one per weight); frozen weights (unit 0) none.
    // Then every field is written from its master, which also restores when coeff is 0.
    if (coeff != 0.0f) {
        for (size_t i = 0; i < groups_.size();) {
            size_t j = i + 1;
            while (j < groups_.size() && groups_[j].field.keep_sign == groups_[i].field.keep_sign &&
                   groups_[j].unit == groups_[i].unit)
                ++j;
            const int64_t first = groups_[i].index0;
            const int64_t count = groups_[j - 1].index0 + groups_[j - 1].view.count - first;
            if (!groups_[i].frozen())
                backend_.zo_update_masters(master_.f32() + first, count, coeff * groups_[i].unit,
                                           groups_[i].field.keep_sign, noise, static_cast<uint64_t>(first));
            i = j;
        }
    }
    for (const Group& g : groups_)
        backend_.zo_write_scales(g.view, master_.f32() + g.index0, 0.0f, noise, static_cast<uint64_t>(g.index0));
}

void QzoScales::read(int64_t offset, int64_t count, float* dst) {
    if (offset < 0 || count < 0 || offset + count > n_) throw std::out_of_range("QZO scales: read past the end");
    backend_.download(dst, master_.f32() + offset, static_cast<size_t>(count) * sizeof(float));
}

void QzoScales::write(int64_t offset, int64_t count, const float* src) {
    if (offset < 0 || count < 0 || offset + count > n_) throw std::out_of_range("QZO scales: write past the end");
    backend_.upload(master_.f32() + offset, src, static_cast<size_t>(count) * sizeof(float));
    for (const Group& g : groups_)
        if (g.index0 < offset + count && g.index0 + g.view.count > offset)
            backend_.zo_write_scales(g.view, master_.f32() + g.index0, 0.0f, {}, static_cast<uint64_t>(g.index0));
}

}  // namespace qt
