#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QThread>
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
        method_->sparseMaskPanel()->setModelPath(s.path);
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
    });
    connect(w, &EngineWorker::plansReady, model_, &ModelPanel::showPlans);
    connect(w, &EngineWorker::plansReady, this, [this](const MemoryPlans& p) { memory_->showPlans(p.plans); });
    connect(w, &EngineWorker::memoryChanged, memory_, &MemoryView::showLive);
    connect(w, &EngineWorker::memoryChanged, this,
            [this](const MemoryBars& b) { model_->setCapacity(b.capacity, b.device); });
    connect(w, &EngineWorker::stepFinished, training_, &TrainingPanel::showStep);
    connect(w, &EngineWorker::trainingStateChanged, this, [this](TrainingState s) {
        state_ = s;
        training_->showState(s);
        updateStartAllowed();
    });
    connect(w, &EngineWorker::trainingFinished, this,
            [this](const QString& why) { status_->setText(tr("Training %1.").arg(why)); });
    connect(w, &EngineWorker::logLine, training_, &TrainingPanel::appendLog);
    connect(w, &EngineWorker::engineError, this, &MainWindow::showEngineError);
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
    training_->prepareRun(static_cast<int>(c.steps));
    tabs_->setCurrentWidget(training_);
    emit trainingRequested(c);
    QMetaObject::invokeMethod(worker_, [w = worker_, c] { w->startTraining(c); }, Qt::QueuedConnection);
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
        showEngineError(tr("Saving the session"), QString::fromUtf8(e.what()));
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
        showEngineError(tr("Loading the session"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::showEngineError(const QString& context, const QString& message) {
    errors_ << context + QStringLiteral(": ") + message;
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
