#include "methods/float_weight_copy.h"

#include <vector>

#include "quant/dequantize.h"

namespace qt {

std::vector<float> host_float_values(const WeightTensor& w, Backend& backend) {
    std::vector<uint8_t> blocks(w.row_bytes * static_cast<size_t>(w.rows));
    backend.download(blocks.data(), w.data, blocks.size());
    std::vector<float> values(static_cast<size_t>(w.rows * w.cols));
    for (int64_t r = 0; r < w.rows; ++r)
        dequantize_row(w.type, blocks.data() + w.row_bytes * static_cast<size_t>(r),
                       values.data() + static_cast<size_t>(r) * w.cols, w.cols);
    return values;
}

void replace_with_float32_copy(WeightTensor& w, Backend& backend, MemoryCategory category) {
    const size_t count = static_cast<size_t>(w.rows * w.cols);
    const std::vector<float> values = host_float_values(w, backend);
    WeightTensor f;
    f.name = w.name;
    f.type = GgmlType::F32;
    f.cols = w.cols;
    f.rows = w.rows;
    f.row_bytes = static_cast<size_t>(w.cols) * sizeof(float);
    f.storage = backend.alloc(count * sizeof(float), category);
    backend.upload(f.storage.data(), values.data(), count * sizeof(float));
    f.data = f.storage.data();
    w = std::move(f);
}

}  // namespace qt
