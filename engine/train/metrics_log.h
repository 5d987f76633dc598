#pragma once
// The JSONL metrics log: one object per line, per step
//   {"type":"step","step","loss","loss_plus","loss_minus","projected_grad","clipped_grad",
//    "clipped","lr","tokens","seconds","tokens_per_s","memory":{category: live bytes,...},
//    "memory_total"}
// per evaluation {"type":"eval","step","val_loss","val_tokens","accuracy"?,"improved","seconds"},
// per rollback of the divergence guard {"type":"rollback","step","to_step","reason","lr_scale","in_a_row"},
// and when the guard stops the run {"type":"stopped","reason"}.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "train/divergence_guard.h"
#include "train/trainer.h"

namespace qt {

nlohmann::json memory_json(const MemorySnapshot& m, bool peaks = false);
nlohmann::json step_json(const StepRecord& r);
nlohmann::json eval_json(const EvalRecord& e);
nlohmann::json rollback_json(const RollbackEvent& e);
nlohmann::json stopped_json(const std::string& reason);

// A resumed run logs again the steps after its checkpoint: keeps the lines of steps
// before `next_step` (evaluations up to it) and drops the rest, a line cut short by
// a kill included. Rewritten atomically; a missing log is left missing.
void trim_metrics_log(const std::string& path, int64_t next_step);

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
