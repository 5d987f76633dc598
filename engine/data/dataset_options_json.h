#pragma once
// DatasetOptions <-> JSON, for the training config file (`--config`) and the
// GUI's saved sessions. Every key is optional on reading (missing keys keep the
// defaults); an unknown key, a wrong type or an unknown enum name throws
// DatasetError naming the key ("data.loss_on: expected one of completion, all").
//
// {"format": "jsonl"|"json-array"|"csv"|"text"|null, "max_rows": 0,
//  "csv": {"prompt": "", "completion": "", "text": "", "label": "", "delimiter": ""},
//  "strict": false, "loss_on": "completion"|"all", "chat_template": "auto"|"always"|"never",
//  "system_prompt": "", "max_length": 1024, "overlong": "truncate"|"skip",
//  "window_length": 256, "window_stride": 0, "add_eos_to_text": true, "label_words": []}
#include <nlohmann/json_fwd.hpp>

#include "data/dataset.h"
#include "data/dataset_split.h"
#include "data/length_batches.h"

namespace qt {

void to_json(nlohmann::json& j, const DatasetOptions& o);
void from_json(const nlohmann::json& j, DatasetOptions& o);

// {"validation_fraction": 0.1, "validation_count": 0, "seed": 0}
void to_json(nlohmann::json& j, const SplitOptions& o);
void from_json(const nlohmann::json& j, SplitOptions& o);

// {"batch_size": 8, "pool_batches": 16, "seed": 0}
void to_json(nlohmann::json& j, const LengthBatchOptions& o);
void from_json(const nlohmann::json& j, LengthBatchOptions& o);

}  // namespace qt
