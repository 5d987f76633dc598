#include "train/gguf_export.h"

#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "gguf/gguf_writer.h"

namespace qt {

void export_trained_gguf(LlamaModel& model, const std::string& path, const std::string& method) {
    // Each file tensor's trained parts: one whole weight, or the row ranges of a fused
    // tensor (Phi-3's attn_qkv, ffn_up), written back at their rows.
    struct Part {
        int64_t first_row;
        const WeightTensor* w;
    };
    std::map<std::string, std::vector<Part>> trained;
    const std::vector<LinearId> ids = model.trainable_linear_ids();
    for (const LinearId& id : ids) {
        const LinearSource src = model.linear_source(id);
        trained[src.tensor].push_back({src.first_row, &model.linear(id)});
    }
    GgufWriter writer;
    writer.copy_metadata(model.file());
    writer.set_string("quanttune.trained_with", method);
    if (model.file().alignment() != 32) writer.set_alignment(static_cast<uint32_t>(model.file().alignment()));
    Backend& backend = model.backend();
    for (const GgufTensorInfo& t : model.file().tensors()) {
        auto it = trained.find(t.name);
        if (it == trained.end()) {
            const GgufTensorInfo* info = &t;
            writer.add_tensor(t.name, t.type, t.dims, [info](std::vector<uint8_t>& out) {
                out.assign(info->data, info->data + info->nbytes);
            });
            continue;
        }
        const std::vector<Part>& parts = it->second;
        const GgmlType type = parts.front().w->type;
        for (const Part& p : parts)
            if (p.w->type != type)
                throw std::invalid_argument("export: the parts of tensor \"" + t.name + "\" differ in type");
        writer.add_tensor(t.name, type, t.dims, [&parts, &backend, &t, type](std::vector<uint8_t>& out) {
            const size_t row_bytes = ggml_row_size(type, t.dims[0]);
            out.resize(row_bytes * static_cast<size_t>(t.dims[1]));
            for (const Part& p : parts)
                backend.download(out.data() + row_bytes * static_cast<size_t>(p.first_row), p.w->data,
                                 p.w->row_bytes * static_cast<size_t>(p.w->rows));
        });
    }
    writer.write(path);
}

}  // namespace qt
