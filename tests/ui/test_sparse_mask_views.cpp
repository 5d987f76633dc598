// Sparse ZO's mask in the GUI: where a mask's entries sit (the engine's
// sparse_mask_layout) and the heat map drawn from it; the Method page's mask box,
// without which a sparse-zo run does not start; the engine worker computing a mask
// on its own thread with progress and cancel, saving a file load_sparse_mask reads;
// and, in the whole window on tiny random models, a mask computed from the dialog,
// a few sparse-zo steps with the ledger's sparse categories drawn, and masks of
// another model or broken files named in the mask box without harm.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <cmath>
#include <qcustomplot.h>

#include "backend/cpu_backend.h"
#include "engine_events.h"
#include "engine_worker.h"
#include "gguf/random_llama_gguf.h"
#include "main_window.h"
#include "memory_category_text.h"
#include "memory_view.h"
#include "model_panel.h"
#include "method_panel.h"
#include "methods/sensitivity.h"
#include "methods/sparse_mask.h"
#include "methods/sparse_mask_layout.h"
#include "model/loaded_model.h"
#include "sparse_mask_dialog.h"
#include "sparse_mask_heat_map.h"
#include "sparse_mask_panel.h"
#include "train/calibration_text.h"
#include "train/training_methods.h"
#include "training_method_text.h"
#include "training_panel.h"
#include "training_plots.h"
#include "ui_language.h"

using namespace qt::ui;
using qt::LinearSlot;

namespace {

// Tiny models: a second or two at most; a failing wait stays under QtTest's 5-minute watchdog.
constexpr int kTimeoutMs = 60'000;

qt::SparseMaskMatrix matrix(const char* tensor, int64_t rows, int64_t cols, std::vector<uint32_t> index) {
    qt::SparseMaskMatrix m;
    m.tensor = tensor;
    m.rows = rows;
    m.cols = cols;
    m.index = std::move(index);
    return m;
}

// Three blocks (the middle one absent from the mask), an output head and an embedding
// that is no linear: 23 entries of 176 weights.
qt::SparseMask hand_made_mask() {
    qt::SparseMask mask;
    mask.criterion = "gradient";
    mask.scope = "global";
    mask.matrices = {matrix("blk.0.attn_q.weight", 4, 8, {0, 3, 9}),
                     matrix("blk.0.ffn_down.weight", 8, 4, {1}),
                     matrix("blk.2.attn_v.weight", 2, 8, {}),
                     matrix("blk.2.attn_output.weight", 4, 4, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}),
                     matrix("output.weight", 10, 4, {5, 6}),
                     matrix("token_embd.weight", 10, 4, {1})};
    mask.fraction = 23.0 / 176.0;
    return mask;
}

// Plain English, many windows of 32 byte-level tokens.
QString write_calibration_text(const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("calibration.txt"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    for (int i = 0; i < 40; ++i)
        f.write(QStringLiteral("It is a truth universally acknowledged, that a single man number %1 in possession of a "
                               "good fortune, must be in want of a wife.\n")
                    .arg(i)
                    .toUtf8());
    return path;
}

QString write_dataset(const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("tiny.jsonl"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    for (int i = 0; i < 8; ++i)
        f.write(QStringLiteral("{\"prompt\": \"Item %1?\", \"completion\": \"Item %1 is red.\"}\n").arg(i).toUtf8());
    return path;
}

// A mask of a random model of `layers` blocks, made by the engine alone.
void write_mask_of_random_model(const QString& model, int layers, const QString& mask) {
    qt::RandomLlamaSpec spec;
    spec.n_layers = layers;
    qt::write_random_llama_gguf(model.toStdString(), spec);
    auto backend = qt::make_cpu_backend();
    qt::LoadedModel lm = qt::LoadedModel::open(model.toStdString(), *backend);
    qt::SensitivityOptions o;
    o.criterion = qt::SensitivityCriterion::Random;
    qt::save_sparse_mask(mask.toStdString(), qt::compute_sparse_mask(*lm.model, {}, o));
}

// As MainWindowTest saves its pages: QUANTTUNE_SCREENSHOT_DIR, else the build's screenshots folder.
void save_screenshot(QWidget& window, const QString& name) {
    QString d = qEnvironmentVariable("QUANTTUNE_SCREENSHOT_DIR");
    if (d.isEmpty()) d = qEnvironmentVariable("QUANTTUNE_DEFAULT_SCREENSHOT_DIR");
    if (d.isEmpty()) d = QDir::current().filePath(QStringLiteral("screenshots"));
    QDir().mkpath(d);
    QTest::qWait(150);  // queued replots
    const QString path = QDir(d).filePath(name);
    QVERIFY2(window.grab().save(path, "PNG"), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

// The engine worker in a thread of its own, as the window runs it, with a 2-layer
// random model open (call open() and check it). Its answers are collected on this
// thread, through queued connections, as the window receives them.
struct Failure {
    QString context, message;
    bool cancelled = false;
};
struct WorkerWithTinyModel {
    QTemporaryDir dir;
    QThread thread;
    EngineWorker* worker = new EngineWorker;
    QObject inbox;  // lives on this thread: the collecting lambdas run here
    int loaded = 0;
    QList<SparseMaskProgress> progress;
    QList<SparseMaskSummary> ready;
    QList<Failure> failed;
    WorkerWithTinyModel() {
        QObject::connect(worker, &EngineWorker::modelLoaded, &inbox, [this] { ++loaded; });
        QObject::connect(worker, &EngineWorker::sparseMaskProgress, &inbox, [this](const SparseMaskProgress& p) { progress << p; });
        QObject::connect(worker, &EngineWorker::sparseMaskReady, &inbox, [this](const SparseMaskSummary& s) { ready << s; });
        QObject::connect(worker, &EngineWorker::sparseMaskFailed, &inbox,
                         [this](const QString& c, const QString& m, bool cancelled) { failed << Failure{c, m, cancelled}; });
        worker->moveToThread(&thread);
        thread.start();
    }
    ~WorkerWithTinyModel() {
        thread.quit();
        thread.wait();
        delete worker;
    }
    bool open() {
        const QString model = dir.filePath(QStringLiteral("tiny.gguf"));
        qt::write_random_llama_gguf(model.toStdString(), qt::RandomLlamaSpec{});
        QMetaObject::invokeMethod(worker, [w = worker, model] { w->loadModel(model, QStringLiteral("cpu")); },
                                  Qt::QueuedConnection);
        return QTest::qWaitFor([this] { return loaded == 1; }, kTimeoutMs);
    }
    void compute(const SparseMaskRequest& r) {
        QMetaObject::invokeMethod(worker, [w = worker, r] { w->computeSparseMask(r); }, Qt::QueuedConnection);
    }
};

}  // namespace

class SparseMaskViewsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void namesTheLinearOfGgufTensorNames();
    void layoutCountsEntriesAndWeightsPerLayerAndSlot();
    void heatMapShowsEachMatrixShareWithTooltips();
    void planTableAndMemoryViewShowTheSparseCategories();
    void maskBoxShowsTheSummaryAndIsNeededToTrainSparseZo();
    void dialogOffersThePaperChoicesAndNamesTheDefaultFile();
    void workerComputesAGradientMaskOnItsThreadWithProgress();
    void workerCancelsAComputationAndWritesNothing();
    void windowComputesAMaskTrainsSparseZoAndRefusesMasksOfOtherModels();
    void sparseZoTextsAreTranslated();
};

void SparseMaskViewsTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuantTuneTest"));
    QCoreApplication::setApplicationName(QStringLiteral("QuantTuneSparseMaskTest"));
    QSettings().clear();
    QSettings().setValue("openModelAtStart", false);  // the window opens the tiny models below, not the default one
    register_engine_event_types();
}

void SparseMaskViewsTest::namesTheLinearOfGgufTensorNames() {
    auto id = [](const char* name) { return qt::linear_of_tensor(name); };
    QVERIFY(id("blk.3.ffn_down.weight") && id("blk.3.ffn_down.weight")->layer == 3);
    QCOMPARE(id("blk.3.ffn_down.weight")->slot, LinearSlot::Down);
    const std::pair<const char*, LinearSlot> roles[] = {
        {"attn_q", LinearSlot::Q},        {"attn_k", LinearSlot::K},       {"attn_v", LinearSlot::V},
        {"attn_output", LinearSlot::O},   {"ffn_gate", LinearSlot::Gate},  {"ffn_up", LinearSlot::Up},
        {"ffn_down", LinearSlot::Down}};
    for (const auto& [role, slot] : roles) {
        const std::string name = "blk.2." + std::string(role) + ".weight";
        QVERIFY2(id(name.c_str()) && id(name.c_str())->slot == slot && id(name.c_str())->layer == 2, name.c_str());
    }
    QCOMPARE(id("blk.17.attn_output.weight")->layer, 17);
    QCOMPARE(id("blk.65535.ffn_up.weight")->layer, 65535);
    QCOMPARE(id("output.weight")->slot, LinearSlot::Head);
    for (const char* other : {"token_embd.weight", "blk.3.attn_norm.weight", "blk.3.ffn_down.bias", "blk.x.attn_q.weight",
                              "blk.03.attn_q.weight", "blk.-1.attn_q.weight", "blk..attn_q.weight", "blk.3.attn_q",
                              "blk.3.attn_qq.weight", "output_norm.weight", "blk.99999999999.attn_q.weight",
                              "blk.65536.attn_q.weight"})
        QVERIFY2(!id(other), other);
}

void SparseMaskViewsTest::layoutCountsEntriesAndWeightsPerLayerAndSlot() {
    const qt::SparseMaskLayout l = qt::sparse_mask_layout(hand_made_mask());
    QCOMPARE(l.layers, 3);
    QCOMPARE(l.cells.size(), size_t(3 * qt::kLinearSlotCount));
    QCOMPARE(l.cell(0, LinearSlot::Q).entries, int64_t(3));
    QCOMPARE(l.cell(0, LinearSlot::Q).weights, int64_t(32));
    QCOMPARE(l.cell(0, LinearSlot::Q).share(), 3.0 / 32.0);
    QCOMPARE(l.cell(0, LinearSlot::Down).entries, int64_t(1));
    QCOMPARE(l.cell(0, LinearSlot::Down).weights, int64_t(32));
    QCOMPARE(l.cell(0, LinearSlot::K).weights, int64_t(0));  // not in the mask
    for (int s = 0; s < qt::kLinearSlotCount; ++s) QCOMPARE(l.cell(1, LinearSlot(s)).weights, int64_t(0));
    QCOMPARE(l.cell(2, LinearSlot::V).entries, int64_t(0));  // in the mask with no entry
    QCOMPARE(l.cell(2, LinearSlot::V).weights, int64_t(16));
    QCOMPARE(l.cell(2, LinearSlot::V).share(), 0.0);
    QCOMPARE(l.cell(2, LinearSlot::O).share(), 1.0);
    QCOMPARE(l.head.entries, int64_t(2));
    QCOMPARE(l.head.weights, int64_t(40));
    QCOMPARE(l.unplaced, std::vector<std::string>{"token_embd.weight"});
    QCOMPARE(l.entries, int64_t(23));
    QCOMPARE(l.weights, int64_t(176));
    // A matrix named twice adds up; a mask of no matrices has no layers.
    qt::SparseMask twice = hand_made_mask();
    twice.matrices.push_back(matrix("blk.0.attn_q.weight", 4, 8, {1}));
    QCOMPARE(qt::sparse_mask_layout(twice).cell(0, LinearSlot::Q).entries, int64_t(4));
    QCOMPARE(qt::sparse_mask_layout(twice).cell(0, LinearSlot::Q).weights, int64_t(64));
    const qt::SparseMaskLayout none = qt::sparse_mask_layout(qt::SparseMask{});
    QCOMPARE(none.layers, 0);
    QVERIFY(none.cells.empty() && none.entries == 0 && none.head.weights == 0);
}

void SparseMaskViewsTest::heatMapShowsEachMatrixShareWithTooltips() {
    SparseMaskHeatMap view;
    view.resize(600, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showLayout(qt::sparse_mask_layout(hand_made_mask()));
    QCPColorMapData* d = view.map()->data();
    QCOMPARE(d->keySize(), qt::kLinearSlotCount);  // q k v o gate up down head
    QCOMPARE(d->valueSize(), 4);                   // three blocks and the head
    QCOMPARE(view.headRow(), 3);
    // Percent of each matrix's weights; NaN (grey) where the mask covers no such matrix.
    QCOMPARE(d->cell(int(LinearSlot::Q), 0), 100.0 * 3 / 32);
    QCOMPARE(d->cell(int(LinearSlot::Down), 0), 100.0 / 32);
    QVERIFY(std::isnan(d->cell(int(LinearSlot::K), 0)));
    for (int s = 0; s < qt::kLinearSlotCount; ++s) QVERIFY(std::isnan(d->cell(s, 1)));
    QCOMPARE(d->cell(int(LinearSlot::V), 2), 0.0);
    QCOMPARE(d->cell(int(LinearSlot::O), 2), 100.0);
    QCOMPARE(d->cell(int(LinearSlot::Head), 3), 100.0 * 2 / 40);
    QVERIFY(std::isnan(d->cell(int(LinearSlot::Head), 0)));
    QVERIFY(std::isnan(d->cell(int(LinearSlot::Q), 3)));
    QCOMPARE(view.map()->dataRange().lower, 0.0);
    QCOMPARE(view.map()->dataRange().upper, 100.0);
    // Column and row names.
    auto columns = view.plot()->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(columns);
    QCOMPARE(columns->ticks().value(int(LinearSlot::Gate)), QStringLiteral("gate"));
    QCOMPARE(columns->ticks().value(int(LinearSlot::Head)), QStringLiteral("head"));
    auto rows = view.plot()->yAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(rows);
    QCOMPARE(rows->ticks().value(3), QStringLiteral("head"));
    QCOMPARE(rows->ticks().value(2), QStringLiteral("2"));

    // Tooltips: entries, weights and share of the cell under the pointer.
    QVERIFY2(view.cellTooltip(0, int(LinearSlot::Q)).contains(QStringLiteral("3 entries of 32 weights: 9.3")),
             qPrintable(view.cellTooltip(0, int(LinearSlot::Q))));
    QVERIFY(view.cellTooltip(1, int(LinearSlot::Q)).isEmpty());
    QVERIFY(view.cellTooltip(3, int(LinearSlot::Head)).contains(QStringLiteral("Output head")));
    view.plot()->replot();
    const QPointF atO(view.plot()->xAxis->coordToPixel(int(LinearSlot::O)) + 3, view.plot()->yAxis->coordToPixel(2) - 3);
    const QString tip = view.tooltipAt(atO);
    QVERIFY2(tip.contains(QStringLiteral("Layer 2, o")) && tip.contains(QStringLiteral("16 entries of 16 weights: 100%")),
             qPrintable(tip));
    const QPointF outside(view.plot()->xAxis->coordToPixel(9), view.plot()->yAxis->coordToPixel(0));
    QVERIFY(view.tooltipAt(outside).isEmpty());

    view.clear();
    QVERIFY(std::isnan(view.map()->data()->cell(0, 0)));
}

// The ledger's two sparse categories, each a column of the Model page's plan table
// and a segment of the memory bar, named as the sparse-zo row of the registry names them.
void SparseMaskViewsTest::planTableAndMemoryViewShowTheSparseCategories() {
    using qt::MemoryCategory;
    qt::TrainConfig c;
    qt::use_method(c, "sparse-zo");
    const MemoryLabels labels = memory_labels_of(c);
    QCOMPARE(labels[int(MemoryCategory::SparseValues)], QStringLiteral("sparse values S (float32)"));
    QVERIFY(labels[int(MemoryCategory::TrainableParameters)].isEmpty());  // no scales trained
    c.sparse_train_scales = true;
    QCOMPARE(memory_labels_of(c)[int(MemoryCategory::TrainableParameters)], QStringLiteral("QZO scale masters"));

    ModelPanel panel;
    MemoryPlans plans;
    plans.max_tokens = 64;
    plans.batch_size = 1;
    MethodMemoryPlan p;
    p.method = QStringLiteral("sparse-zo");
    p.bytes[int(MemoryCategory::Weights)] = 10'000'000;
    p.bytes[int(MemoryCategory::SparseValues)] = 400'000;
    p.bytes[int(MemoryCategory::SparseMask)] = 500'000;
    p.labels = labels;
    plans.plans << p;
    panel.showPlans(plans);
    auto* table = panel.findChild<QTableWidget*>("memoryPlanTable");
    QCOMPARE(table->columnCount(), qt::kMemoryCategoryCount + 3);
    const int values = int(MemoryCategory::SparseValues) + 1, mask = int(MemoryCategory::SparseMask) + 1;
    QCOMPARE(table->horizontalHeaderItem(values)->text(), QStringLiteral("Sparse values"));
    QCOMPARE(table->horizontalHeaderItem(mask)->text(), QStringLiteral("Sparse mask"));
    QCOMPARE(table->item(0, values)->text(), QStringLiteral("400.0 kB"));
    QCOMPARE(table->item(0, mask)->toolTip(), QStringLiteral("sensitive-entry mask"));
    QCOMPARE(table->item(0, qt::kMemoryCategoryCount + 1)->text(), QStringLiteral("10.9 MB"));

    MemoryView view;
    view.resize(900, 500);
    MemoryBars bars;
    bars.live[int(MemoryCategory::Weights)] = 2'000'000;
    bars.live[int(MemoryCategory::Activations)] = 1'000'000;
    bars.live[int(MemoryCategory::SparseValues)] = 3'000'000;
    bars.live[int(MemoryCategory::SparseMask)] = 4'000'000;
    for (qint64 b : bars.live) bars.total_live += b;
    bars.labels = labels;
    view.showLive(bars);
    for (MemoryCategory cat : {MemoryCategory::SparseValues, MemoryCategory::SparseMask})
        QCOMPARE(view.barBytes(MemoryView::LiveColumn, cat), double(bars.live[size_t(cat)]));
    QCOMPARE(view.legendName(MemoryCategory::SparseValues), QStringLiteral("Sparse values: sparse values S (float32)"));
    // Hovering S's segment (stacked after the seven older categories) names it and says what it holds.
    view.plot()->replot();
    const double mid = (bars.live[int(MemoryCategory::Weights)] + bars.live[int(MemoryCategory::Activations)] +
                        bars.live[int(MemoryCategory::SparseValues)] / 2.0) / 1e6;
    const QPointF at(view.plot()->xAxis->coordToPixel(MemoryView::LiveColumn), view.plot()->yAxis->coordToPixel(mid));
    const QString tip = view.tooltipAt(at);
    QVERIFY2(tip.contains(QStringLiteral("sparse values S (float32)")) && tip.contains(QStringLiteral("3000000 bytes")) &&
                 tip.contains(QStringLiteral("one float per sensitive weight")),
             qPrintable(tip));
}

// The mask box is shown only for sparse-zo; without a mask the settings are refused in
// words saying what to do; a mask the worker read shows its line and heat map, goes
// into the TrainConfig, survives Safe defaults and a method switch.
void SparseMaskViewsTest::maskBoxShowsTheSummaryAndIsNeededToTrainSparseZo() {
    MethodPanel panel;
    panel.resize(1200, 900);
    SparseMaskPanel* mask = panel.sparseMaskPanel();
    QVERIFY(mask && !mask->isVisibleTo(&panel));
    auto* combo = panel.findChild<QComboBox*>("methodCombo");
    combo->setCurrentIndex(combo->findData(QStringLiteral("sparse-zo")));
    QVERIFY(mask->isVisibleTo(&panel));
    QCOMPARE(mask->title(), QStringLiteral("Sensitive-entry mask"));
    // Its registry setting, built with no code of its own.
    auto* scales = qobject_cast<QCheckBox*>(panel.settingField("sparse-zo", "sparse_train_scales"));
    QVERIFY(scales && scales->isVisibleTo(&panel));
    QCOMPARE(panel.findChild<QGroupBox*>("methodSettings_sparse-zo")->title(), QStringLiteral("Sparse ZO settings"));
    // Without a model the buttons are off; no mask: refused, saying how to get one.
    QVERIFY(!mask->findChild<QPushButton*>("computeSparseMaskButton")->isEnabled());
    QVERIFY2(panel.validationMessage().contains(QStringLiteral("needs a sensitive-entry mask")),
             qPrintable(panel.validationMessage()));
    qt::TrainConfig c;
    QVERIFY(!panel.readConfig(c));
    mask->setModelPath(QStringLiteral("/models/tiny.gguf"));
    QVERIFY(mask->findChild<QPushButton*>("computeSparseMaskButton")->isEnabled());
    QVERIFY(mask->findChild<QPushButton*>("loadSparseMaskButton")->isEnabled());

    // A load asked for and answered: the box lists the mask, the heat map shows it.
    QSignalSpy asked(mask, &SparseMaskPanel::loadRequested);
    mask->load(QStringLiteral("/masks/tiny.qtsparse"));
    QCOMPARE(asked.count(), 1);
    QCOMPARE(asked.at(0).at(0).toString(), QStringLiteral("/masks/tiny.qtsparse"));
    QVERIFY(!mask->findChild<QPushButton*>("loadSparseMaskButton")->isEnabled());  // one request at a time
    qt::SparseMask m = hand_made_mask();
    m.details = {{"captured_share", 0.875}, {"sequences", 64}, {"seconds", 3.5}};
    mask->showMask(sparse_mask_summary_of(m, QStringLiteral("/masks/tiny.qtsparse")));
    QCOMPARE(mask->path(), QStringLiteral("/masks/tiny.qtsparse"));
    QVERIFY(mask->heatMap()->isVisibleTo(&panel));
    QCOMPARE(mask->heatMap()->map()->data()->cell(int(LinearSlot::O), 2), 100.0);
    const QString summary = mask->findChild<QLabel*>("sparseMaskSummary")->text();
    QVERIFY2(summary.contains(QStringLiteral("23 sensitive entries")) && summary.contains(QStringLiteral("13.1%")) &&
                 summary.contains(QStringLiteral("176 weights")) &&
                 summary.contains(QStringLiteral("carry 87.5% of the squared gradient summed over 64 calibration")) &&
                 summary.contains(QStringLiteral("token_embd.weight")),
             qPrintable(summary));
    QVERIFY2(panel.validationMessage().isEmpty(), qPrintable(panel.validationMessage()));
    QVERIFY(panel.readConfig(c));
    QCOMPARE(c.method, std::string("sparse-zo"));
    QCOMPARE(c.sparse_mask, std::string("/masks/tiny.qtsparse"));
    QCOMPARE(c.lr, qt::kSparseZoDefaultLr);
    scales->setChecked(true);
    QVERIFY(panel.readConfig(c));
    QVERIFY(c.sparse_train_scales);

    // Safe defaults and another method keep the file (a file, not a hyperparameter).
    panel.applySafeDefaults();
    QVERIFY(panel.readConfig(c));
    QCOMPARE(c.sparse_mask, std::string("/masks/tiny.qtsparse"));
    QVERIFY(!c.sparse_train_scales);
    combo->setCurrentIndex(combo->findData(QStringLiteral("qzo")));
    QVERIFY(!mask->isVisibleTo(&panel));
    QVERIFY(panel.readConfig(c));
    QCOMPARE(c.sparse_mask, std::string("/masks/tiny.qtsparse"));

    // A session's mask is shown unchecked until the worker answers; a failed check of it drops it.
    qt::TrainConfig session;
    qt::use_method(session, "sparse-zo");
    session.sparse_mask = "/masks/other.qtsparse";
    panel.setConfig(session);
    QCOMPARE(mask->path(), QStringLiteral("/masks/other.qtsparse"));
    QVERIFY(!mask->summary());
    QVERIFY(mask->findChild<QLabel*>("sparseMaskStatus")->text().contains(QStringLiteral("Not yet checked")));
    mask->check();
    QCOMPARE(asked.count(), 2);
    mask->showFailure(QStringLiteral("Loading the mask"), QStringLiteral("/masks/other.qtsparse: model: made for another"), false);
    QVERIFY(mask->path().isEmpty());
    QVERIFY(!mask->heatMap()->isVisibleTo(&panel));
    QVERIFY(mask->findChild<QLabel*>("sparseMaskStatus")->text().contains(QStringLiteral("made for another")));
    QVERIFY(panel.validationMessage().contains(QStringLiteral("needs a sensitive-entry mask")));
}

void SparseMaskViewsTest::dialogOffersThePaperChoicesAndNamesTheDefaultFile() {
    SparseMaskDialog dialog(QStringLiteral("/models/SmolLM2-135M-Instruct.Q4_1.gguf"));
    const SparseMaskRequest r = dialog.request();
    QCOMPARE(r.fraction, 1e-3);
    QCOMPARE(r.scope, QStringLiteral("global"));
    QCOMPARE(r.criterion, QStringLiteral("gradient"));
    QCOMPARE(r.sequences, qint64(64));
    QCOMPARE(r.length, 256);
    QCOMPARE(r.path, SparseMaskDialog::defaultMaskPath(QStringLiteral("/models/SmolLM2-135M-Instruct.Q4_1.gguf"),
                                                       QStringLiteral("gradient"), 1e-3));
    QVERIFY2(r.path.endsWith(QStringLiteral("/masks/SmolLM2-135M-Instruct.Q4_1.gradient.0.001.qtsparse")), qPrintable(r.path));
    QVERIFY(r.path.startsWith(QString::fromStdString(qt::default_data_dir())));
    auto* fraction = dialog.findChild<QDoubleSpinBox*>("maskFractionSpin");
    QCOMPARE(fraction->minimum(), 1e-4);
    QCOMPARE(fraction->maximum(), 1e-2);
    // The baselines' tooltips say that they are the paper's baselines; they read no text.
    auto* criterion = dialog.findChild<QComboBox*>("maskCriterionCombo");
    QCOMPARE(criterion->count(), 3);
    for (int i = 1; i < 3; ++i)
        QVERIFY2(criterion->itemData(i, Qt::ToolTipRole).toString().contains(QStringLiteral("baseline of the paper")),
                 qPrintable(criterion->itemData(i, Qt::ToolTipRole).toString()));
    criterion->setCurrentIndex(criterion->findData(QStringLiteral("random")));
    fraction->setValue(0.005);
    QVERIFY2(dialog.request().path.endsWith(QStringLiteral(".random.0.005.qtsparse")), qPrintable(dialog.request().path));
    QVERIFY(!dialog.findChild<QSpinBox*>("maskSequencesSpin")->isEnabled());
    QVERIFY(dialog.problem().isEmpty());
    // The gradient criterion without text: OK is off and the note points to scripts/setup.sh.
    criterion->setCurrentIndex(criterion->findData(QStringLiteral("gradient")));
    dialog.setCalibrationFiles({});
    QVERIFY(dialog.problem().contains(QStringLiteral("scripts/setup.sh")));
    QVERIFY(!dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    dialog.setCalibrationFiles({QStringLiteral("/texts/a.txt"), QStringLiteral("/texts/b.txt")});
    QCOMPARE(dialog.request().files, QStringList({"/texts/a.txt", "/texts/b.txt"}));
    QVERIFY(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    // A path the user typed stays when the criterion changes.
    auto* path = dialog.findChild<QLineEdit*>("maskPathEdit");
    path->clear();
    QTest::keyClicks(path, QStringLiteral("/tmp/mine.qtsparse"));
    criterion->setCurrentIndex(criterion->findData(QStringLiteral("magnitude")));
    QCOMPARE(dialog.request().path, QStringLiteral("/tmp/mine.qtsparse"));
}

// The gradient criterion on a 2-layer random model, through the worker in its
// thread: progress after every calibration sequence, from the worker's thread, then
// a file on disk that load_sparse_mask reads back with the same entries.
void SparseMaskViewsTest::workerComputesAGradientMaskOnItsThreadWithProgress() {
    WorkerWithTinyModel t;
    QVERIFY(t.open());
    std::atomic<QThread*> reportedFrom{nullptr};
    connect(t.worker, &EngineWorker::sparseMaskProgress, t.worker, [&] { reportedFrom = QThread::currentThread(); },
            Qt::DirectConnection);

    SparseMaskRequest r;
    r.criterion = QStringLiteral("gradient");
    r.fraction = 0.01;
    r.sequences = 4;
    r.length = 32;
    r.files = {write_calibration_text(t.dir)};
    r.path = t.dir.filePath(QStringLiteral("masks/new/tiny.gradient.qtsparse"));  // folders made on the way
    r.id = 1;
    t.compute(r);
    QTRY_COMPARE_WITH_TIMEOUT(t.ready.count() + t.failed.count(), 1, kTimeoutMs);
    QVERIFY2(t.failed.isEmpty(), qPrintable(t.failed.isEmpty() ? QString() : t.failed.at(0).message));

    // One report per sequence of each pass, from the worker's thread, counting up to the total.
    QVERIFY(t.progress.count() >= 4);
    const SparseMaskProgress& last = t.progress.last();
    QCOMPARE(last.total, qint64(4));
    QCOMPARE(last.done, last.total);
    QCOMPARE(last.pass + 1, last.passes);
    QCOMPARE(t.progress.count(), qsizetype(last.passes) * 4);
    for (int i = 0; i < 4; ++i) QCOMPARE(t.progress[i].done, qint64(i + 1));
    QCOMPARE(reportedFrom.load(), &t.thread);

    const SparseMaskSummary& s = t.ready.at(0);
    QCOMPARE(s.path, r.path);
    QCOMPARE(s.criterion, QStringLiteral("gradient"));
    QCOMPARE(s.sequences, qint64(4));
    QVERIFY(s.has_captured_share && s.captured_share > 0.01 && s.captured_share <= 1.0);
    QCOMPARE(s.layout.layers, 2);
    QCOMPARE(s.layout.entries, qint64(std::llround(0.01 * double(s.layout.weights))));
    const qt::SparseMask back = qt::load_sparse_mask(r.path.toStdString());
    QCOMPARE(back.entries(), s.layout.entries);
    QCOMPARE(back.criterion, std::string("gradient"));
    QCOMPARE(back.model.n_layers, 2);
    QCOMPARE(qt::sparse_mask_layout(back).cell(1, LinearSlot::Up).entries, s.layout.cell(1, LinearSlot::Up).entries);
    QVERIFY(back.details.contains("captured_share"));
}

// A cancel from the GUI thread stops the computation at its next report; no file is
// written, and the next computation (a later id) is not cancelled by it.
void SparseMaskViewsTest::workerCancelsAComputationAndWritesNothing() {
    WorkerWithTinyModel t;
    QVERIFY(t.open());
    EngineWorker* w = t.worker;

    SparseMaskRequest r;
    r.criterion = QStringLiteral("gradient");
    r.sequences = 12;
    r.length = 32;
    r.files = {write_calibration_text(t.dir)};
    r.path = t.dir.filePath(QStringLiteral("cancelled.qtsparse"));
    r.id = 7;
    w->cancelSparseMask(7);  // asked before it starts: its first report stops it
    t.compute(r);
    QTRY_COMPARE_WITH_TIMEOUT(t.failed.count(), 1, kTimeoutMs);
    QVERIFY(t.failed.at(0).cancelled);  // cancelled, not an error
    QVERIFY(t.failed.at(0).message.contains(QStringLiteral("no mask was written")));
    QCOMPARE(t.progress.count(), 1);
    QVERIFY(!QFileInfo::exists(r.path));
    QCOMPARE(t.ready.count(), 0);

    r.id = 8;
    r.criterion = QStringLiteral("magnitude");
    t.compute(r);
    QTRY_COMPARE_WITH_TIMEOUT(t.ready.count(), 1, kTimeoutMs);
    QCOMPARE(t.failed.count(), 1);
    // The magnitude criterion reports matrices: the 14 linears of two blocks (the head is tied).
    QCOMPARE(t.progress.last().total, qint64(14));
    QCOMPARE(qt::load_sparse_mask(r.path.toStdString()).criterion, std::string("magnitude"));
}

// The whole window on a 2-layer random model: sparse-zo does not start without a
// mask (a clear reason, and no run if Start is forced); Compute… in the dialog runs
// on the worker while the window stays responsive; a few steps train with the
// ledger's sparse values and mask drawn under the method's names; a mask of a
// 3-layer model and a broken file are refused in the mask box, nothing lost; opening
// the 3-layer model drops the 2-layer mask.
void SparseMaskViewsTest::windowComputesAMaskTrainsSparseZoAndRefusesMasksOfOtherModels() {
    QTemporaryDir dir;
    const QString tiny = dir.filePath(QStringLiteral("tiny-a.gguf"));
    qt::write_random_llama_gguf(tiny.toStdString(), qt::RandomLlamaSpec{});
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.isModelLoaded());
    QSignalSpy modelReady(&window, &MainWindow::modelReady);
    QSignalSpy dataReady(&window, &MainWindow::datasetReady);
    QSignalSpy requested(&window, &MainWindow::trainingRequested);
    window.openModel(tiny);
    QTRY_COMPARE_WITH_TIMEOUT(modelReady.count(), 1, kTimeoutMs);
    window.openDataset(write_dataset(dir));
    QTRY_COMPARE_WITH_TIMEOUT(dataReady.count(), 1, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), kTimeoutMs);

    auto* combo = window.findChild<QComboBox*>("methodCombo");
    combo->setCurrentIndex(combo->findData(QStringLiteral("sparse-zo")));
    window.findChild<QSpinBox*>("stepsSpin")->setValue(2);
    window.findChild<QSpinBox*>("batchSpin")->setValue(1);
    window.findChild<QSpinBox*>("evalEverySpin")->setValue(0);
    window.findChild<QSpinBox*>("evalExamplesSpin")->setValue(1);
    window.findChild<QSpinBox*>("maxLengthSpin")->setValue(32);
    auto* start = window.findChild<QPushButton*>("startButton");
    QVERIFY(!start->isEnabled());
    QVERIFY2(start->toolTip().contains(QStringLiteral("needs a sensitive-entry mask")), qPrintable(start->toolTip()));
    // Start forced anyway: a dialog says why, no run is asked for.
    const qsizetype errorsBefore = window.errors().size();
    emit window.trainingPanel()->startClicked();
    QCOMPARE(requested.count(), 0);
    QCOMPARE(window.errors().size(), errorsBefore + 1);
    QVERIFY(window.errors().last().contains(QStringLiteral("needs a sensitive-entry mask")));
    window.findChild<QMessageBox*>("engineErrorDialog")->accept();

    // Compute… : the dialog's settings go to the worker; the box shows progress meanwhile.
    SparseMaskPanel* mask = window.methodPanel()->sparseMaskPanel();
    window.pages()->setCurrentIndex(MainWindow::MethodPage);
    QVERIFY(mask->isVisible());
    auto* computeButton = mask->findChild<QPushButton*>("computeSparseMaskButton");
    QVERIFY(computeButton->isEnabled());
    QTest::mouseClick(computeButton, Qt::LeftButton);
    auto* dialog = window.findChild<SparseMaskDialog*>("sparseMaskDialog");
    QVERIFY(dialog && dialog->isVisible());
    QVERIFY2(dialog->request().path.contains(QStringLiteral("tiny-a.gradient.0.001")), qPrintable(dialog->request().path));
    auto* criterion = dialog->findChild<QComboBox*>("maskCriterionCombo");
    criterion->setCurrentIndex(criterion->findData(QStringLiteral("gradient")));
    dialog->setCalibrationFiles({write_calibration_text(dir)});
    dialog->findChild<QSpinBox*>("maskSequencesSpin")->setValue(6);
    dialog->findChild<QSpinBox*>("maskLengthSpin")->setValue(32);
    dialog->findChild<QDoubleSpinBox*>("maskFractionSpin")->setValue(0.01);
    auto* path = dialog->findChild<QLineEdit*>("maskPathEdit");
    path->clear();
    const QString maskA = dir.filePath(QStringLiteral("masks/tiny-a.qtsparse"));
    QTest::keyClicks(path, maskA);
    dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->click();
    QVERIFY(mask->isComputing());
    QVERIFY(mask->findChild<QProgressBar*>("sparseMaskProgress")->isVisible());
    QVERIFY(mask->findChild<QPushButton*>("cancelSparseMaskButton")->isVisible());
    QVERIFY(!start->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(mask->summary().has_value(), kTimeoutMs);
    QVERIFY(!mask->isComputing());
    QVERIFY(!mask->findChild<QProgressBar*>("sparseMaskProgress")->isVisible());
    QCOMPARE(mask->path(), maskA);
    QVERIFY(QFileInfo::exists(maskA));
    QCOMPARE(qt::load_sparse_mask(maskA.toStdString()).entries(), mask->summary()->layout.entries);
    QVERIFY(mask->heatMap()->isVisible());
    QCOMPARE(mask->heatMap()->map()->data()->valueSize(), 2);
    QVERIFY(mask->findChild<QLabel*>("sparseMaskSummary")->text().contains(QStringLiteral("of the squared gradient")));
    QVERIFY(window.trainingPanel()->logText().contains(QStringLiteral("Mask written to")));
    QCOMPARE(window.errors().size(), errorsBefore + 1);
    save_screenshot(window, QStringLiteral("method-sparse-zo.png"));

    // Now it starts: two steps; the memory view draws S and the mask under the method's names.
    QTRY_VERIFY(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QCOMPARE(requested.count(), 1);
    QCOMPARE(QString::fromStdString(requested.at(0).at(0).value<qt::TrainConfig>().sparse_mask), maskA);
    TrainingPanel* tp = window.trainingPanel();
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("Training sparse-zo for 2 steps")), kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(tp->state(), TrainingState::Idle, kTimeoutMs);
    QVERIFY2(window.errors().size() == errorsBefore + 1, qPrintable(window.errors().join('\n')));
    QCOMPARE(tp->plots()->history().size(), qsizetype(2));
    MemoryView* mem = window.memoryView();
    for (qt::MemoryCategory c : {qt::MemoryCategory::SparseValues, qt::MemoryCategory::SparseMask}) {
        QVERIFY2(mem->live().live[size_t(c)] > 0, qPrintable(category_title(c)));
        QCOMPARE(mem->barBytes(MemoryView::LiveColumn, c), double(mem->live().live[size_t(c)]));
    }
    // S: one float per entry of the mask.
    QCOMPARE(mem->live().live[int(qt::MemoryCategory::SparseValues)], qint64(4) * mask->summary()->layout.entries);
    QVERIFY2(mem->legendName(qt::MemoryCategory::SparseValues).contains(QStringLiteral("sparse values S")),
             qPrintable(mem->legendName(qt::MemoryCategory::SparseValues)));
    QCOMPARE(mem->legendName(qt::MemoryCategory::SparseMask), QStringLiteral("Sparse mask: sensitive-entry mask"));
    // The engine's sparse-zo plan, asked again when the mask changed, holds S as the run does.
    auto plannedValues = [&] {
        for (const MethodMemoryPlan& p : window.modelPanel()->plans().plans)
            if (p.method == QLatin1String("sparse-zo")) return p.bytes[int(qt::MemoryCategory::SparseValues)];
        return qint64(-1);
    };
    QTRY_COMPARE_WITH_TIMEOUT(plannedValues(), mem->live().live[int(qt::MemoryCategory::SparseValues)], kTimeoutMs);

    // A mask of a 3-layer model: refused in the box with the engine's reason; the one in use stays.
    const QString other = dir.filePath(QStringLiteral("tiny-b.gguf"));
    const QString maskB = dir.filePath(QStringLiteral("tiny-b.qtsparse"));
    write_mask_of_random_model(other, 3, maskB);
    auto* status = mask->findChild<QLabel*>("sparseMaskStatus");
    mask->load(maskB);
    QTRY_VERIFY_WITH_TIMEOUT(!mask->isWaiting(), kTimeoutMs);
    QVERIFY2(status->text().contains(QStringLiteral("✘")) && status->text().contains(QStringLiteral("made for")) &&
                 status->text().contains(QStringLiteral("3 layers")),
             qPrintable(status->text()));
    QVERIFY(status->text().contains(QStringLiteral("still tiny-a.qtsparse")));
    QCOMPARE(mask->path(), maskA);
    QVERIFY(window.errors().last().contains(QStringLiteral("tiny-b.qtsparse")));
    QVERIFY(!window.findChild<QMessageBox*>("engineErrorDialog"));  // in the box, no dialog
    // A broken file: named, and nothing else happens.
    const QString broken = dir.filePath(QStringLiteral("broken.qtsparse"));
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("QTSPARSE not really");
    f.close();
    mask->load(broken);
    QTRY_VERIFY_WITH_TIMEOUT(!mask->isWaiting(), kTimeoutMs);
    QVERIFY2(status->text().contains(QStringLiteral("broken.qtsparse")), qPrintable(status->text()));
    QCOMPARE(mask->path(), maskA);
    QVERIFY(start->isEnabled());

    // Opening the 3-layer model: the 2-layer mask no longer fits and is dropped; B's now loads.
    window.openModel(other);
    QTRY_COMPARE_WITH_TIMEOUT(modelReady.count(), 2, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!mask->isWaiting() && !window.isBusy(), kTimeoutMs);
    QVERIFY(mask->path().isEmpty());
    QVERIFY(!mask->heatMap()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(window.isDatasetLoaded(), kTimeoutMs);
    QVERIFY(!start->isEnabled());
    QVERIFY(start->toolTip().contains(QStringLiteral("needs a sensitive-entry mask")));
    mask->load(maskB);
    QTRY_VERIFY_WITH_TIMEOUT(mask->summary().has_value(), kTimeoutMs);
    QCOMPARE(mask->summary()->layout.layers, 3);
    QVERIFY(status->text().startsWith(QStringLiteral("✔")));
    QTRY_VERIFY(start->isEnabled());
}

// The engine's sparse-zo texts and the mask box are in the .ts files.
void SparseMaskViewsTest::sparseZoTextsAreTranslated() {
    QStringList untranslated;
    auto check = [&](const QString& translated, const QString& english) {
        if (translated == english) untranslated << english;
    };
    SparseMaskPanel box;
    SparseMaskHeatMap map;
    SparseMaskDialog dialog(QStringLiteral("/models/m.gguf"));
    for (const char* language : {"fr", "pt_BR", "zh_CN"}) {
        QVERIFY(apply_ui_language(QString::fromLatin1(language)));
        QTest::qWait(20);  // LanguageChange reaches widgets without a window through the event queue
        const qt::TrainingMethodInfo& m = qt::training_method("sparse-zo");
        check(method_title(m), QString::fromUtf8(m.title));
        check(method_summary(m), QString::fromUtf8(m.summary));
        for (const qt::MethodSetting& s : m.settings) {
            check(method_setting_label(s), QString::fromUtf8(s.label));
            check(method_setting_tooltip(s), QString::fromUtf8(s.tooltip));
        }
        for (bool scales : {true, false}) {
            qt::TrainConfig c;
            qt::use_method(c, "sparse-zo");
            c.sparse_train_scales = scales;
            for (const QString& label : memory_labels_of(c))
                if (!label.isEmpty()) check(method_text(label), label);
        }
        check(box.title(), QStringLiteral("Sensitive-entry mask"));
        check(box.findChild<QPushButton*>("computeSparseMaskButton")->text(), QStringLiteral("Compute…"));
        check(box.findChild<QLabel*>("sparseMaskStatus")->text(),
              QStringLiteral("No mask yet: load a .qtsparse file or compute one for the open model. Sparse ZO trains "
                             "only the entries the mask names."));
        check(dialog.windowTitle(), QStringLiteral("Compute the sensitive-entry mask"));
        check(dialog.findChild<QComboBox*>("maskCriterionCombo")->itemText(1), QStringLiteral("weight magnitude (baseline)"));
        check(static_cast<QCPTextElement*>(map.plot()->plotLayout()->element(0, 0))->text(),
              QStringLiteral("Where the mask's entries sit"));
        check(category_title(qt::MemoryCategory::SparseValues), QStringLiteral("Sparse values"));
    }
    QVERIFY(apply_ui_language(QStringLiteral("en")));
    QVERIFY2(untranslated.isEmpty(), qPrintable(untranslated.join(QStringLiteral("\n"))));
}

QTEST_MAIN(SparseMaskViewsTest)
#include "test_sparse_mask_views.moc"
