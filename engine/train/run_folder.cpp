#include "train/run_folder.h"

#include <filesystem>

#include "train/training_session.h"

namespace qt {

bool is_unfinished(const CheckpointInfo& info, int64_t steps) {
    return info.state.next_step < steps && !info.state.stopped_early;
}

std::unique_ptr<MetricsLog> open_run_folder(TrainingSession& session, const std::string& resume_from,
                                            bool discard_checkpoint) {
    const std::string& dir = session.config().out_dir;
    if (dir.empty()) {
        if (!resume_from.empty()) session.resume(resume_from);
        return nullptr;
    }
    std::filesystem::create_directories(dir);
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.is_regular_file() && entry.path().filename().string().find(".tmp-") != std::string::npos)
            std::filesystem::remove(entry.path(), ec);
    const std::string log = dir + "/metrics.jsonl";
    if (!resume_from.empty()) {
        session.resume(resume_from);
        trim_metrics_log(log, session.trainer().state().next_step);
    } else {
        std::filesystem::remove(log);
        if (discard_checkpoint) std::filesystem::remove(session.checkpoint_path());
    }
    return std::make_unique<MetricsLog>(log);
}

}  // namespace qt
