#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>
#include <QTimer>
#include <exception>
#include <tuple>

#include "compare_panel.h"
#include "dataset_panel.h"
#include "device_panel.h"
#include "engine_worker.h"
#include "memory_view.h"
#include "method_panel.h"
#include "model_panel.h"
#include "session_file.h"
#include "settings_dialog.h"
#include "sparse_mask_panel.h"
#include "training_panel.h"
#include "training_plots.h"
#include "util/host_out_of_memory.h"

// The .qrc lives in a static library: its registration must be pulled in by name.
static void init_quanttune_resources() { Q_INIT_RESOURCE(quanttune); }

namespace qt::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    init_quanttune_resources();
    register_engine_event_types();
    setObjectName("mainWindow");
    resize(1280, 860);

    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("pages");
    model_ = new ModelPanel(tabs_);
    dataset_ = new DatasetPanel(tabs_);
    method_ = new MethodPanel(tabs_);
    device_ = new DevicePanel(tabs_);
    training_ = new TrainingPanel(tabs_);
    memory_ = new MemoryView(tabs_);
    compare_ = new ComparePanel(tabs_);
    for (QWidget* w : std::initializer_list<QWidget*>{model_, dataset_, method_, device_, training_, memory_, compare_})
        tabs_->addTab(w, QString());
    setCentralWidget(tabs_);
    status_ = new QLabel(this);
    statusBar()->addWidget(status_, 1);

    thread_ = new QThread(this);
    thread_->setObjectName("engineThread");
    worker_ = new EngineWorker;
    worker_->moveToThread(thread_);
    connectWorker();
    thread_->start();

    buildMenus();
    retranslate();
    updateStartAllowed();
    compare_->setPrompt(tr("Give me three tips for learning a new language."));

    QMetaObject::invokeMethod(worker_, &EngineWorker::findDevices, Qt::QueuedConnection);
    if (SettingsDialog::openModelAtStart() && QFileInfo::exists(model_->selectedPath())) openModel(model_->selectedPath());
    // Once the window shows (and the preselected model is on its way): a run cut short last time.
    if (resume_offers_enabled()) QTimer::singleShot(0, this, &MainWindow::offerUnfinishedRun);
}

MainWindow::~MainWindow() {
    worker_->requestStop();
    thread_->quit();
    thread_->wait();
    delete worker_;  // its thread has ended: the engine objects are freed here, between steps
}

void MainWindow::connectWorker() {
    EngineWorker* w = worker_;
    connect(w, &EngineWorker::modelLoaded, this, [this](const ModelSummary& s) {
        modelLoaded_ = true;
        modelPath_ = s.path;
        datasetLoaded_ = false;  // a dataset is tokenized by its model: read it again
        model_->showSummary(s);
        // A mask belongs to one model: the one in use is checked against the new one.
        method_->sparseMaskPanel()->setModelPath(s.gguf_path.isEmpty() ? s.path : s.gguf_path);
        method_->sparseMaskPanel()->check();
        const QString data = !pendingDataset_.isEmpty() ? pendingDataset_ : datasetPath_;
        pendingDataset_.clear();
        if (!data.isEmpty()) openDataset(data);
        updateStartAllowed();
        replanMemory();
        emit modelReady();
    });
    connect(w, &EngineWorker::datasetLoaded, this, [this](const DatasetSummary& s) {
        datasetLoaded_ = true;
        datasetPath_ = s.path;
        dataset_->showSummary(s);
        updateStartAllowed();
        emit datasetReady();
        startPendingResume();
    });
    connect(w, &EngineWorker::plansReady, model_, &ModelPanel::showPlans);
    connect(w, &EngineWorker::plansReady, this, [this](const MemoryPlans& p) { memory_->showPlans(p.plans); });
    connect(w, &EngineWorker::memoryChanged, memory_, &MemoryView::showLive);
    connect(w, &EngineWorker::memoryChanged, this,
            [this](const MemoryBars& b) { model_->setCapacity(b.capacity, b.device); });
    connect(w, &EngineWorker::stepFinished, training_, &TrainingPanel::showStep);
    connect(w, &EngineWorker::rolledBack, this,
            [this](int step, int, const QString& reason) { training_->plots()->addRollback(step, reason); });
    connect(w, &EngineWorker::trainingStateChanged, this, [this](TrainingState s) {
        state_ = s;
        training_->showState(s);
        updateStartAllowed();
    });
    connect(w, &EngineWorker::trainingFinished, this,
            [this](const QString& why) { status_->setText(tr("Training %1.").arg(why)); });
    connect(w, &EngineWorker::logLine, training_, &TrainingPanel::appendLog);
    connect(w, &EngineWorker::engineError, this, &MainWindow::showEngineError);
    connect(w, &EngineWorker::modelConverting, model_, &ModelPanel::showConverting);
    connect(w, &EngineWorker::compareText, compare_, &ComparePanel::appendText);
    connect(w, &EngineWorker::compareFinished, compare_, &ComparePanel::finishSide);
    connect(w, &EngineWorker::devicesFound, device_, &DevicePanel::showDevices);
    connect(w, &EngineWorker::busyChanged, this, [this](bool busy) {
        busy_ += busy ? 1 : -1;
        compare_->setBusy(busy_ > 0);
        status_->setText(busy_ > 0 ? tr("Working…") : tr("Ready."));
    });

    SparseMaskPanel* mask = method_->sparseMaskPanel();
    connect(mask, &SparseMaskPanel::loadRequested, w, &EngineWorker::loadSparseMask);
    connect(mask, &SparseMaskPanel::computeRequested, w, &EngineWorker::computeSparseMask);
    // The worker is inside the computation: a queued call would wait for its end.
    connect(mask, &SparseMaskPanel::cancelRequested, this, [w](quint64 id) { w->cancelSparseMask(id); });
    connect(w, &EngineWorker::sparseMaskProgress, mask, &SparseMaskPanel::showProgress);
    connect(w, &EngineWorker::sparseMaskReady, mask, &SparseMaskPanel::showMask);
    connect(w, &EngineWorker::sparseMaskFailed, this,
            [this, mask](const QString& context, const QString& message, bool cancelled) {
                // Shown in the mask's box, not in a dialog: the user is looking at it.
                if (!cancelled) errors_ << context + QStringLiteral(": ") + message;
                training_->appendLog(cancelled ? tr("%1: %2").arg(context, message)
                                               : tr("Error — %1: %2").arg(context, message));
                mask->showFailure(context, message, cancelled);
            });

    connect(model_, &ModelPanel::openRequested, this, &MainWindow::openModel);
    connect(dataset_, &DatasetPanel::openRequested, this, &MainWindow::openDataset);
    connect(method_, &MethodPanel::changed, this, &MainWindow::updateStartAllowed);
    connect(method_, &MethodPanel::changed, this, &MainWindow::replanMemory);
    connect(device_, &DevicePanel::refreshRequested, w, &EngineWorker::findDevices);
    connect(training_, &TrainingPanel::startClicked, this, &MainWindow::startTraining);
    connect(training_, &TrainingPanel::pauseClicked, w, &EngineWorker::pauseTraining);
    connect(training_, &TrainingPanel::resumeClicked, w, &EngineWorker::resumeTraining);
    connect(training_, &TrainingPanel::stopClicked, w, &EngineWorker::stopTraining);
    connect(compare_, &ComparePanel::compareRequested, w, &EngineWorker::generateCompare);
}

void MainWindow::buildMenus() {
    fileMenu_ = menuBar()->addMenu(QString());
    openModelAction_ = fileMenu_->addAction(QString(), this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open a model"), model_->selectedPath(),
                                                       tr("GGUF models (*.gguf);;All files (*)"));
        if (!p.isEmpty()) openModel(p);
    });
    openModelAction_->setShortcut(QKeySequence::Open);
    openDataAction_ = fileMenu_->addAction(QString(), this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Open a dataset"), dataset_->path(),
                                                       tr("Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)"));
        if (!p.isEmpty()) openDataset(p);
    });
    fileMenu_->addSeparator();
    loadSessionAction_ = fileMenu_->addAction(QString(), this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Load a session"), QString(), tr("Sessions (*.json)"));
        if (!p.isEmpty()) loadSession(p);
    });
    saveSessionAction_ = fileMenu_->addAction(QString(), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Save the session"), QStringLiteral("session.json"),
                                                       tr("Sessions (*.json)"));
        if (!p.isEmpty()) saveSession(p);
    });
    saveSessionAction_->setShortcut(QKeySequence::Save);
    exportModelAction_ = fileMenu_->addAction(QString(), this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export the fine-tuned model"),
                                                       QStringLiteral("fine-tuned.gguf"), tr("GGUF models (*.gguf);;All files (*)"));
        if (!p.isEmpty()) exportModel(p);
    });
    fileMenu_->addSeparator();
    quitAction_ = fileMenu_->addAction(QString(), this, &QWidget::close);
    quitAction_->setShortcut(QKeySequence::Quit);
    settingsMenu_ = menuBar()->addMenu(QString());
    settingsAction_ = settingsMenu_->addAction(QString(), this, [this] { SettingsDialog(this).exec(); });
    helpMenu_ = menuBar()->addMenu(QString());
    aboutAction_ = helpMenu_->addAction(QString(), this, [this] {
        QMessageBox::about(this, tr("About QuantTune"),
                           tr("<b>QuantTune %1</b><br>Fine-tunes quantized language models on the computer you have: "
                              "zeroth-order (QZO, MeZO) or through the backward pass (QLoRA, full fine-tuning with AdamW).")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::openModel(const QString& path) {
    if (path.isEmpty()) return;
    model_->setSelectedPath(path);
    model_->showOpening(path);
    const QString device = device_->selectedDevice();
    QMetaObject::invokeMethod(worker_, [w = worker_, path, device] { w->loadModel(path, device); }, Qt::QueuedConnection);
}

void MainWindow::openDataset(const QString& path) {
    if (path.isEmpty()) return;
    dataset_->setPath(path);
    datasetPath_ = path;
    if (!modelLoaded_) {
        pendingDataset_ = path;
        return;
    }
    datasetLoaded_ = false;
    updateStartAllowed();
    TrainConfig c;
    method_->readConfig(c);
    const int maxLength = c.max_length;
    QMetaObject::invokeMethod(worker_, [w = worker_, path, maxLength] { w->loadDataset(path, maxLength); },
                              Qt::QueuedConnection);
}

bool MainWindow::currentConfig(TrainConfig& config, QString* why) const {
    config.model = modelPath_.isEmpty() ? model_->selectedPath().toStdString() : modelPath_.toStdString();
    config.data = (datasetPath_.isEmpty() ? dataset_->path() : datasetPath_).toStdString();
    return method_->readConfig(config, why);
}

void MainWindow::replanMemory() {
    TrainConfig c;
    if (!modelLoaded_ || !method_->readConfig(c)) return;
    // Only the settings the plans depend on (memory/training_memory_plan.h's MemoryPlanShape).
    auto shape = [](const TrainConfig& x) {
        return std::tie(x.max_length, x.batch_size, x.train_min, x.lora_rank, x.lora_targets, x.checkpoint_activations,
                        x.galore_rank, x.galore_weight_group, x.galore_proj_group, x.sparse_mask, x.sparse_train_scales);
    };
    if (planned_ && shape(*planned_) == shape(c)) return;
    planned_ = c;
    QMetaObject::invokeMethod(worker_, [w = worker_, c] { w->planMemory(c); }, Qt::QueuedConnection);
}

void MainWindow::updateStartAllowed() {
    QString why;
    TrainConfig c;
    if (!modelLoaded_) why = tr("Open a model first (Model page).");
    else if (!datasetLoaded_) why = tr("Open a dataset first (Dataset page).");
    else if (method_->sparseMaskPanel()->isComputing()) why = tr("Wait until the mask is computed (Method page).");
    else if (!method_->readConfig(c, &why)) why = tr("Fix the settings on the Method page: %1").arg(why);
    training_->setStartAllowed(why.isEmpty(), why);
}

void MainWindow::startTraining() {
    TrainConfig c;
    QString why;
    if (!currentConfig(c, &why)) {
        showEngineError(tr("Starting training"), why);
        return;
    }
    // Every run has a folder: its checkpoints and metrics.jsonl (the CLI's --out).
    const QString folder = run_folder_for(c);
    c.out_dir = folder.toStdString();
    const std::optional<UnfinishedRun> unfinished = unfinished_run_in(folder, c.method, c.steps);
    if (!unfinished || !resume_offers_enabled()) {
        launchRun(c, QString());  // a fresh run: the worker replaces the old checkpoint
        return;
    }
    // Not blocking: the engine goes on reporting while the question is open.
    auto* box = new QMessageBox(QMessageBox::Question, tr("Resume the unfinished run?"),
                                tr("A %1 run of this model stopped after step %2 of %3. Go on from there, or start over "
                                   "(its checkpoint is replaced)?")
                                    .arg(QString::fromStdString(c.method))
                                    .arg(unfinished->next_step)
                                    .arg(c.steps),
                                QMessageBox::Cancel, this);
    box->setObjectName("resumeRunDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* resume = box->addButton(tr("Resume from step %1").arg(unfinished->next_step + 1), QMessageBox::AcceptRole);
    resume->setObjectName("resumeButton");
    QPushButton* over = box->addButton(tr("Start over"), QMessageBox::DestructiveRole);
    over->setObjectName("startOverButton");
    box->setDefaultButton(resume);
    const QString checkpoint = unfinished->checkpoint;
    connect(box, &QMessageBox::buttonClicked, this, [this, resume, over, c, checkpoint](QAbstractButton* b) {
        if (b == resume) launchRun(c, checkpoint);
        else if (b == over) launchRun(c, QString());
    });
    box->open();
}

void MainWindow::launchRun(const TrainConfig& c, const QString& resumeFrom) {
    training_->prepareRun(static_cast<int>(c.steps));
    tabs_->setCurrentWidget(training_);
    emit trainingRequested(c);
    QMetaObject::invokeMethod(worker_, [w = worker_, c, resumeFrom] { w->startTraining(c, resumeFrom); },
                              Qt::QueuedConnection);
}

void MainWindow::offerUnfinishedRun() {
    const QList<UnfinishedRun> runs = find_unfinished_runs(runs_root());
    if (runs.isEmpty()) return;
    const UnfinishedRun run = runs.first();
    auto* box = new QMessageBox(QMessageBox::Question, tr("Resume the unfinished run?"),
                                tr("A run stopped before its end:\n\nmodel: %1\nmethod: %2\nstep %3 of %4\n\n"
                                   "Open its model and dataset and go on from there?")
                                    .arg(QFileInfo(QString::fromStdString(run.config.model)).fileName(),
                                         QString::fromStdString(run.config.method))
                                    .arg(run.next_step)
                                    .arg(run.steps),
                                QMessageBox::No, this);
    box->setObjectName("resumeAtStartDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* resume = box->addButton(tr("Resume from step %1").arg(run.next_step + 1), QMessageBox::YesRole);
    resume->setObjectName("resumeButton");
    box->setDefaultButton(resume);
    connect(box, &QMessageBox::buttonClicked, this, [this, resume, run](QAbstractButton* b) {
        if (b != resume) return;
        const QString model = QString::fromStdString(run.config.model);
        const QString data = QString::fromStdString(run.config.data);
        if (!QFileInfo::exists(model) || !QFileInfo::exists(data)) {
            showEngineError(tr("Resuming the run"),
                            tr("The run's model %1 or dataset %2 is no longer there.").arg(model, data));
            return;
        }
        pendingResume_ = run;
        method_->setConfig(run.config);
        dataset_->setPath(data);
        if (modelLoaded_ && modelPath_ == model) {
            openDataset(data);
        } else {
            pendingDataset_ = data;
            datasetPath_ = data;
            openModel(model);
        }
    });
    box->open();
}

void MainWindow::startPendingResume() {
    if (!pendingResume_ || state_ != TrainingState::Idle) return;
    const TrainConfig& c = pendingResume_->config;
    if (modelPath_ != QString::fromStdString(c.model) || datasetPath_ != QString::fromStdString(c.data)) return;
    const UnfinishedRun run = *pendingResume_;
    pendingResume_.reset();
    launchRun(run.config, run.checkpoint);
}

void MainWindow::exportModel(const QString& path) {
    QMetaObject::invokeMethod(worker_, [w = worker_, path] { w->exportModel(path); }, Qt::QueuedConnection);
}

void MainWindow::saveSession(const QString& path) {
    TrainConfig c;
    QString why;
    if (!currentConfig(c, &why)) {
        showEngineError(tr("Saving the session"), why);
        return;
    }
    try {
        save_session(path, c);
        status_->setText(tr("Session saved to %1.").arg(path));
    } catch (const std::exception& e) {
        showEngineError(tr("Saving the session"), QString::fromStdString(qt::error_message(e)));
    }
}

void MainWindow::loadSession(const QString& path) {
    try {
        const TrainConfig c = load_session(path);
        method_->setConfig(c);
        if (!c.data.empty()) pendingDataset_ = QString::fromStdString(c.data);
        if (!c.data.empty()) dataset_->setPath(pendingDataset_);
        if (!c.model.empty()) openModel(QString::fromStdString(c.model));
        else if (!c.data.empty()) openDataset(pendingDataset_);
        status_->setText(tr("Session loaded from %1.").arg(path));
    } catch (const std::exception& e) {
        showEngineError(tr("Loading the session"), QString::fromStdString(qt::error_message(e)));
    }
}

void MainWindow::showEngineError(const QString& context, const QString& message) {
    errors_ << context + QStringLiteral(": ") + message;
    model_->showOpenFailed();  // a model that was on its way is not coming
    pendingResume_.reset();  // a run accepted at start whose model or data failed to open
    training_->appendLog(tr("Error — %1: %2").arg(context, message));
    // Window-modal but not blocking: the engine keeps reporting while it is open.
    auto* box = new QMessageBox(QMessageBox::Warning, context, message, QMessageBox::Ok, this);
    box->setObjectName("engineErrorDialog");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("Nothing was lost: your settings and the loaded model stay as they were."));
    box->open();
}

void MainWindow::closeEvent(QCloseEvent* e) {
    if (state_ != TrainingState::Idle) {
        const auto answer = QMessageBox::question(
            this, tr("Training is running"),
            tr("A training run is in progress. Stop it after the current step and quit?"),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            e->ignore();
            return;
        }
        worker_->requestStop();
        QMetaObject::invokeMethod(worker_, &EngineWorker::stopTraining, Qt::QueuedConnection);
    }
    e->accept();
}

void MainWindow::retranslate() {
    setWindowTitle(tr("QuantTune — fine-tune quantized language models"));
    tabs_->setTabText(ModelPage, tr("Model"));
    tabs_->setTabText(DatasetPage, tr("Dataset"));
    tabs_->setTabText(MethodPage, tr("Method"));
    tabs_->setTabText(DevicePage, tr("Device"));
    tabs_->setTabText(TrainingPage, tr("Training"));
    tabs_->setTabText(MemoryPage, tr("Memory"));
    tabs_->setTabText(ComparePage, tr("Compare"));
    fileMenu_->setTitle(tr("&File"));
    openModelAction_->setText(tr("Open &model…"));
    openDataAction_->setText(tr("Open &dataset…"));
    loadSessionAction_->setText(tr("&Load session…"));
    saveSessionAction_->setText(tr("&Save session…"));
    exportModelAction_->setText(tr("&Export fine-tuned model…"));
    quitAction_->setText(tr("&Quit"));
    settingsMenu_->setTitle(tr("&Settings"));
    settingsAction_->setText(tr("&Preferences…"));
    helpMenu_->setTitle(tr("&Help"));
    aboutAction_->setText(tr("&About QuantTune"));
    status_->setText(busy_ > 0 ? tr("Working…") : tr("Ready."));
    updateStartAllowed();
}

void MainWindow::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QMainWindow::changeEvent(e);
}

}  // namespace qt::ui
