#pragma once
// Where the GUI's runs keep their checkpoints and metrics log: one folder per
// model file and method, <cache>/runs/<model file stem>-<method>, so that a run
// cut short (a crash, a full disk, the window closed mid-run) can be found and
// resumed from its checkpoint (train/checkpoint.h). A folder holds an unfinished
// run when its checkpoint stopped before the run's last step, and not because
// the validation loss stopped improving.
#include <QList>
#include <QString>
#include <optional>

#include "train/train_config.h"

namespace qt::ui {

// QUANTTUNE_RUNS_DIR when it is set; under Qt's test mode
// (QStandardPaths::setTestModeEnabled) the test cache's "runs" folder, so that
// tests never touch the user's runs; else qt::quanttune_cache_dir() + "/runs".
QString runs_root();
// runs_root() + "/<model file stem>-<method>" for config.model and config.method.
QString run_folder_for(const TrainConfig& config);
// The checkpoint a run in `folder` writes (TrainingSession::checkpoint_path).
QString checkpoint_in(const QString& folder);

struct UnfinishedRun {
    QString checkpoint;    // <folder>/checkpoint.qtck
    TrainConfig config;    // the run's settings as the checkpoint holds them
    qint64 next_step = 0;  // steps done (the run goes on with step next_step + 1)
    qint64 steps = 0;      // of the run
};

// The run whose checkpoint is in `folder`, when it trained `method` (any when
// empty) and stopped before `steps` steps (the checkpoint's own setting when
// steps <= 0), not stopped early. nullopt without a checkpoint, for a finished
// run, or for a checkpoint that cannot be read (`error` says why).
std::optional<UnfinishedRun> unfinished_run_in(const QString& folder, const std::string& method = {},
                                               int64_t steps = 0, QString* error = nullptr);
// Every unfinished run under `root` (one folder deep), the most recently written first.
QList<UnfinishedRun> find_unfinished_runs(const QString& root);

// Whether the window offers to resume an unfinished run (at start and on Start).
// Off under Qt's test mode, when QUANTTUNE_NO_RESUME_OFFER is set to anything but
// "0", or after set_resume_offers(false): then Start starts over.
bool resume_offers_enabled();
void set_resume_offers(bool enabled);

}  // namespace qt::ui
