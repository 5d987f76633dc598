// The desktop app end to end, offscreen: the window opens on the default model,
// a small dataset loads, a few QZO steps run after a click on Start, the plots
// and the memory view fill from the engine, pause and resume hold, and the
// compare page shows a base and a fine-tuned answer. Every main page is saved as
// a PNG (QUANTTUNE_SCREENSHOT_DIR, else build/tests/ui/screenshots).
#include <QAbstractItemModel>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
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
#include <qcustomplot.h>

#include "compare_panel.h"
#include "dataset_panel.h"
#include "dataset_preview_model.h"
#include "main_window.h"
#include "memory_view.h"
#include "method_panel.h"
#include "gguf/gguf_file.h"
#include "model/loaded_model.h"
#include "model_panel.h"
#include "training_panel.h"
#include "training_plots.h"
#include "train/train_config.h"
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
    void warnsWhenEpsSwampsTheScales();
    void trainsQzoByClickingStartWithPlotsMemoryAndPauseResume();
    void comparesBaseAndFineTunedAnswers();
    void savesTheSessionAsTheCliConfig();
    void switchesLanguage();
    void savesScreenshotsOfEveryPage();
    void asksBeforeClosingDuringTrainingThenStopsCleanly();
    void cleanupTestCase();

private:
    void shoot(MainWindow::Page page, const QString& name);
    QPushButton* button(const char* name) const { return window_->findChild<QPushButton*>(name); }

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
    // Three plans, ordered by need: QZO < MeZO < bf16 AdamW full fine-tuning, at the Method page's shape.
    QTRY_COMPARE_WITH_TIMEOUT(window_->modelPanel()->plans().plans.size(), qsizetype(3), 30'000);
    const MemoryPlans& p = window_->modelPanel()->plans();
    QCOMPARE(p.max_tokens, qt::TrainConfig{}.max_length);
    QCOMPARE(p.batch_size, qt::TrainConfig{}.batch_size);
    QCOMPARE(p.plans[0].method, QStringLiteral("qzo"));
    QCOMPARE(p.plans[1].method, QStringLiteral("mezo"));
    QCOMPARE(p.plans[2].method, QStringLiteral("full-bf16-adamw"));
    QVERIFY(p.plans[0].total() > 0);
    QVERIFY(p.plans[0].total() < p.plans[1].total());
    QVERIFY(p.plans[1].total() < p.plans[2].total());
    // Full fine-tuning: 2 + 2 + 8 + 4 bytes per parameter before activations.
    const auto& full = p.plans[2].bytes;
    QCOMPARE(full[int(qt::MemoryCategory::Weights)] + full[int(qt::MemoryCategory::TrainableParameters)] +
                 full[int(qt::MemoryCategory::Gradients)] + full[int(qt::MemoryCategory::OptimizerStates)],
             16 * s.parameters);
    QVERIFY(window_->modelPanel()->findChild<QTableWidget*>("memoryPlanTable")->rowCount() == 3);
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
    QTRY_VERIFY_WITH_TIMEOUT(tp->logText().contains(QStringLiteral("Warning: eps is above 10% of the scales of")),
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
    shoot(MainWindow::MethodPage, QStringLiteral("method-fr.png"));
    QVERIFY(apply_ui_language(QStringLiteral("zh_CN")));
    QTRY_COMPARE(window_->pages()->tabText(MainWindow::ModelPage), QStringLiteral("模型"));
    shoot(MainWindow::MemoryPage, QStringLiteral("memory-zh_CN.png"));
    QVERIFY(apply_ui_language(QStringLiteral("pt_BR")));
    QTRY_COMPARE(window_->pages()->tabText(MainWindow::ModelPage), QStringLiteral("Modelo"));
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
