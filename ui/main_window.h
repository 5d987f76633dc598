#pragma once
// QuantTune's main window: one page each for the model, the dataset, the method,
// the device, training (controls, live plots, log), memory and the before/after
// comparison; menus for sessions and settings. It owns the engine worker's
// thread and only ever talks to the worker through queued calls and signals.
// Every run gets a folder for its checkpoints (run_folder.h); Start offers to
// resume a run of the same model and method that stopped before its end, and
// at start the window offers the most recent unfinished run of any.
#include <QMainWindow>
#include <QStringList>
#include <optional>

#include "engine_events.h"
#include "run_folder.h"
#include "train/train_config.h"

class QLabel;
class QTabWidget;
class QThread;

namespace qt::ui {

class ComparePanel;
class DatasetPanel;
class DevicePanel;
class EngineWorker;
class MemoryView;
class MethodPanel;
class ModelPanel;
class TrainingPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Page { ModelPage, DatasetPage, MethodPage, DevicePage, TrainingPage, MemoryPage, ComparePage, PageCount };

    // Opens the preselected model at once when the settings say so (the default).
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ModelPanel* modelPanel() const { return model_; }
    DatasetPanel* datasetPanel() const { return dataset_; }
    MethodPanel* methodPanel() const { return method_; }
    DevicePanel* devicePanel() const { return device_; }
    TrainingPanel* trainingPanel() const { return training_; }
    MemoryView* memoryView() const { return memory_; }
    ComparePanel* comparePanel() const { return compare_; }
    QTabWidget* pages() const { return tabs_; }
    bool isModelLoaded() const { return modelLoaded_; }
    bool isDatasetLoaded() const { return datasetLoaded_; }
    bool isBusy() const { return busy_ > 0; }
    // Every engine error shown so far, "context: message", oldest first.
    const QStringList& errors() const { return errors_; }
    // The session as it would be saved: paths of the open model and data, method settings.
    bool currentConfig(TrainConfig& config, QString* why = nullptr) const;

signals:
    // A model (dataset) finished loading and its page shows it.
    void modelReady();
    void datasetReady();
    // Start was pressed: the settings the engine worker is sent for the run.
    void trainingRequested(const qt::TrainConfig& config);

public slots:
    void openModel(const QString& path);
    void openDataset(const QString& path);
    void saveSession(const QString& path);
    void loadSession(const QString& path);
    // Writes the model as the last run left it (a GGUF file the engine and llama.cpp read).
    void exportModel(const QString& path);

protected:
    void closeEvent(QCloseEvent* e) override;
    void changeEvent(QEvent* e) override;

private:
    void buildMenus();
    void connectWorker();
    void retranslate();
    void updateStartAllowed();
    void replanMemory();
    void startTraining();
    // Sends the run to the worker; `resumeFrom`: the checkpoint it goes on from, or empty.
    void launchRun(const TrainConfig& config, const QString& resumeFrom);
    // At start: the most recent unfinished run under runs_root(), offered in a dialog.
    void offerUnfinishedRun();
    // Starts pendingResume_ once its model and dataset are the open ones.
    void startPendingResume();
    void showEngineError(const QString& context, const QString& message);

    QThread* thread_;
    EngineWorker* worker_;
    QTabWidget* tabs_;
    ModelPanel* model_;
    DatasetPanel* dataset_;
    MethodPanel* method_;
    DevicePanel* device_;
    TrainingPanel* training_;
    MemoryView* memory_;
    ComparePanel* compare_;
    QLabel* status_;
    QMenu* fileMenu_;
    QMenu* settingsMenu_;
    QMenu* helpMenu_;
    QAction* openModelAction_;
    QAction* openDataAction_;
    QAction* loadSessionAction_;
    QAction* saveSessionAction_;
    QAction* exportModelAction_;
    QAction* quitAction_;
    QAction* settingsAction_;
    QAction* aboutAction_;
    bool modelLoaded_ = false;
    bool datasetLoaded_ = false;
    QString modelPath_;
    QString datasetPath_;
    QString pendingDataset_;  // opened once the model that reads it has loaded
    int busy_ = 0;
    std::optional<TrainConfig> planned_;
    std::optional<UnfinishedRun> pendingResume_;  // accepted at start; runs once its model and data are open  // the Method page's settings the plans were last asked for
    TrainingState state_ = TrainingState::Idle;
    QStringList errors_;
};

}  // namespace qt::ui
