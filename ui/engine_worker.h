#pragma once
// The GUI's only door to the engine. An EngineWorker lives in its own QThread
// (Qt's worker-object pattern) and owns every engine object: the backend, the
// loaded model, the dataset and the trainer. The window sends it commands as
// queued slot calls and hears back through signals carrying small value types
// (engine_events.h), so the window never waits on a computation.
//
// Training runs one optimisation step per event: after each step the worker
// queues the next, so pause, stop or a comparison queued meanwhile are handled
// between two steps, never inside one (a step perturbs and then restores the
// weights; in between the model must not be used). Each step runs under the
// engine's divergence guard (TrainingSession::step): a rejected step is rolled
// back (rolledBack), and a run given a folder (TrainConfig::out_dir) writes its
// checkpoints and metrics.jsonl there, as the CLI does, and can be resumed.
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>

#include "engine_events.h"
#include "train/train_config.h"

namespace qt {
class Backend;
struct LoadedModel;
struct Dataset;
class LlamaModel;
class MetricsLog;
class TrainingSession;
}  // namespace qt

namespace qt::ui {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    // Thread-safe: makes a running loop stop after its current step even before
    // the queued stop() arrives (used when the window closes).
    void requestStop() { stop_requested_.store(true); }
    // Thread-safe: makes computeSparseMask(request) with request.id <= `id` stop at its
    // next sequence (the worker is inside the computation, so no queued call could).
    void cancelSparseMask(quint64 id);

public slots:
    // `path`: a .gguf file, or a Hugging Face folder converted first (once, into the
    // cache: hf/hf_import.h's open_model_path), with modelConverting before it starts.
    // `device`: "cpu", "cuda", "cuda:N" or "auto" (backend/backend_factory.h).
    void loadModel(const QString& path, const QString& device);
    void loadDataset(const QString& path, int maxLength);
    // `resumeFrom`: a checkpoint to go on from (train/checkpoint.h); empty, a fresh
    // run, which replaces the checkpoint and metrics log in config.out_dir.
    void startTraining(const qt::TrainConfig& config, const QString& resumeFrom = QString());
    void pauseTraining();
    void resumeTraining();
    void stopTraining();
    void generateCompare(const qt::ui::CompareRequest& request);
    void findDevices();
    // Plans the memory of each method for the open model with these settings: the
    // sequence length and batch, QZO's minimums, LoRA's rank and targets, checkpointing.
    void planMemory(const qt::TrainConfig& config);
    // Writes the fine-tuned model as a GGUF file (train/gguf_export.h; QLoRA: merged, plus the adapter file).
    void exportModel(const QString& path);
    // Sparse ZO's mask: reads the file and checks it against the open model
    // (methods/sparse_mask.h); sparseMaskReady or sparseMaskFailed answers.
    void loadSparseMask(const QString& path);
    // Chooses the mask of the opened model's weights (methods/sensitivity.h), with
    // sparseMaskProgress after each sequence (matrix), and saves it to request.path.
    void computeSparseMask(const qt::ui::SparseMaskRequest& request);

signals:
    // A Hugging Face folder is being converted to GGUF (`type`: "Q8_0") before it opens.
    void modelConverting(const QString& folder, const QString& type);
    void modelLoaded(const qt::ui::ModelSummary& summary);
    void datasetLoaded(const qt::ui::DatasetSummary& summary);
    void memoryChanged(const qt::ui::MemoryBars& bars);
    void stepFinished(const qt::ui::StepMetrics& metrics);
    // The divergence guard rejected step `step` (1-based, as StepMetrics::step) and
    // restored the state as it was before step `toStep`; `reason` is the engine's.
    void rolledBack(int step, int toStep, const QString& reason);
    void trainingStateChanged(qt::ui::TrainingState state);
    void trainingFinished(const QString& why);
    void compareText(qt::ui::CompareSide side, const QString& text);
    void compareFinished(qt::ui::CompareSide side, const QString& stats);
    void plansReady(const qt::ui::MemoryPlans& plans);
    // `gpuNote` says why no GPU is listed (empty when there are GPUs).
    void devicesFound(const QStringList& devices, const QStringList& details, const QString& gpuNote);
    void logLine(const QString& line);
    // `context` says what was being done ("Opening the model"); `message` is the engine's own.
    void engineError(const QString& context, const QString& message);
    void busyChanged(bool busy);
    void sparseMaskProgress(const qt::ui::SparseMaskProgress& progress);
    void sparseMaskReady(const qt::ui::SparseMaskSummary& summary);
    // `context` says what was being done; `message` is the engine's reason, or says it was cancelled.
    void sparseMaskFailed(const QString& context, const QString& message, bool cancelled);

private slots:
    void runNextStep();

private:
    void publishMemory();
    void scheduleNextStep();
    // `keepState`: write the state as it stands to the run's checkpoint, so that
    // a stopped run can be resumed (not after an error: the last checkpoint stays).
    void finishTraining(const QString& why, bool keepState = true);
    ModelSummary summarize(const QString& path, const QString& ggufPath) const;
    // The model answers and datasets are read with: the last run's (trained) one, else the opened one.
    LoadedModel& current() const;
    LlamaModel& baseModel();

    QString device_ = QStringLiteral("cpu");
    std::unique_ptr<Backend> backend_;
    // The opened model, read-only. A run opens its own copy with writable weights
    // (TrainingSession) and this one is released meanwhile, so that the ledger
    // counts the weights once.
    std::unique_ptr<LoadedModel> model_;
    std::unique_ptr<Dataset> dataset_;
    QString datasetPath_;
    int datasetMaxLength_ = 0;

    // The untouched model for "before" answers, on a backend of its own so that
    // its memory does not mix into the training ledger.
    std::unique_ptr<Backend> baseBackend_;
    std::unique_ptr<LlamaModel> baseModel_;

    // The current or last run; after it ends its model is the fine-tuned one.
    TrainConfig config_;
    TrainConfig planConfig_;  // what the last plans were asked for
    std::unique_ptr<TrainingSession> session_;
    std::unique_ptr<MetricsLog> metrics_;  // config_.out_dir + "/metrics.jsonl" while a run has a folder
    TrainingState state_ = TrainingState::Idle;
    bool stepQueued_ = false;
    int clippedSteps_ = 0;
    int doneSteps_ = 0;
    double elapsed_ = 0;
    std::atomic<bool> stop_requested_{false};
    std::atomic<quint64> mask_cancelled_up_to_{0};
};

}  // namespace qt::ui
