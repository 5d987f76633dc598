#pragma once
// Exports the model as trained: every tensor and metadata key of the source file,
// with the trained matrices taken from the model. QZO's matrices keep their
// quant type with the trained scales in their fp16 fields (fp16(master), the
// values the model computed with); MeZO's float32 matrices are written as F32.
// Written atomically (util/atomic_file.h).
#include <string>

#include "model/llama_model.h"

namespace qt {

void export_trained_gguf(LlamaModel& model, const std::string& path, const std::string& method);

}  // namespace qt
