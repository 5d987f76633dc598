#pragma once
// A run's folder (TrainConfig::out_dir) as the CLI and the app share it: the
// checkpoint, metrics.jsonl and the exported model. How a run starts in it: go on
// from a checkpoint, or start fresh without mixing two runs' logs.
#include <cstdint>
#include <memory>
#include <string>

#include "train/checkpoint.h"
#include "train/metrics_log.h"

namespace qt {

class TrainingSession;

// Whether the run that wrote this checkpoint stopped before its end (`steps` long):
// neither all its steps done nor stopped early.
bool is_unfinished(const CheckpointInfo& info, int64_t steps);

// Readies the session's run folder and returns its metrics log (null without an
// out_dir). A killed write's temporaries (util/atomic_file.h) are removed first.
// With `resume_from`, the session resumes from that checkpoint and the log keeps
// only the steps before it (the stopped run logged the later ones, this one logs
// them again). Without, the old log goes, and the old checkpoint too when
// `discard_checkpoint` (starting over an unfinished run: a kill now must not offer
// to resume the old one).
std::unique_ptr<MetricsLog> open_run_folder(TrainingSession& session, const std::string& resume_from,
                                            bool discard_checkpoint);

}  // namespace qt
