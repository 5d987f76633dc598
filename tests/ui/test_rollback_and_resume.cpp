// Training that never loses work, in the GUI: a rollback of the divergence guard
// marked on the loss plot at its step with the engine's reason; the engine worker
// running a QZO run on a tiny random model through TrainingSession::step with a
// NaN loss injected at the engine's step 3 (QUANTTUNE_FAULTS=nan-loss@3), rolling
// back and finishing, with its checkpoint and metrics.jsonl in the run's folder;
// an unfinished run found in its folder and resumed from its checkpoint; and the
// window's offer, at start, to resume it (a dialog that does not block).
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <cmath>
#include <qcustomplot.h>

#include "engine_events.h"
#include "engine_worker.h"
#include "gguf/random_llama_gguf.h"
#include "main_window.h"
#include "run_folder.h"
#include "train/checkpoint.h"
#include "train/train_config.h"
#include "training_panel.h"
#include "training_plots.h"

using namespace qt::ui;

namespace {

constexpr int kTimeoutMs = 120'000;
// The engine counts steps from 0: its step 3 is the fourth, shown as step 4 by the plots and the log.
constexpr int kFaultyEngineStep = 3;
constexpr int kFaultyShownStep = kFaultyEngineStep + 1;

// The engine worker in a thread of its own, as the window runs it; its answers are
// collected on this thread through queued connections, as the window receives them.
struct WorkerHarness {
    QThread thread;
    EngineWorker* worker = new EngineWorker;
    QObject inbox;
    int modelsLoaded = 0, datasetsLoaded = 0;
    QList<StepMetrics> steps;
    struct Rolled {
        int step, toStep;
        QString reason;
    };
    QList<Rolled> rollbacks;
    QStringList finished, errors, log;
    WorkerHarness() {
        QObject::connect(worker, &EngineWorker::modelLoaded, &inbox, [this] { ++modelsLoaded; });
        QObject::connect(worker, &EngineWorker::datasetLoaded, &inbox, [this] { ++datasetsLoaded; });
        QObject::connect(worker, &EngineWorker::stepFinished, &inbox, [this](const StepMetrics& m) { steps << m; });
        QObject::connect(worker, &EngineWorker::rolledBack, &inbox,
                         [this](int step, int to, const QString& why) { rollbacks << Rolled{step, to, why}; });
        QObject::connect(worker, &EngineWorker::trainingFinished, &inbox, [this](const QString& why) { finished << why; });
        QObject::connect(worker, &EngineWorker::engineError, &inbox,
                         [this](const QString& c, const QString& m) { errors << c + QStringLiteral(": ") + m; });
        QObject::connect(worker, &EngineWorker::logLine, &inbox, [this](const QString& l) { log << l; });
        worker->moveToThread(&thread);
        thread.start();
    }
    ~WorkerHarness() {
        worker->requestStop();
        thread.quit();
        thread.wait();
        delete worker;
    }
    bool open(const QString& model, const QString& data) {
        QMetaObject::invokeMethod(worker, [w = worker, model] { w->loadModel(model, QStringLiteral("cpu")); },
                                  Qt::QueuedConnection);
        QMetaObject::invokeMethod(worker, [w = worker, data] { w->loadDataset(data, 32); }, Qt::QueuedConnection);
        return QTest::qWaitFor([this] { return modelsLoaded == 1 && datasetsLoaded == 1; }, kTimeoutMs);
    }
    void start(const qt::TrainConfig& c, const QString& resumeFrom = QString()) {
        QMetaObject::invokeMethod(worker, [w = worker, c, resumeFrom] { w->startTraining(c, resumeFrom); },
                                  Qt::QueuedConnection);
    }
    void stop() { QMetaObject::invokeMethod(worker, &EngineWorker::stopTraining, Qt::QueuedConnection); }
};

QString read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace

class RollbackAndResumeTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void marksARollbackOnTheLossPlotAtItsStepWithTheReason();
    void workerRollsBackAnInjectedNanLossAndFinishesTheRun();
    void findsAnUnfinishedRunInItsFolderAndResumesIt();
    void offersAtStartToResumeTheUnfinishedRunWithoutBlocking();

private:
    qt::TrainConfig tinyConfig(const QString& folder, int64_t steps) const {
        qt::TrainConfig c;
        c.method = "qzo";
        c.model = modelPath_.toStdString();
        c.data = dataPath_.toStdString();
        c.out_dir = folder.toStdString();
        c.steps = steps;
        c.batch_size = 1;
        c.max_length = 32;
        c.eval_every = 0;
        c.eval_examples = 1;
        c.checkpoint_every = 2;
        return c;
    }

    QTemporaryDir dir_;
    QString modelPath_, dataPath_;
    QString unfinishedFolder_;  // the stopped run of findsAnUnfinishedRunInItsFolderAndResumesIt
};

void RollbackAndResumeTest::initTestCase() {
    // Read once per process by the engine (util/fault_injection.h): set before any step runs.
    qputenv("QUANTTUNE_FAULTS", QByteArray("nan-loss@") + QByteArray::number(kFaultyEngineStep));
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuantTuneTest"));
    QCoreApplication::setApplicationName(QStringLiteral("QuantTuneRollbackTest"));
    QSettings().clear();
    QSettings().setValue("openModelAtStart", false);
    register_engine_event_types();
    QVERIFY(dir_.isValid());
    qputenv("QUANTTUNE_RUNS_DIR", dir_.filePath(QStringLiteral("runs")).toUtf8());
    modelPath_ = dir_.filePath(QStringLiteral("tiny.gguf"));
    qt::write_random_llama_gguf(modelPath_.toStdString(), qt::RandomLlamaSpec{});
    dataPath_ = dir_.filePath(QStringLiteral("tiny.jsonl"));
    QFile f(dataPath_);
    QVERIFY(f.open(QIODevice::WriteOnly));
    const char* words[] = {"red", "blue", "green", "yellow", "black", "white"};
    for (int i = 0; i < 12; ++i)
        f.write(QStringLiteral("{\"prompt\": \"What colour is item %1?\", \"completion\": \"Item %1 is %2.\"}\n")
                    .arg(i)
                    .arg(QString::fromLatin1(words[i % 6]))
                    .toUtf8());
}

void RollbackAndResumeTest::marksARollbackOnTheLossPlotAtItsStepWithTheReason() {
    TrainingPlots plots;
    plots.resize(900, 600);
    plots.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plots));
    for (int s = 1; s <= 6; ++s) {
        StepMetrics m;
        m.step = s;
        m.total_steps = 6;
        m.loss = s == kFaultyShownStep ? std::nan("") : 3.0 - 0.1 * s;
        m.lr = 1e-7;
        plots.addStep(m);
    }
    const QString reason = QStringLiteral("the loss is not finite (l+ nan, l- 2.5)");
    plots.addRollback(kFaultyShownStep, reason);
    QCustomPlot* loss = plots.lossPlot();
    loss->replot();

    QCOMPARE(plots.rollbacks().size(), qsizetype(1));
    QCOMPARE(plots.rollbacks()[0].step, kFaultyShownStep);
    QCOMPARE(plots.rollbacks()[0].reason, reason);
    // A vertical line on the loss plot at x = 4, labelled, and a legend entry for it.
    QList<QCPItemStraightLine*> lines;
    for (int i = 0; i < loss->itemCount(); ++i)
        if (auto* l = qobject_cast<QCPItemStraightLine*>(loss->item(i))) lines << l;
    QCOMPARE(lines.size(), qsizetype(1));
    QCOMPARE(lines[0]->point1->coords().x(), double(kFaultyShownStep));
    QCOMPARE(lines[0]->point2->coords().x(), double(kFaultyShownStep));
    QCOMPARE(plots.rollbacks()[0].label->text(), QStringLiteral("rollback"));
    QCOMPARE(plots.rollbacks()[0].label->position->coords().x(), double(kFaultyShownStep));
    QVERIFY(loss->legend->hasItemWithPlottable(loss->graph(2)));
    // Hovering the line gives the reason; elsewhere nothing.
    const double y = loss->axisRect()->center().y();
    const QString tip = plots.rollbackTooltipAt(QPointF(loss->xAxis->coordToPixel(kFaultyShownStep), y));
    QVERIFY2(tip.contains(reason) && tip.contains(QStringLiteral("Step 4")), qPrintable(tip));
    QVERIFY(plots.rollbackTooltipAt(QPointF(loss->xAxis->coordToPixel(2), y)).isEmpty());
    // The other plots carry no marker.
    QCOMPARE(plots.lrPlot()->itemCount(), 0);

    // A new run starts without markers.
    plots.clear();
    QVERIFY(plots.rollbacks().isEmpty());
    QCOMPARE(loss->itemCount(), 0);
    QVERIFY(!loss->legend->hasItemWithPlottable(loss->graph(2)));
}

void RollbackAndResumeTest::workerRollsBackAnInjectedNanLossAndFinishesTheRun() {
    WorkerHarness h;
    QVERIFY(h.open(modelPath_, dataPath_));
    const QString folder = dir_.filePath(QStringLiteral("runs/tiny-qzo"));
    const qt::TrainConfig c = tinyConfig(folder, 6);
    h.start(c);
    QVERIFY2(QTest::qWaitFor([&] { return !h.finished.isEmpty(); }, kTimeoutMs), qPrintable(h.log.join('\n')));
    QVERIFY2(h.errors.isEmpty(), qPrintable(h.errors.join('\n')));
    QCOMPARE(h.finished, QStringList{QStringLiteral("finished")});

    // One rollback, for the injected step, back to the state before it (or an earlier copy).
    QCOMPARE(h.rollbacks.size(), qsizetype(1));
    QCOMPARE(h.rollbacks[0].step, kFaultyShownStep);
    QVERIFY(h.rollbacks[0].toStep >= 1 && h.rollbacks[0].toStep <= kFaultyShownStep);
    QVERIFY2(h.rollbacks[0].reason.contains(QStringLiteral("not finite")), qPrintable(h.rollbacks[0].reason));
    const QString line = h.log.filter(QStringLiteral("rolled back")).join('\n');
    QVERIFY2(line.startsWith(QStringLiteral("step 4: rolled back to the state before step")), qPrintable(line));
    QVERIFY2(line.contains(QStringLiteral("learning rate now 0.25 times the setting")), qPrintable(line));

    // Every step reported; the rejected one with its NaN loss; the learning rate lowered after it.
    QCOMPARE(h.steps.size(), qsizetype(6));
    for (int i = 0; i < 6; ++i) QCOMPARE(h.steps[i].step, i + 1);
    QVERIFY(std::isnan(h.steps[kFaultyShownStep - 1].loss));
    QVERIFY(std::isfinite(h.steps.last().loss));
    QCOMPARE(h.steps.last().lr, 0.25 * c.lr);

    // The run's folder: the final checkpoint (the run is finished, so nothing to resume) and the JSONL log.
    QVERIFY(QFileInfo::exists(checkpoint_in(folder)));
    const qt::CheckpointInfo info = qt::read_checkpoint_info(checkpoint_in(folder).toStdString());
    QCOMPARE(info.state.next_step, int64_t(6));
    QCOMPARE(info.state.rollbacks, int64_t(1));
    const QString log = read_all(folder + QStringLiteral("/metrics.jsonl"));
    QCOMPARE(log.count(QStringLiteral("\"type\":\"step\"")), 6);
    QCOMPARE(log.count(QStringLiteral("\"type\":\"rollback\"")), 1);
    QVERIFY(!unfinished_run_in(folder).has_value());
}

void RollbackAndResumeTest::findsAnUnfinishedRunInItsFolderAndResumesIt() {
    // The finished run above is unfinished only for a longer run, and only for its own method.
    const QString finished = dir_.filePath(QStringLiteral("runs/tiny-qzo"));
    const std::optional<UnfinishedRun> longer = unfinished_run_in(finished, "qzo", 12);
    QVERIFY(longer.has_value());
    QCOMPARE(longer->next_step, qint64(6));
    QCOMPARE(longer->steps, qint64(12));
    QVERIFY(!unfinished_run_in(finished, "mezo", 12).has_value());
    // A folder without a checkpoint, or with a broken one, holds nothing to resume.
    QVERIFY(!unfinished_run_in(dir_.filePath(QStringLiteral("runs/nothing"))).has_value());
    const QString broken = dir_.filePath(QStringLiteral("broken"));
    QVERIFY(QDir().mkpath(broken));
    QFile bad(checkpoint_in(broken));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("not a checkpoint");
    bad.close();
    QString why;
    QVERIFY(!unfinished_run_in(broken, {}, 0, &why).has_value());
    QVERIFY(!why.isEmpty());

    // A run stopped after a few of its 40 steps leaves a checkpoint that is found.
    WorkerHarness h;
    QVERIFY(h.open(modelPath_, dataPath_));
    unfinishedFolder_ = dir_.filePath(QStringLiteral("runs/tiny-stopped-qzo"));
    const qt::TrainConfig c = tinyConfig(unfinishedFolder_, 40);
    h.start(c);
    QVERIFY(QTest::qWaitFor([&] { return h.steps.size() >= 2; }, kTimeoutMs));
    h.stop();
    QVERIFY(QTest::qWaitFor([&] { return !h.finished.isEmpty(); }, kTimeoutMs));
    QVERIFY2(h.errors.isEmpty(), qPrintable(h.errors.join('\n')));
    const qint64 done = h.steps.size();
    QVERIFY(done < 40);
    const QList<UnfinishedRun> runs = find_unfinished_runs(dir_.filePath(QStringLiteral("runs")));
    QCOMPARE(runs.size(), qsizetype(1));  // the finished run is not offered
    QCOMPARE(runs[0].checkpoint, checkpoint_in(unfinishedFolder_));
    QCOMPARE(runs[0].next_step, done);
    QCOMPARE(runs[0].steps, qint64(40));
    QCOMPARE(QString::fromStdString(runs[0].config.model), modelPath_);
    QCOMPARE(QString::fromStdString(runs[0].config.method), QStringLiteral("qzo"));

    // Resumed, the run goes on with the next step, and its log keeps the steps before it once.
    h.steps.clear();
    h.finished.clear();
    h.start(runs[0].config, runs[0].checkpoint);
    QVERIFY(QTest::qWaitFor([&] { return h.steps.size() >= 1; }, kTimeoutMs));
    h.stop();
    QVERIFY(QTest::qWaitFor([&] { return !h.finished.isEmpty(); }, kTimeoutMs));
    QVERIFY2(h.errors.isEmpty(), qPrintable(h.errors.join('\n')));
    QCOMPARE(h.steps.first().step, int(done + 1));
    QVERIFY(h.log.filter(QStringLiteral("resumed from")).size() == 1);
    const QString log = read_all(unfinishedFolder_ + QStringLiteral("/metrics.jsonl"));
    QCOMPARE(log.count(QStringLiteral("\"type\":\"step\"")), int(done + h.steps.size()));
}

void RollbackAndResumeTest::offersAtStartToResumeTheUnfinishedRunWithoutBlocking() {
    QVERIFY(!unfinishedFolder_.isEmpty());
    const std::optional<UnfinishedRun> run = unfinished_run_in(unfinishedFolder_);
    QVERIFY(run.has_value());
    set_resume_offers(true);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QMessageBox* box = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((box = window.findChild<QMessageBox*>("resumeAtStartDialog")) != nullptr, kTimeoutMs);
    QVERIFY2(box->text().contains(QStringLiteral("tiny.gguf")) && box->text().contains(QStringLiteral("qzo")) &&
                 box->text().contains(QStringLiteral("step %1 of 40").arg(run->next_step)),
             qPrintable(box->text()));
    auto* resume = box->findChild<QPushButton*>("resumeButton");
    QVERIFY(resume);
    QSignalSpy requested(&window, &MainWindow::trainingRequested);
    resume->click();
    // The run's model and dataset open, and the run goes on from its checkpoint.
    QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, kTimeoutMs);
    const auto sent = requested.at(0).at(0).value<qt::TrainConfig>();
    QCOMPARE(QString::fromStdString(sent.model), modelPath_);
    QCOMPARE(QString::fromStdString(sent.out_dir), unfinishedFolder_);
    TrainingPlots* plots = window.trainingPanel()->plots();
    QTRY_VERIFY_WITH_TIMEOUT(!plots->history().isEmpty(), kTimeoutMs);
    QCOMPARE(plots->history().first().step, int(run->next_step + 1));
    QVERIFY(window.trainingPanel()->logText().contains(QStringLiteral("resumed from")));
    QMetaObject::invokeMethod(window.findChild<QPushButton*>("stopButton"), "click");
    QTRY_COMPARE_WITH_TIMEOUT(window.trainingPanel()->state(), TrainingState::Idle, kTimeoutMs);
    QVERIFY2(window.errors().isEmpty(), qPrintable(window.errors().join('\n')));
    set_resume_offers(false);
}

QTEST_MAIN(RollbackAndResumeTest)
#include "test_rollback_and_resume.moc"
