// The desktop app end to end, offscreen: the window opens on the default model,
// a small dataset loads, a few QZO steps run after a click on Start, the plots
// and the memory view fill from the engine, pause and resume hold, and the
// compare page shows a base and a fine-tuned answer. The method page offers the
// engine's methods with their own settings, and a few QLoRA steps run on a tiny
// random model with the gradient's norm plotted and the ledger's gradients and
// optimizer states drawn; so do a few Q-GaLore steps, set through the fields its
// registry row describes, with its per-layer plots and its own names for the
// memory it holds. Every main page is saved as a PNG
// (QUANTTUNE_SCREENSHOT_DIR, else build/tests/ui/screenshots).
#include <QAbstractItemModel>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "compare_panel.h"
#include "dataset_panel.h"
#include "dataset_preview_model.h"
#include "main_window.h"
#include "memory_view.h"
#include "method_metric_plots.h"
#include "method_panel.h"
#include "gguf/gguf_file.h"
#include "gguf/random_llama_gguf.h"
#include "model/loaded_model.h"
#include "model_panel.h"
#include "training_panel.h"
#include "session_file.h"
#include "training_plots.h"
#include "train/train_config.h"
#include "train/training_methods.h"
#include "ui_language.h"

using namespace qt::ui;

namespace {

constexpr int kLoadTimeoutMs = 120'000;
constexpr int kSteps = 4;

QString screenshot_dir() {
    QString d = qEnvironmentVariable("QUANTTUNE_SCREENSHOT_DIR");
    if (d.isEmpty()) d = qEnvironmentVariable("QUANTTUNE_DEFAULT_SCREENSHOT_DIR");
    if (d.isEmpty()) d = QDir::current().filePath(QStringLiteral("screenshots"));
    QDir().mkpath(d);
    return d;
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void opensOnTheDefaultModel();
    void showsAReadableDialogForABrokenModelAndKeepsTheOldOne();
    void loadsADatasetWithPreviewSkippedRowsAndHistogram();
    void namesImpossibleSettingsAndDisablesStart();
    void ticksTheRelativePerturbationWithItsOwnStep();
    void offersEveryEngineMethodWithItsOwnSettings();
    void warnsWhenEpsSwampsTheScales();
    void trainsQzoByClickingStartWithPlotsMemoryAndPauseResume();
    void comparesBaseAndFineTunedAnswers();
    void savesTheSessionAsTheCliConfig();
    void switchesLanguage();
    void savesScreenshotsOfEveryPage();
    void trainsQloraOnATinyRandomModelWithGradientNormAndOptimizerMemory();
    void trainsQgaloreWithItsOwnSettingsPlotsAndMemoryNames();
    void asksBeforeClosingDuringTrainingThenStopsCleanly();
    void cleanupTestCase();

private:
    void shoot(MainWindow::Page page, const QString& name);
    QPushButton* button(const char* name) const { return window_->findChild<QPushButton*>(name); }
    qt::TrainConfig methodConfig() const {
        qt::TrainConfig c;
        QString why;
        if (!window_->methodPanel()->readConfig(c, &why)) qWarning("%s", qPrintable(why));
        return c;
    }
    // Whether the Method page shows `name` (whichever page is current).
    bool shown(const char* name) const {
        auto* w = window_->methodPanel()->findChild<QWidget*>(name);
        return w && w->isVisibleTo(window_->methodPanel());
    }
    void chooseMethod(const char* name) {
        auto* method = window_->findChild<QComboBox*>("methodCombo");
        method->setCurrentIndex(method->findData(QString::fromLatin1(name)));
    }

    QTemporaryDir dir_;
    QString dataPath_;
    MainWindow* window_ = nullptr;
};

void MainWindowTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings go to a throw-away place
    QCoreApplication::setOrganizationName(QStringLiteral("QuantTuneTest"));
    QCoreApplication::setApplicationName(QStringLiteral("QuantTuneTest"));
    QSettings().clear();
    const QString model = QString::fromStdString(qt::default_model_path());
    if (!QFile::exists(model)) {
        if (qEnvironmentVariable("QUANTTUNE_REQUIRE_ORACLES") == QLatin1String("1"))
            QFAIL(qPrintable(QStringLiteral("the default model %1 is missing (run scripts/setup.sh)").arg(model)));
        QSKIP(qPrintable(QStringLiteral("the default model %1 is missing (run scripts/setup.sh)").arg(model)));
    }
    QVERIFY(dir_.isValid());
    // Twelve short prompt/completion rows and one without a completion, which must be skipped.
    dataPath_ = dir_.filePath(QStringLiteral("tiny.jsonl"));
    QFile f(dataPath_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    const char* words[] = {"red", "blue", "green", "yellow", "black", "white"};
    for (int i = 0; i < 12; ++i) {
        f.write(QStringLiteral("{\"prompt\": \"What colour is item %1?\", \"completion\": \"Item %1 is %2.\"}\n")
                    .arg(i)
                    .arg(QString::fromLatin1(words[i % 6]))
                    .toUtf8());
        if (i == 5) f.write("{\"prompt\": \"This row has no answer\"}\n");
    }
    f.close();

    window_ = new MainWindow;
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
}

void MainWindowTest::opensOnTheDefaultModel() {
    // First start: the default model is preselected and opened without a click.
    QCOMPARE(window_->modelPanel()->selectedPath(), QString::fromStdString(qt::default_model_path()));
    QTRY_VERIFY_WITH_TIMEOUT(window_->isModelLoaded(), kLoadTimeoutMs);
    const ModelSummary& s = window_->modelPanel()->summary();
    QCOMPARE(s.architecture, QStringLiteral("llama"));
    QVERIFY2(s.parameters > 100'000'000 && s.parameters < 200'000'000, qPrintable(QString::number(s.parameters)));
    QVERIFY(s.tensor_types.join(' ').contains(QStringLiteral("Q4_1")));
    QCOMPARE(s.file_bytes, QFileInfo(s.path).size());
    // The engine's plans, at the Method page's shape: QZO < MeZO < bf16 AdamW full fine-tuning,
    // then QLoRA, float32 AdamW, Q-GaLore, plain GaLore and sparse ZO as the engine runs them.
    QTRY_COMPARE_WITH_TIMEOUT(window_->modelPanel()->plans().plans.size(), qsizetype(8), 30'000);
    const MemoryPlans& p = window_->modelPanel()->plans();
    QCOMPARE(p.max_tokens, qt::TrainConfig{}.max_length);
    QCOMPARE(p.batch_size, qt::TrainConfig{}.batch_size);
    QCOMPARE(p.plans[0].method, QStringLiteral("qzo"));
    QCOMPARE(p.plans[1].method, QStringLiteral("mezo"));
    QCOMPARE(p.plans[2].method, QStringLiteral("full-bf16-adamw"));
    QCOMPARE(p.plans[3].method, QStringLiteral("qlora"));
    QCOMPARE(p.plans[4].method, QStringLiteral("adamw"));
    QCOMPARE(p.plans[5].method, QStringLiteral("qgalore"));
    QCOMPARE(p.plans[6].method, QStringLiteral("galore"));
    QCOMPARE(p.plans[7].method, QStringLiteral("sparse-zo"));
    QVERIFY(p.plans[0].total() > 0);
    QVERIFY(p.plans[0].total() < p.plans[1].total());
    QVERIFY(p.plans[1].total() < p.plans[2].total());
    // Full fine-tuning: 2 + 2 + 8 + 4 bytes per parameter before activations.
    const auto& full = p.plans[2].bytes;
    QCOMPARE(full[int(qt::MemoryCategory::Weights)] + full[int(qt::MemoryCategory::TrainableParameters)] +
                 full[int(qt::MemoryCategory::Gradients)] + full[int(qt::MemoryCategory::OptimizerStates)],
             16 * s.parameters);
    // QLoRA: the frozen weights plus adapters, their gradients and two AdamW moments each.
    const auto& qlora = p.plans[3].bytes;
    QVERIFY(qlora[int(qt::MemoryCategory::TrainableParameters)] > 0);
    QCOMPARE(qlora[int(qt::MemoryCategory::Gradients)], qlora[int(qt::MemoryCategory::TrainableParameters)]);
    QCOMPARE(qlora[int(qt::MemoryCategory::OptimizerStates)], 2 * qlora[int(qt::MemoryCategory::TrainableParameters)]);
    // Q-GaLore: INT4 projections in a category of their own, named its way; plain GaLore's are float32, 8x larger.
    const auto& qgalore = p.plans[5].bytes;
    QVERIFY(qgalore[int(qt::MemoryCategory::Projections)] > 0);
    QVERIFY(p.plans[6].bytes[int(qt::MemoryCategory::Projections)] > 4 * qgalore[int(qt::MemoryCategory::Projections)]);
    QCOMPARE(p.plans[5].labels[int(qt::MemoryCategory::TrainableParameters)], QStringLiteral("INT8 weights"));
    QCOMPARE(p.plans[5].labels[int(qt::MemoryCategory::Projections)], QStringLiteral("INT4 projections"));
    for (int plan : {0, 3, 6}) QVERIFY(p.plans[plan].labels[int(qt::MemoryCategory::TrainableParameters)].isEmpty());
    // Sparse ZO: QZO's weights and forward, plus S and its mask, each its own category; no scales trained by default.
    const auto& sparse = p.plans[7].bytes;
    QCOMPARE(sparse[int(qt::MemoryCategory::Weights)], p.plans[0].bytes[int(qt::MemoryCategory::Weights)]);
    QVERIFY(sparse[int(qt::MemoryCategory::SparseValues)] > 0 && sparse[int(qt::MemoryCategory::SparseMask)] > 0);
    QCOMPARE(sparse[int(qt::MemoryCategory::TrainableParameters)], qint64(0));
    QCOMPARE(p.plans[7].labels[int(qt::MemoryCategory::SparseValues)], QStringLiteral("sparse values S (float32)"));
    auto* table = window_->modelPanel()->findChild<QTableWidget*>("memoryPlanTable");
    QCOMPARE(table->rowCount(), 8);
    QCOMPARE(table->item(3, 0)->text(), QStringLiteral("QLoRA (planned)"));
    QCOMPARE(table->item(5, 0)->text(), QStringLiteral("Q-GaLore (planned)"));
    QCOMPARE(table->item(6, 0)->text(), QStringLiteral("Plain GaLore, float32 (planned)"));
    QCOMPARE(table->item(7, 0)->text(), QStringLiteral("Sparse ZO (planned)"));
    QCOMPARE(table->horizontalHeaderItem(int(qt::MemoryCategory::SparseValues) + 1)->text(), QStringLiteral("Sparse values"));
    QCOMPARE(table->horizontalHeaderItem(int(qt::MemoryCategory::Projections) + 1)->text(), QStringLiteral("Projections"));
    QCOMPARE(table->item(5, int(qt::MemoryCategory::Projections) + 1)->toolTip(), QStringLiteral("INT4 projections"));
    // The CPU is always listed; resources are compiled in.
    QVERIFY(window_->findChild<QListWidget*>("deviceList")->count() >= 1);
    QVERIFY(window_->findChild<QComboBox*>("examplePrompts")->count() >= 3);
}

void MainWindowTest::showsAReadableDialogForABrokenModelAndKeepsTheOldOne() {
    const QString bad = dir_.filePath(QStringLiteral("not-a-model.gguf"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("GGUF this is not a model at all");
    f.close();
    const qsizetype before = window_->errors().size();
    window_->openModel(bad);
    QTRY_VERIFY_WITH_TIMEOUT(window_->errors().size() > before, 30'000);
    QVERIFY2(window_->errors().last().contains(QStringLiteral("not-a-model.gguf")), qPrintable(window_->errors().last()));
    auto* box = window_->findChild<QMessageBox*>("engineErrorDialog");
    QVERIFY(box);
    QVERIFY(box->text().contains(QStringLiteral("not-a-model.gguf")));
    box->accept();
    // Nothing lost: the model opened before is still the one in use.
    QVERIFY(window_->isModelLoaded());
    QCOMPARE(window_->modelPanel()->summary().path, QString::fromStdString(qt::default_model_path()));
}

void MainWindowTest::loadsADatasetWithPreviewSkippedRowsAndHistogram() {
    // Short sequences keep the test quick; the plans follow the Method page.
    window_->findChild<QSpinBox*>("maxLengthSpin")->setValue(64);
    QTRY_COMPARE_WITH_TIMEOUT(window_->modelPanel()->plans().max_tokens, 64, 30'000);
    window_->pages()->setCurrentIndex(MainWindow::DatasetPage);
    window_->findChild<QLineEdit*>("datasetPathEdit")->setText(dataPath_);
    QTest::mouseClick(button("loadDatasetButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(window_->isDatasetLoaded(), kLoadTimeoutMs);
    const DatasetSummary& s = window_->datasetPanel()->summary();
    QCOMPARE(s.rows_kept, qint64(12));
    QCOMPARE(s.rows_skipped, qint64(1));
    QVERIFY(s.chat_template_applied);
    QCOMPARE(s.skipped_messages.size(), 1);
    QVERIFY2(s.skipped_messages[0].contains(QStringLiteral("tiny.jsonl:7")), qPrintable(s.skipped_messages[0]));
    QCOMPARE(window_->findChild<QListWidget*>("skippedRows")->count(), 1);
    // The preview shows the rows through the chat template, the completion apart.
    QAbstractItemModel* preview = window_->datasetPanel()->previewModel();
    QCOMPARE(preview->rowCount(), 12);
    const QString prompt = preview->index(0, DatasetPreviewModel::Prompt).data().toString();
    const QString completion = preview->index(0, DatasetPreviewModel::Completion).data().toString();
    QVERIFY2(prompt.contains(QStringLiteral("<|im_start|>user")) && prompt.contains(QStringLiteral("item 0")),
             qPrintable(prompt));
    QVERIFY2(completion.startsWith(QStringLiteral("Item 0 is red.")), qPrintable(completion));
    QVERIFY(preview->index(0, DatasetPreviewModel::Completion).data(Qt::BackgroundRole).isValid());
    // The histogram holds one bar per bucket, and its counts add up to the examples.
    QCustomPlot* hist = window_->datasetPanel()->histogram();
    QCOMPARE(hist->plottableCount(), 1);
    auto* bars = qobject_cast<QCPBars*>(hist->plottable(0));
    QVERIFY(bars && bars->dataCount() >= 1);
    double sum = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) sum += it->value;
    QCOMPARE(sum, 12.0);
}

void MainWindowTest::namesImpossibleSettingsAndDisablesStart() {
    auto* lr = window_->findChild<QLineEdit*>("lrEdit");
    auto* steps = window_->findChild<QSpinBox*>("stepsSpin");
    auto* label = window_->findChild<QLabel*>("validationLabel");
    const QString oldLr = lr->text();
    lr->setText(QStringLiteral("fast"));
    QVERIFY2(label->text().contains(QStringLiteral("not a number")), qPrintable(label->text()));
    QVERIFY(!button("startButton")->isEnabled());
    lr->setText(oldLr);
    steps->setValue(0);
    // The engine's own rule, in its own words.
    QVERIFY2(label->text().contains(QStringLiteral("steps must be at least 1")), qPrintable(label->text()));
    QVERIFY(!button("startButton")->isEnabled());
    steps->setValue(kSteps);
    QVERIFY(window_->methodPanel()->validationMessage().isEmpty());
    QVERIFY(button("startButton")->isEnabled());
}

// Ticking the relative perturbation moves a step still at the absolute defaults to
// the relative ones (300x apart in the scales' units); a value the user typed stays.
void MainWindowTest::ticksTheRelativePerturbationWithItsOwnStep() {
    auto* method = window_->findChild<QComboBox*>("methodCombo");
    method->setCurrentIndex(method->findData(QStringLiteral("qzo")));
    auto* relative = window_->findChild<QCheckBox*>("relativeEpsCheck");
    auto* lr = window_->findChild<QLineEdit*>("lrEdit");
    auto* eps = window_->findChild<QLineEdit*>("epsEdit");
    auto* clip = window_->findChild<QLineEdit*>("clipEdit");
    QVERIFY(relative && relative->isEnabled() && !relative->isChecked());
    auto step = [&] {
        qt::TrainConfig c;
        QString why;
        if (!window_->methodPanel()->readConfig(c, &why)) qWarning("%s", qPrintable(why));
        return c;
    };
    const qt::TrainConfig saved = step();  // the later tests' settings (max length 64 ...)
    QCOMPARE(saved.eps, qt::kAbsoluteQzoDefaults.eps);
    relative->click();
    qt::TrainConfig c = step();
    QVERIFY(c.relative_eps);
    QCOMPARE(c.lr, qt::kRelativeQzoDefaults.lr);
    QCOMPARE(c.eps, qt::kRelativeQzoDefaults.eps);
    QCOMPARE(c.clip, qt::kRelativeQzoDefaults.clip);
    eps->setText(QStringLiteral("0.003"));
    relative->click();
    c = step();
    QVERIFY(!c.relative_eps);
    QCOMPARE(c.eps, 0.003);
    QCOMPARE(c.lr, qt::kAbsoluteQzoDefaults.lr);
    QCOMPARE(c.clip, qt::kAbsoluteQzoDefaults.clip);
    // Safe defaults keep the unit that is ticked.
    relative->click();
    window_->findChild<QPushButton*>("safeDefaultsButton")->click();
    c = step();
    QVERIFY(c.relative_eps);
    QCOMPARE(c.eps, qt::kRelativeQzoDefaults.eps);
    QVERIFY(window_->methodPanel()->validationMessage().isEmpty());
    relative->click();
    QCOMPARE(step().eps, qt::kAbsoluteQzoDefaults.eps);
    QCOMPARE(lr->text().toDouble(), qt::kAbsoluteQzoDefaults.lr);
    QCOMPARE(clip->text().toDouble(), qt::kAbsoluteQzoDefaults.clip);
    window_->methodPanel()->setConfig(saved);
    QVERIFY(!relative->isChecked());
}

// The method list is the engine's table; each kind shows its own settings, and
// switching moves a learning rate still at the old method's default to the new
// one's (use_method), while a typed one stays.
void MainWindowTest::offersEveryEngineMethodWithItsOwnSettings() {
    auto* method = window_->findChild<QComboBox*>("methodCombo");
    const auto& table = qt::training_methods();
    QCOMPARE(method->count(), qsizetype(table.size()));
    for (int i = 0; i < method->count(); ++i) {
        QCOMPARE(method->itemData(i).toString(), QString::fromLatin1(table[size_t(i)].name));
        QCOMPARE(method->itemText(i), QString::fromUtf8(table[size_t(i)].title));
        QCOMPARE(method->itemData(i, Qt::ToolTipRole).toString(), QString::fromUtf8(table[size_t(i)].summary));
    }
    QVERIFY(method->findData(QStringLiteral("qlora")) >= 0);
    QVERIFY(method->findData(QStringLiteral("adamw")) >= 0);
    const qt::TrainConfig saved = methodConfig();
    QCOMPARE(saved.method, std::string("qzo"));
    auto* lr = window_->findChild<QLineEdit*>("lrEdit");
    auto* note = window_->findChild<QLabel*>("methodNote");

    // QZO: the zeroth-order settings, none of the first-order ones.
    for (const char* zo : {"epsEdit", "clipEdit", "relativeEpsCheck", "trainMinCheck"}) QVERIFY2(shown(zo), zo);
    for (const char* fo : {"loraRankSpin", "loraAlphaEdit", "loraTargets", "weightDecayEdit", "maxGradNormEdit",
                           "checkpointActivationsCheck"})
        QVERIFY2(!shown(fo), fo);

    // QLoRA: rank, alpha, targets and AdamW's settings with tooltips; eps and clip hidden; lr 2e-4.
    chooseMethod("qlora");
    QCOMPARE(lr->text().toDouble(), 2e-4);
    QCOMPARE(lr->text().toDouble(), qt::training_method("qlora").default_lr);
    QCOMPARE(note->text(), QString::fromUtf8(qt::training_method("qlora").summary));
    for (const char* fo : {"loraRankSpin", "loraAlphaEdit", "loraTargets", "weightDecayEdit", "maxGradNormEdit",
                           "checkpointActivationsCheck"}) {
        QVERIFY2(shown(fo), fo);
        auto* w = window_->methodPanel()->findChild<QWidget*>(fo);
        QVERIFY2(w->isEnabled() && !w->toolTip().isEmpty(), fo);
    }
    for (const char* zo : {"epsEdit", "clipEdit", "relativeEpsCheck", "trainMinCheck"}) QVERIFY2(!shown(zo), zo);
    for (const char* t : {"q", "k", "v", "o", "gate", "up", "down"}) {
        auto* box = window_->findChild<QCheckBox*>(QStringLiteral("loraTarget_") + QLatin1String(t));
        QVERIFY2(box && box->isChecked() && !box->toolTip().isEmpty(), t);
    }
    qt::TrainConfig c = methodConfig();
    QCOMPARE(c.method, std::string("qlora"));
    QCOMPARE(c.lora_rank, qt::TrainConfig{}.lora_rank);
    QCOMPARE(c.lora_alpha, qt::TrainConfig{}.lora_alpha);
    QCOMPARE(c.lora_targets, qt::TrainConfig{}.lora_targets);
    QCOMPARE(c.max_grad_norm, qt::TrainConfig{}.max_grad_norm);
    QCOMPARE(c.checkpoint_activations, true);
    QVERIFY(window_->methodPanel()->validationMessage().isEmpty());

    // At least one target: unticking them all leaves the last one ticked.
    for (const char* t : {"q", "k", "v", "o", "gate", "up", "down"})
        window_->findChild<QCheckBox*>(QStringLiteral("loraTarget_") + QLatin1String(t))->click();
    QCOMPARE(methodConfig().lora_targets, std::string("down"));
    window_->findChild<QCheckBox*>("loraTarget_q")->click();
    QCOMPARE(methodConfig().lora_targets, std::string("q,down"));

    // Impossible first-order values are named by the engine's rules.
    window_->findChild<QSpinBox*>("loraRankSpin")->setValue(0);
    QVERIFY2(window_->methodPanel()->validationMessage().contains(QStringLiteral("lora_rank")),
             qPrintable(window_->methodPanel()->validationMessage()));
    QVERIFY(!button("startButton")->isEnabled());
    window_->findChild<QSpinBox*>("loraRankSpin")->setValue(8);
    window_->findChild<QLineEdit*>("loraAlphaEdit")->setText(QStringLiteral("big"));
    QVERIFY2(window_->methodPanel()->validationMessage().contains(QStringLiteral("not a number")),
             qPrintable(window_->methodPanel()->validationMessage()));
    window_->findChild<QLineEdit*>("loraAlphaEdit")->setText(QStringLiteral("16"));
    QVERIFY(window_->methodPanel()->validationMessage().isEmpty());

    // Full fine-tuning: its own default lr; LoRA's settings shown but off, AdamW's on.
    chooseMethod("adamw");
    QCOMPARE(lr->text().toDouble(), qt::training_method("adamw").default_lr);
    QVERIFY(shown("loraRankSpin") && !window_->findChild<QWidget*>("loraRankSpin")->isEnabled());
    QVERIFY(window_->findChild<QWidget*>("maxGradNormEdit")->isEnabled());
    QVERIFY(!button("paperSettingsButton")->isEnabled());  // no published settings
    // Back to QZO: its default again; a typed rate stays through a switch.
    chooseMethod("qzo");
    QCOMPARE(lr->text().toDouble(), qt::kAbsoluteQzoDefaults.lr);
    lr->setText(QStringLiteral("0.001"));
    chooseMethod("qlora");
    QCOMPARE(lr->text(), QStringLiteral("0.001"));

    // QLoRA's published settings (Guanaco 7B).
    QVERIFY(button("paperSettingsButton")->isEnabled());
    button("paperSettingsButton")->click();
    c = methodConfig();
    QCOMPARE(c.method, std::string("qlora"));
    QCOMPARE(c.lora_rank, 64);
    QCOMPARE(c.lora_alpha, 16.0);
    QCOMPARE(c.max_grad_norm, 0.3);
    QCOMPARE(c.lr, 2e-4);

    // Every first-order field round-trips through setConfig and the session file.
    qt::TrainConfig fo = saved;
    fo.method = "qlora";
    fo.lr = 3e-4;
    fo.lora_rank = 8;
    fo.lora_alpha = 12.5;
    fo.lora_targets = "q,v,down";
    fo.weight_decay = 0.01;
    fo.max_grad_norm = 0.5;
    fo.checkpoint_activations = false;
    fo.adam_beta1 = 0.8;  // not on the page: kept as it came
    fo.adam_beta2 = 0.99;
    fo.adam_eps = 1e-6;
    window_->methodPanel()->setConfig(fo);
    QVERIFY(!shown("epsEdit") && shown("loraRankSpin"));
    QVERIFY(!window_->findChild<QCheckBox*>("loraTarget_k")->isChecked());
    const QString path = dir_.filePath(QStringLiteral("qlora-session.json"));
    save_session(path, methodConfig());
    const qt::TrainConfig back = load_session(path);
    QCOMPARE(back.method, fo.method);
    QCOMPARE(back.lr, fo.lr);
    QCOMPARE(back.lora_rank, fo.lora_rank);
    QCOMPARE(back.lora_alpha, fo.lora_alpha);
    QCOMPARE(back.lora_targets, fo.lora_targets);
    QCOMPARE(back.weight_decay, fo.weight_decay);
    QCOMPARE(back.max_grad_norm, fo.max_grad_norm);
    QCOMPARE(back.checkpoint_activations, fo.checkpoint_activations);
    QCOMPARE(back.adam_beta1, fo.adam_beta1);
    QCOMPARE(back.adam_beta2, fo.adam_beta2);
    QCOMPARE(back.adam_eps, fo.adam_eps);
    QCOMPARE(back.eps, saved.eps);  // the hidden zeroth-order fields are kept too
    QCOMPARE(back.steps, saved.steps);
    window_->methodPanel()->setConfig(qt::TrainConfig{});
    window_->methodPanel()->setConfig(back);
    QCOMPARE(methodConfig().lora_targets, fo.lora_targets);
    QCOMPARE(methodConfig().max_grad_norm, fo.max_grad_norm);

    window_->methodPanel()->setConfig(saved);
    QCOMPARE(methodConfig().method, std::string("qzo"));
    QVERIFY(shown("epsEdit") && !shown("loraRankSpin"));
    QVERIFY(window_->methodPanel()->validationMessage().isEmpty());
}

// eps 0.05 is about the median scale of the default model's Q4_1 weights: the
// log must say so when training starts (with the default 1e-4 it must not).
void MainWindowTest::warnsWhenEpsSwampsTheScales() {
    auto* method = window_->findChild<QComboBox*>("methodCombo");
    method->setCurrentIndex(method->findData(QStringLiteral("qzo")));
    window_->findChild<QSpinBox*>("stepsSpin")->setValue(1);
    window_->findChild<QSpinBox*>("batchSpin")->setValue(1);
    window_->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
    auto* eps = window_->findChild<QLineEdit*>("epsEdit");
    const QString defaultEps = eps->text();
    TrainingPanel* tp = window_->trainingPanel();
    QVERIFY(!tp->logText().contains(QStringLiteral("Warning: eps")));
    eps->setText(QStringLiteral("0.05"));
    QTRY_VERIFY(window_->methodPanel()->validationMessage().isEmpty());
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("get perturbations above 10% of their scales")),
                             kLoadTimeoutMs);
    QVERIFY(tp->logText().contains(QStringLiteral("of the median |scale|")));
    QTRY_COMPARE_WITH_TIMEOUT(tp->state(), TrainingState::Idle, 120'000);
    eps->setText(defaultEps);
}

void MainWindowTest::trainsQzoByClickingStartWithPlotsMemoryAndPauseResume() {
    auto* method = window_->findChild<QComboBox*>("methodCombo");
    method->setCurrentIndex(method->findData(QStringLiteral("qzo")));
    window_->findChild<QSpinBox*>("stepsSpin")->setValue(kSteps);
    window_->findChild<QSpinBox*>("batchSpin")->setValue(1);
    window_->findChild<QSpinBox*>("evalEverySpin")->setValue(2);
    window_->findChild<QSpinBox*>("evalExamplesSpin")->setValue(1);
    // The engine's tested defaults for learning rate, perturbation and clipping (Safe defaults).
    QCOMPARE(window_->findChild<QLineEdit*>("lrEdit")->text(), QString::number(qt::TrainConfig{}.lr, 'g', 6));
    QVERIFY(window_->methodPanel()->validationMessage().isEmpty());

    TrainingPanel* tp = window_->trainingPanel();
    TrainingPlots* plots = tp->plots();
    window_->pages()->setCurrentIndex(MainWindow::TrainingPage);
    QPushButton* start = button("startButton");
    QVERIFY(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(tp->state() != TrainingState::Idle, kLoadTimeoutMs);

    // Pause as soon as the first step is in, then check that no further step comes.
    QTRY_VERIFY_WITH_TIMEOUT(plots->history().size() >= 1, kLoadTimeoutMs);
    QTest::mouseClick(button("pauseButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(tp->state(), TrainingState::Paused, 60'000);
    QCOMPARE(button("pauseButton")->text(), QStringLiteral("Resume"));
    const qsizetype atPause = plots->history().size();
    QVERIFY(atPause < kSteps);
    QTest::qWait(1500);
    QCOMPARE(plots->history().size(), atPause);

    // While paused: every ledger category drawn, non-zero, adding up to the ledger's total.
    MemoryView* mem = window_->memoryView();
    const MemoryBars& live = mem->live();
    QVERIFY(live.total_live > 0);
    double drawn = 0;
    qint64 exact = 0;
    for (int c = 0; c < qt::kMemoryCategoryCount; ++c) {
        drawn += mem->barBytes(MemoryView::LiveColumn, static_cast<qt::MemoryCategory>(c));
        exact += live.live[static_cast<size_t>(c)];
    }
    QCOMPARE(exact, live.total_live);
    QVERIFY2(qAbs(drawn - static_cast<double>(live.total_live)) < 1.0,
             qPrintable(QStringLiteral("%1 vs %2").arg(drawn).arg(live.total_live)));
    for (qt::MemoryCategory c : {qt::MemoryCategory::Weights, qt::MemoryCategory::TrainableParameters,
                                 qt::MemoryCategory::Activations, qt::MemoryCategory::KvCache})
        QVERIFY2(mem->barBytes(MemoryView::LiveColumn, c) > 0, qPrintable(QString::number(int(c))));
    // QZO holds no gradients and no optimizer states.
    QCOMPARE(mem->barBytes(MemoryView::LiveColumn, qt::MemoryCategory::Gradients), 0.0);
    QCOMPARE(mem->barBytes(MemoryView::LiveColumn, qt::MemoryCategory::OptimizerStates), 0.0);
    // The engine's plan for QZO got the trained scales and the weights right.
    const MethodMemoryPlan& qzo = window_->modelPanel()->plans().plans[0];
    QCOMPARE(qzo.bytes[int(qt::MemoryCategory::TrainableParameters)], live.live[int(qt::MemoryCategory::TrainableParameters)]);
    QCOMPARE(qzo.bytes[int(qt::MemoryCategory::Weights)], live.live[int(qt::MemoryCategory::Weights)]);
    // Hovering a segment names it and its bytes.
    const double weightsMid = live.live[int(qt::MemoryCategory::Weights)] / 2e6;
    const QPointF at(mem->plot()->xAxis->coordToPixel(MemoryView::LiveColumn), mem->plot()->yAxis->coordToPixel(weightsMid));
    QVERIFY2(mem->tooltipAt(at).contains(QString::number(live.live[int(qt::MemoryCategory::Weights)])),
             qPrintable(mem->tooltipAt(at)));
    shoot(MainWindow::MemoryPage, QStringLiteral("memory.png"));

    QTest::mouseClick(button("pauseButton"), Qt::LeftButton);  // Resume
    QTRY_COMPARE_WITH_TIMEOUT(tp->state(), TrainingState::Idle, 300'000);
    QCOMPARE(plots->history().size(), qsizetype(kSteps));
    for (int i = 0; i < kSteps; ++i) QCOMPARE(plots->history()[i].step, i + 1);  // none lost or repeated by the pause

    // Every plot received its points.
    QCOMPARE(plots->lossPlot()->graph(0)->dataCount(), kSteps);
    QCOMPARE(plots->lossPlot()->graph(1)->dataCount(), kSteps / 2);  // evaluated every 2 steps
    QCOMPARE(plots->gradientPlot()->graph(0)->dataCount(), kSteps);
    QCOMPARE(plots->gradientPlot()->graph(1)->dataCount(), kSteps);
    QCOMPARE(plots->lrPlot()->graph(0)->dataCount(), kSteps);
    QCOMPARE(plots->throughputPlot()->graph(0)->dataCount(), kSteps);
    for (const StepMetrics& m : plots->history()) {
        QVERIFY(std::isfinite(m.loss) && m.loss > 0);
        QVERIFY(m.tokens_per_second > 0);
        QCOMPARE(m.lr, qt::TrainConfig{}.lr);
        QVERIFY(std::abs(m.clipped_grad) <= std::abs(m.projected_grad) + 1e-12);
    }
    QCOMPARE(window_->findChild<QProgressBar*>("trainingProgress")->value(), kSteps);
    QVERIFY(tp->logText().contains(QStringLiteral("paused after step")));
    QVERIFY(tp->logText().contains(QStringLiteral("resumed")));

    // Exports.
    const QString csv = dir_.filePath(QStringLiteral("metrics.csv"));
    QVERIFY(plots->exportCsv(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().count('\n'), kSteps + 1);
    QVERIFY(plots->exportPng(QDir(screenshot_dir()).filePath(QStringLiteral("plots-export.png"))));
    // The fine-tuned model can be written out, and the engine opens it again.
    const QString gguf = dir_.filePath(QStringLiteral("fine-tuned.gguf"));
    window_->exportModel(gguf);
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("fine-tuned model written to")), kLoadTimeoutMs);
    QVERIFY(qt::GgufFile::open(gguf.toStdString())->tensors().size() > 100);
    shoot(MainWindow::TrainingPage, QStringLiteral("training.png"));
}

void MainWindowTest::comparesBaseAndFineTunedAnswers() {
    window_->pages()->setCurrentIndex(MainWindow::ComparePage);
    window_->comparePanel()->setPrompt(QStringLiteral("What colour is item 3?"));
    window_->findChild<QSpinBox*>("compareMaxTokens")->setValue(8);
    QTest::mouseClick(button("compareButton"), Qt::LeftButton);
    auto* base = window_->findChild<QTextEdit*>("baseAnswer");
    auto* tuned = window_->findChild<QTextEdit*>("tunedAnswer");
    QTRY_VERIFY_WITH_TIMEOUT(!base->toPlainText().isEmpty(), kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!tuned->toPlainText().isEmpty(), kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isBusy(), kLoadTimeoutMs);
    QCOMPARE(window_->comparePanel()->historyCount(), 1);
    QCOMPARE(window_->errors().size(), qsizetype(1));  // only the broken model's
    const QString md = dir_.filePath(QStringLiteral("compare.md"));
    QVERIFY(window_->comparePanel()->exportMarkdown(md));
    QFile f(md);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(f.readAll());
    QVERIFY(text.contains(base->toPlainText()) && text.contains(tuned->toPlainText()));
    shoot(MainWindow::ComparePage, QStringLiteral("compare.png"));
}

void MainWindowTest::savesTheSessionAsTheCliConfig() {
    const QString path = dir_.filePath(QStringLiteral("session.json"));
    window_->saveSession(path);
    const qt::TrainConfig c = qt::load_train_config(path.toStdString());  // what --config reads
    QCOMPARE(c.method, std::string("qzo"));
    QCOMPARE(c.steps, int64_t(kSteps));
    QCOMPARE(c.max_length, 64);
    QCOMPARE(QString::fromStdString(c.data), dataPath_);
    QCOMPARE(QString::fromStdString(c.model), QString::fromStdString(qt::default_model_path()));
    // The Safety box's settings: the GUI's checkpoint defaults and the guard.
    QCOMPARE(c.checkpoint_every, int64_t(MethodPanel::kDefaultCheckpointEvery));
    QCOMPARE(c.checkpoint_minutes, MethodPanel::kDefaultCheckpointMinutes);
    QVERIFY(c.guard);
    QCOMPARE(c.guard_spike_factor, qt::TrainConfig{}.guard_spike_factor);
    QVERIFY(c.out_dir.empty());  // a run's folder is chosen at Start, not saved with the session
    // Loading it back sets the method page and opens the model, then the data.
    window_->findChild<QSpinBox*>("stepsSpin")->setValue(99);
    QSignalSpy modelReady(window_, &MainWindow::modelReady);
    QSignalSpy dataReady(window_, &MainWindow::datasetReady);
    window_->loadSession(path);
    QCOMPARE(window_->findChild<QSpinBox*>("stepsSpin")->value(), kSteps);
    QTRY_COMPARE_WITH_TIMEOUT(modelReady.count(), 1, kLoadTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dataReady.count(), 1, kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isBusy(), kLoadTimeoutMs);
    // A broken session file is named in a dialog, and the session stays.
    const QString bad = dir_.filePath(QStringLiteral("bad-session.json"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"method\": \"qzo\", \"stpes\": 3}");
    f.close();
    window_->loadSession(bad);
    QVERIFY2(window_->errors().last().contains(QStringLiteral("stpes")), qPrintable(window_->errors().last()));
    window_->findChild<QMessageBox*>("engineErrorDialog")->accept();
    QCOMPARE(window_->findChild<QSpinBox*>("stepsSpin")->value(), kSteps);
}

void MainWindowTest::switchesLanguage() {
    // Installing a translator posts LanguageChange to every window; each page sets its texts again.
    QVERIFY(apply_ui_language(QStringLiteral("fr")));
    QTRY_COMPARE(window_->pages()->tabText(MainWindow::ModelPage), QStringLiteral("Modèle"));
    QCOMPARE(button("startButton")->text(), QStringLiteral("Démarrer"));
    QCOMPARE(window_->findChild<QPushButton*>("paperSettingsButton")->text(), QStringLiteral("Réglages de l'article"));
    // The engine's method titles and summaries are translated too: a changed engine text shows here.
    auto* method = window_->findChild<QComboBox*>("methodCombo");
    auto methodsTranslated = [method] {
        for (int i = 0; i < method->count(); ++i) {
            const qt::TrainingMethodInfo& m = qt::training_methods()[size_t(i)];
            if (method->itemText(i) == QString::fromUtf8(m.title)) return QString::fromUtf8(m.title);
            if (method->itemData(i, Qt::ToolTipRole).toString() == QString::fromUtf8(m.summary))
                return QString::fromUtf8(m.summary);
        }
        return QString();
    };
    QCOMPARE(methodsTranslated(), QString());
    shoot(MainWindow::MethodPage, QStringLiteral("method-fr.png"));
    QVERIFY(apply_ui_language(QStringLiteral("zh_CN")));
    QTRY_COMPARE(window_->pages()->tabText(MainWindow::ModelPage), QStringLiteral("模型"));
    QCOMPARE(methodsTranslated(), QString());
    shoot(MainWindow::MemoryPage, QStringLiteral("memory-zh_CN.png"));
    QVERIFY(apply_ui_language(QStringLiteral("pt_BR")));
    QTRY_COMPARE(window_->pages()->tabText(MainWindow::ModelPage), QStringLiteral("Modelo"));
    QCOMPARE(methodsTranslated(), QString());
    shoot(MainWindow::TrainingPage, QStringLiteral("training-pt_BR.png"));
    QVERIFY(!apply_ui_language(QStringLiteral("xx")));  // no such translation
    QVERIFY(apply_ui_language(QStringLiteral("en")));
    QTRY_COMPARE(window_->pages()->tabText(MainWindow::ModelPage), QStringLiteral("Model"));
}

void MainWindowTest::savesScreenshotsOfEveryPage() {
    shoot(MainWindow::ModelPage, QStringLiteral("model.png"));
    shoot(MainWindow::DatasetPage, QStringLiteral("dataset.png"));
    shoot(MainWindow::MethodPage, QStringLiteral("method.png"));
    shoot(MainWindow::DevicePage, QStringLiteral("device.png"));
    for (const char* name : {"model.png", "dataset.png", "method.png", "device.png", "training.png", "memory.png",
                             "compare.png"})
        QVERIFY2(QFileInfo(QDir(screenshot_dir()).filePath(QString::fromLatin1(name))).size() > 10'000, name);
}

// QLoRA in the GUI on a random 2-layer model: the steps report first-order metrics
// with a finite gradient norm, the plots show the norm in place of d, and the
// memory view draws the ledger's gradients and AdamW states (the memory plan
// has no QLoRA row: only the live bar shows them). Then the default model again.
void MainWindowTest::trainsQloraOnATinyRandomModelWithGradientNormAndOptimizerMemory() {
    const qt::TrainConfig saved = methodConfig();
    const qsizetype errorsBefore = window_->errors().size();
    const QString tiny = dir_.filePath(QStringLiteral("tiny-random.gguf"));
    qt::write_random_llama_gguf(tiny.toStdString(), qt::RandomLlamaSpec{});
    QSignalSpy modelReady(window_, &MainWindow::modelReady);
    QSignalSpy dataReady(window_, &MainWindow::datasetReady);
    window_->openModel(tiny);
    QTRY_COMPARE_WITH_TIMEOUT(modelReady.count(), 1, kLoadTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dataReady.count(), 1, kLoadTimeoutMs);  // read again with its tokenizer
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isBusy(), kLoadTimeoutMs);
    QCOMPARE(window_->modelPanel()->summary().layers, 2);

    constexpr int kQloraSteps = 3;
    chooseMethod("qlora");
    QCOMPARE(window_->findChild<QLineEdit*>("lrEdit")->text().toDouble(), 2e-4);
    window_->findChild<QSpinBox*>("stepsSpin")->setValue(kQloraSteps);
    window_->findChild<QSpinBox*>("batchSpin")->setValue(2);
    window_->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
    window_->findChild<QSpinBox*>("evalExamplesSpin")->setValue(2);
    window_->findChild<QSpinBox*>("loraRankSpin")->setValue(4);
    QVERIFY2(window_->methodPanel()->validationMessage().isEmpty(), qPrintable(window_->methodPanel()->validationMessage()));
    shoot(MainWindow::MethodPage, QStringLiteral("method-qlora.png"));

    TrainingPanel* tp = window_->trainingPanel();
    TrainingPlots* plots = tp->plots();
    MemoryView* mem = window_->memoryView();
    window_->pages()->setCurrentIndex(MainWindow::TrainingPage);
    QVERIFY(button("startButton")->isEnabled());
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("Training qlora for 3 steps")), kLoadTimeoutMs);
    // During the run: after its first step the ledger holds the adapters' gradients and AdamW's moments.
    QTRY_VERIFY_WITH_TIMEOUT(plots->history().size() >= 1, kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(mem->barBytes(MemoryView::LiveColumn, qt::MemoryCategory::OptimizerStates) > 0, 30'000);
    QVERIFY(mem->barBytes(MemoryView::LiveColumn, qt::MemoryCategory::Gradients) > 0);
    QTRY_COMPARE_WITH_TIMEOUT(tp->state(), TrainingState::Idle, 300'000);
    QCOMPARE(plots->history().size(), qsizetype(kQloraSteps));
    QVERIFY2(window_->errors().size() == errorsBefore, qPrintable(window_->errors().join('\n')));

    for (const StepMetrics& m : plots->history()) {
        QVERIFY(m.first_order);
        QVERIFY2(std::isfinite(m.grad_norm) && m.grad_norm > 0, qPrintable(QString::number(m.grad_norm)));
        QVERIFY(std::isfinite(m.loss) && m.loss > 0);
        QCOMPARE(m.lr, 2e-4);
        QCOMPARE(m.projected_grad, 0.0);
    }
    // The gradient's norm in place of d and d'.
    QVERIFY(plots->showsFirstOrder());
    QVERIFY(plots->gradientNormPlot()->isVisibleTo(plots) && !plots->gradientPlot()->isVisibleTo(plots));
    QCOMPARE(plots->gradientNormPlot()->graph(0)->dataCount(), kQloraSteps);
    QCOMPARE(plots->gradientNormPlot()->graph(0)->data()->at(0)->value, plots->history()[0].grad_norm);
    QCOMPARE(plots->gradientPlot()->graph(0)->dataCount(), 0);
    QVERIFY(!plots->gradientNormPlot()->yAxis->label().isEmpty());
    const QString csv = dir_.filePath(QStringLiteral("qlora-metrics.csv"));
    QVERIFY(plots->exportCsv(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), kQloraSteps + 1);
    const QStringList header = lines[0].split(QLatin1Char(','));
    const int normColumn = header.indexOf(QStringLiteral("grad_norm"));
    const int clippedColumn = header.indexOf(QStringLiteral("grad_clipped"));
    QVERIFY(normColumn > 0 && clippedColumn > 0);
    const QStringList row = lines[1].split(QLatin1Char(','));
    QCOMPARE(row.size(), header.size());
    QVERIFY(qAbs(row[normColumn].toDouble() - plots->history()[0].grad_norm) <= 1e-9 * plots->history()[0].grad_norm);
    QCOMPARE(row[clippedColumn], plots->history()[0].grad_clipped ? QStringLiteral("1") : QStringLiteral("0"));

    // After the run the session (and its optimizer) stays: the bars are the ledger's own numbers.
    const MemoryBars& live = mem->live();
    for (qt::MemoryCategory c : {qt::MemoryCategory::Weights, qt::MemoryCategory::TrainableParameters,
                                 qt::MemoryCategory::Gradients, qt::MemoryCategory::OptimizerStates}) {
        QVERIFY2(live.live[size_t(c)] > 0, qPrintable(QString::number(int(c))));
        QCOMPARE(mem->barBytes(MemoryView::LiveColumn, c), double(live.live[size_t(c)]));
    }
    // LoRA: a gradient and two AdamW moments per adapter value.
    QCOMPARE(live.live[int(qt::MemoryCategory::Gradients)], live.live[int(qt::MemoryCategory::TrainableParameters)]);
    QCOMPARE(live.live[int(qt::MemoryCategory::OptimizerStates)],
             2 * live.live[int(qt::MemoryCategory::TrainableParameters)]);
    // The engine's QLoRA plan, asked for with the Method page's rank 4, holds what the run holds.
    const QList<MethodMemoryPlan>& planList = window_->modelPanel()->plans().plans;
    const auto planned = std::find_if(planList.begin(), planList.end(),
                                      [](const MethodMemoryPlan& p) { return p.method == QLatin1String("qlora"); });
    QVERIFY(planned != planList.end());
    for (qt::MemoryCategory c : {qt::MemoryCategory::Weights, qt::MemoryCategory::TrainableParameters,
                                 qt::MemoryCategory::Gradients, qt::MemoryCategory::OptimizerStates})
        QCOMPARE(planned->bytes[size_t(c)], live.live[size_t(c)]);
    const int qloraColumn = MemoryView::FirstPlanColumn + int(planned - planList.begin());
    QCOMPARE(mem->barBytes(qloraColumn, qt::MemoryCategory::OptimizerStates),
             double(planned->bytes[int(qt::MemoryCategory::OptimizerStates)]));
    // Export: the merged, re-quantized model and the adapter alone, with what rounding kept.
    const QString merged = dir_.filePath(QStringLiteral("qlora-merged.gguf"));
    window_->exportModel(merged);
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("fine-tuned model written to")), kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("also written: ") + dir_.filePath(QStringLiteral("qlora-merged.lora.gguf"))),
                             kLoadTimeoutMs);
    QVERIFY2(tp->logText().contains(QStringLiteral("Note: re-quantization keeps")), qPrintable(tp->logText().right(1500)));
    QVERIFY(QFileInfo(merged).size() > 0 && QFileInfo(dir_.filePath(QStringLiteral("qlora-merged.lora.gguf"))).size() > 0);
    shoot(MainWindow::TrainingPage, QStringLiteral("training-qlora.png"));
    shoot(MainWindow::MemoryPage, QStringLiteral("memory-qlora.png"));

    // The later tests run QZO on the default model again.
    window_->methodPanel()->setConfig(saved);
    window_->openModel(QString::fromStdString(qt::default_model_path()));
    QTRY_COMPARE_WITH_TIMEOUT(modelReady.count(), 2, kLoadTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dataReady.count(), 2, kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isBusy(), kLoadTimeoutMs);
}

// Q-GaLore in the GUI on a random 2-layer model: its nine settings from the
// registry, set on the Method page, reach the worker in the TrainConfig; the steps
// carry its per-layer metrics to the bars and the heat map; the memory view names
// the ledger's categories its way (INT8 weights, INT4 projections, 8-bit Adam
// states) with the projections as their own bar. Then the default model again.
void MainWindowTest::trainsQgaloreWithItsOwnSettingsPlotsAndMemoryNames() {
    const qt::TrainConfig saved = methodConfig();
    const qsizetype errorsBefore = window_->errors().size();
    const QString tiny = dir_.filePath(QStringLiteral("tiny-random-qgalore.gguf"));
    qt::write_random_llama_gguf(tiny.toStdString(), qt::RandomLlamaSpec{});
    QSignalSpy modelReady(window_, &MainWindow::modelReady);
    QSignalSpy dataReady(window_, &MainWindow::datasetReady);
    window_->openModel(tiny);
    QTRY_COMPARE_WITH_TIMEOUT(modelReady.count(), 1, kLoadTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dataReady.count(), 1, kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isBusy(), kLoadTimeoutMs);

    constexpr int kQgaloreSteps = 5;
    chooseMethod("qgalore");
    MethodPanel* panel = window_->methodPanel();
    QVERIFY(shown("methodSettings_qgalore"));
    for (const qt::MethodSetting& s : qt::training_method("qgalore").settings) {
        QWidget* field = panel->settingField("qgalore", s.key);
        QVERIFY2(field && field->isVisibleTo(panel) && field->toolTip() == QString::fromUtf8(s.tooltip), s.key);
    }
    QCOMPARE(window_->findChild<QLineEdit*>("lrEdit")->text().toDouble(), qt::training_method("qgalore").default_lr);
    window_->findChild<QSpinBox*>("stepsSpin")->setValue(kQgaloreSteps);
    window_->findChild<QSpinBox*>("batchSpin")->setValue(2);
    window_->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
    window_->findChild<QSpinBox*>("evalExamplesSpin")->setValue(2);
    // An SVD every step at first; each similarity (>= 0) settles a layer and doubles its gap:
    // SVDs at steps 0, 1, 2 and 4 of 5, one saved per weight.
    qobject_cast<QSpinBox*>(panel->settingField("qgalore", "galore_rank"))->setValue(8);
    qobject_cast<QSpinBox*>(panel->settingField("qgalore", "galore_update_gap"))->setValue(1);
    qobject_cast<QSpinBox*>(panel->settingField("qgalore", "galore_queue"))->setValue(1);
    qobject_cast<QDoubleSpinBox*>(panel->settingField("qgalore", "galore_threshold"))->setValue(0);
    qobject_cast<QSpinBox*>(panel->settingField("qgalore", "galore_weight_group"))->setValue(128);
    QVERIFY2(panel->validationMessage().isEmpty(), qPrintable(panel->validationMessage()));
    shoot(MainWindow::MethodPage, QStringLiteral("method-qgalore.png"));

    TrainingPanel* tp = window_->trainingPanel();
    TrainingPlots* plots = tp->plots();
    MemoryView* mem = window_->memoryView();
    QSignalSpy requested(window_, &MainWindow::trainingRequested);
    QVERIFY(button("startButton")->isEnabled());
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    QCOMPARE(requested.count(), 1);
    const auto sent = requested.at(0).at(0).value<qt::TrainConfig>();
    QCOMPARE(sent.method, std::string("qgalore"));
    QCOMPARE(sent.galore_rank, 8);
    QCOMPARE(sent.galore_update_gap, int64_t(1));
    QCOMPARE(sent.galore_queue, 1);
    QCOMPARE(sent.galore_threshold, 0.0);
    QCOMPARE(sent.galore_weight_group, 128);
    QCOMPARE(sent.galore_proj_group, qt::TrainConfig{}.galore_proj_group);
    QVERIFY(sent.galore_quantized && sent.galore_stochastic_round);
    QCOMPARE(QString::fromStdString(sent.model), tiny);
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("Training qgalore for 5 steps")), kLoadTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(tp->state(), TrainingState::Idle, 300'000);
    QVERIFY2(window_->errors().size() == errorsBefore, qPrintable(window_->errors().join('\n')));
    QCOMPARE(plots->history().size(), qsizetype(kQgaloreSteps));

    // The method's own numbers, per layer (7 linears each): 4 SVDs done and 1 saved per linear.
    const StepMetrics& last = plots->history().last();
    QStringList names;
    for (const LayerSeriesValues& s : last.method_series) names << s.name;
    QCOMPARE(names, QStringList({"svds_done", "svds_saved", "subspace_similarity"}));
    MethodMetricPlots* method = plots->methodPlots();
    QVERIFY(method->isVisibleTo(plots));
    QCPBars* done = method->countBars(QStringLiteral("svds_done"));
    QCPBars* savedSvds = method->countBars(QStringLiteral("svds_saved"));
    QVERIFY(done && savedSvds && done->barsGroup() == savedSvds->barsGroup());
    QCOMPARE(done->dataCount(), 2);  // one bar per layer
    QCOMPARE(savedSvds->dataCount(), 2);
    double doneSum = 0, savedSum = 0;
    for (int l = 0; l < 2; ++l) {
        QCOMPARE(done->data()->at(l)->value, last.method_series[0].values[l]);
        doneSum += done->data()->at(l)->value;
        savedSum += savedSvds->data()->at(l)->value;
    }
    QVERIFY2(doneSum == 2 * 7 * 4 && savedSum == 2 * 7 * 1,
             qPrintable(QStringLiteral("%1 done, %2 saved").arg(doneSum).arg(savedSum)));
    QCPColorMap* map = method->heatMap(QStringLiteral("subspace_similarity"));
    QVERIFY(map);
    QCOMPARE(map->data()->keySize(), kQgaloreSteps);
    QCOMPARE(map->data()->valueSize(), 2);
    QVERIFY(std::isnan(map->data()->cell(0, 0)));  // one SVD: no similarity yet
    QVERIFY(std::isfinite(map->data()->cell(kQgaloreSteps - 1, 0)));

    // The memory view names Q-GaLore's categories its way, the projections a bar of their own.
    const MemoryBars& live = mem->live();
    for (qt::MemoryCategory c : {qt::MemoryCategory::TrainableParameters, qt::MemoryCategory::Projections,
                                 qt::MemoryCategory::OptimizerStates}) {
        QVERIFY2(live.live[size_t(c)] > 0, qPrintable(QString::number(int(c))));
        QCOMPARE(mem->barBytes(MemoryView::LiveColumn, c), double(live.live[size_t(c)]));
    }
    QVERIFY2(mem->legendName(qt::MemoryCategory::TrainableParameters).contains(QStringLiteral("INT8 weights")),
             qPrintable(mem->legendName(qt::MemoryCategory::TrainableParameters)));
    QVERIFY(mem->legendName(qt::MemoryCategory::Projections).contains(QStringLiteral("INT4 projections")));
    QVERIFY(mem->legendName(qt::MemoryCategory::OptimizerStates).contains(QStringLiteral("8-bit Adam states")));
    shoot(MainWindow::TrainingPage, QStringLiteral("training-qgalore.png"));
    shoot(MainWindow::MemoryPage, QStringLiteral("memory-qgalore.png"));

    // The later tests run QZO on the default model again; its plots and memory names are plain again.
    window_->methodPanel()->setConfig(saved);
    window_->openModel(QString::fromStdString(qt::default_model_path()));
    QTRY_COMPARE_WITH_TIMEOUT(modelReady.count(), 2, kLoadTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(dataReady.count(), 2, kLoadTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!window_->isBusy(), kLoadTimeoutMs);
    QCOMPARE(mem->legendName(qt::MemoryCategory::TrainableParameters), QStringLiteral("Trainable parameters"));
}

void MainWindowTest::asksBeforeClosingDuringTrainingThenStopsCleanly() {
    window_->findChild<QSpinBox*>("stepsSpin")->setValue(200);
    window_->findChild<QSpinBox*>("evalEverySpin")->setValue(0);
    TrainingPanel* tp = window_->trainingPanel();
    QTest::mouseClick(button("startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(tp->plots()->history().size() >= 1, kLoadTimeoutMs);
    // The question comes as a modal box: answer it from a timer, first No, then Yes.
    auto answer = [](QMessageBox::StandardButton which) {
        QTimer::singleShot(100, [which] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            QVERIFY(box);
            QVERIFY(box->text().contains(QStringLiteral("Stop it")));
            box->button(which)->click();
        });
    };
    answer(QMessageBox::No);
    QVERIFY(!window_->close());
    QVERIFY(window_->isVisible());
    QVERIFY(tp->state() != TrainingState::Idle);
    answer(QMessageBox::Yes);
    QVERIFY(window_->close());
    // The run ends after its current step, well before its 200 steps.
    QTRY_COMPARE_WITH_TIMEOUT(tp->state(), TrainingState::Idle, 60'000);
    QVERIFY(tp->plots()->history().size() < 200);
    QVERIFY(tp->logText().contains(QStringLiteral("training stopped after")));
}

void MainWindowTest::cleanupTestCase() {
    delete window_;
    window_ = nullptr;
}

void MainWindowTest::shoot(MainWindow::Page page, const QString& name) {
    window_->pages()->setCurrentIndex(page);
    QTest::qWait(150);  // queued replots
    const QString path = QDir(screenshot_dir()).filePath(name);
    QVERIFY2(window_->grab().save(path, "PNG"), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"
