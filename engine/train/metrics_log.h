#pragma once
// The JSONL metrics log: one object per line, per step
//   {"type":"step","step","loss","loss_plus","loss_minus","projected_grad","clipped_grad",
//    "clipped","lr","tokens","seconds","tokens_per_s","memory":{category: live bytes,...},
//    "memory_total"}
// and per evaluation {"type":"eval","step","val_loss","val_tokens","accuracy"?,"improved","seconds"}.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "train/trainer.h"

namespace qt {

nlohmann::json memory_json(const MemorySnapshot& m, bool peaks = false);
nlohmann::json step_json(const StepRecord& r);
nlohmann::json eval_json(const EvalRecord& e);

class MetricsLog {
public:
    // Appends to `path` (a resumed run continues its log).
    explicit MetricsLog(const std::string& path);
    ~MetricsLog();
    MetricsLog(const MetricsLog&) = delete;
    MetricsLog& operator=(const MetricsLog&) = delete;
    void write(const nlohmann::json& line);

private:
    std::string path_;
    std::FILE* f_ = nullptr;
};

}  // namespace qt
