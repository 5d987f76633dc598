#include "run_folder.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <algorithm>
#include <exception>
#include <optional>

#include "train/checkpoint.h"
#include "train/run_folder.h"
#include "util/cache_dir.h"
#include "util/host_out_of_memory.h"

namespace qt::ui {
namespace {

std::optional<bool> offers_override;

}  // namespace

QString runs_root() {
    const QString env = qEnvironmentVariable("QUANTTUNE_RUNS_DIR");
    if (!env.isEmpty()) return QDir::cleanPath(env);
    if (QStandardPaths::isTestModeEnabled())
        return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/runs");
    return QString::fromStdString(quanttune_cache_dir()) + QStringLiteral("/runs");
}

QString run_folder_for(const TrainConfig& config) {
    const QString stem = QFileInfo(QString::fromStdString(config.model)).completeBaseName();
    return runs_root() + QLatin1Char('/') + stem + QLatin1Char('-') + QString::fromStdString(config.method);
}

QString checkpoint_in(const QString& folder) { return folder + QStringLiteral("/checkpoint.qtck"); }

std::optional<UnfinishedRun> unfinished_run_in(const QString& folder, const std::string& method, int64_t steps,
                                               QString* error) {
    const QString path = checkpoint_in(folder);
    if (!QFileInfo::exists(path)) return std::nullopt;
    try {
        const CheckpointInfo info = read_checkpoint_info(path.toStdString());
        UnfinishedRun run;
        run.checkpoint = path;
        from_json(info.config, run.config);
        if (!method.empty() && run.config.method != method) return std::nullopt;
        run.next_step = info.state.next_step;
        run.steps = steps > 0 ? steps : run.config.steps;
        if (!is_unfinished(info, run.steps)) return std::nullopt;
        return run;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(qt::error_message(e));
        return std::nullopt;
    }
}

QList<UnfinishedRun> find_unfinished_runs(const QString& root) {
    QList<UnfinishedRun> runs;
    const QFileInfoList folders = QDir(root).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo& f : folders)
        if (std::optional<UnfinishedRun> run = unfinished_run_in(f.absoluteFilePath())) runs << *run;
    std::stable_sort(runs.begin(), runs.end(), [](const UnfinishedRun& a, const UnfinishedRun& b) {
        return QFileInfo(a.checkpoint).lastModified() > QFileInfo(b.checkpoint).lastModified();
    });
    return runs;
}

bool resume_offers_enabled() {
    if (offers_override) return *offers_override;
    const QString env = qEnvironmentVariable("QUANTTUNE_NO_RESUME_OFFER");
    if (!env.isEmpty() && env != QLatin1String("0")) return false;
    return !QStandardPaths::isTestModeEnabled();
}

void set_resume_offers(bool enabled) { offers_override = enabled; }

}  // namespace qt::ui
