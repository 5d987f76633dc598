#include "train/gguf_export.h"

#include <cstring>
#include <map>

#include "gguf/gguf_writer.h"

namespace qt {

void export_trained_gguf(LlamaModel& model, const std::string& path, const std::string& method) {
    std::map<std::string, const WeightTensor*> trained;
    for (const WeightTensor* w : model.trainable_linears()) trained[w->name] = w;
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
        const WeightTensor* w = it->second;
        writer.add_tensor(t.name, w->type, t.dims, [w, &backend](std::vector<uint8_t>& out) {
            out.resize(w->row_bytes * static_cast<size_t>(w->rows));
            backend.download(out.data(), w->data, out.size());
        });
    }
    writer.write(path);
}

}  // namespace qt
