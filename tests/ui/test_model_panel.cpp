// The model page, offscreen: a .gguf opened by path shows its architecture and one
// line per registry method saying what that method can train in it (QZO: block
// scales, or why an F16 model has none); the recent list records the model, newest
// first, greys a missing one and survives a QSettings round trip; a dropped file
// is opened; a folder that is no Hugging Face model gives one clear error, not a crash.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QDropEvent>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <memory>

#include "gguf/random_llama_gguf.h"
#include "main_window.h"
#include "model_panel.h"
#include "recent_models.h"
#include "train/training_methods.h"

using namespace qt::ui;

namespace {
constexpr int kLoadTimeoutMs = 60'000;
}

class ModelPanelTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void showsTheArchitectureAndWhatEachMethodTrains();
    void saysWhyQzoHasNothingToTrainInAnF16Model();
    void keepsRecentModelsNewestFirstAcrossASettingsRoundTrip();
    void opensADroppedModelFile();
    void namesAFolderThatIsNoModelInOneError();
    void cleanupTestCase();

private:
    bool open(const QString& path);
    QStringList reachLines() const;

    QTemporaryDir dir_;
    QString q4Path_, f16Path_;
    std::unique_ptr<MainWindow> window_;
    ModelPanel* panel_ = nullptr;
};

void ModelPanelTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings go to a throw-away place
    QCoreApplication::setOrganizationName(QStringLiteral("QuantTuneModelPanelTest"));
    QCoreApplication::setApplicationName(QStringLiteral("QuantTuneModelPanelTest"));
    QSettings().clear();
    QVERIFY(dir_.isValid());
    // No default model opens at start: the test opens its own.
    qputenv("QUANTTUNE_MODEL", dir_.filePath(QStringLiteral("absent.gguf")).toUtf8());
    q4Path_ = dir_.filePath(QStringLiteral("tiny-q4_1.gguf"));
    qt::RandomLlamaSpec q4;
    q4.linear_types["ffn_down"] = qt::GgmlType::Q8_0;  // two types among the linears
    qt::write_random_llama_gguf(q4Path_.toStdString(), q4);
    f16Path_ = dir_.filePath(QStringLiteral("tiny-f16.gguf"));
    qt::RandomLlamaSpec f16;
    f16.weight_type = qt::GgmlType::F16;
    qt::write_random_llama_gguf(f16Path_.toStdString(), f16);
    window_ = std::make_unique<MainWindow>();
    panel_ = window_->findChild<ModelPanel*>();
    QVERIFY(panel_);
}

void ModelPanelTest::cleanupTestCase() { window_.reset(); }

bool ModelPanelTest::open(const QString& path) {
    QSignalSpy ready(window_.get(), &MainWindow::modelReady);
    auto* combo = panel_->findChild<QComboBox*>(QStringLiteral("modelPathCombo"));
    combo->setCurrentText(path);
    panel_->findChild<QPushButton*>(QStringLiteral("loadModelButton"))->click();
    return ready.wait(kLoadTimeoutMs) && panel_->summary().path == path;
}

QStringList ModelPanelTest::reachLines() const {
    QStringList lines;
    auto* list = panel_->findChild<QListWidget*>(QStringLiteral("methodReachList"));
    for (int i = 0; i < list->count(); ++i) lines << list->item(i)->text();
    return lines;
}

void ModelPanelTest::showsTheArchitectureAndWhatEachMethodTrains() {
    QVERIFY(open(q4Path_));
    // RandomLlamaSpec's defaults: 2 layers, width 64, 4 heads of 16, 2 KV heads, tied head.
    const QString arch = panel_->findChild<QLabel*>(QStringLiteral("modelArchitectureLabel"))->text();
    QVERIFY2(arch.startsWith(QStringLiteral("llama, 2 layers, width 64, 4 heads (2 KV), head 16")), qPrintable(arch));
    QVERIFY2(arch.contains(QStringLiteral("tied output head")), qPrintable(arch));
    const QStringList lines = reachLines();
    QCOMPARE(lines.size(), static_cast<qsizetype>(qt::training_methods().size()));
    auto* list = panel_->findChild<QListWidget*>(QStringLiteral("methodReachList"));
    for (int i = 0; i < list->count(); ++i) {
        const qt::TrainingMethodInfo& m = qt::training_methods()[static_cast<size_t>(i)];
        QCOMPARE(list->item(i)->data(Qt::UserRole).toString(), QString::fromUtf8(m.name));
        QVERIFY2(lines[i].contains(m.first_order ? QStringLiteral("backward pass") : QStringLiteral("two forward passes")),
                 qPrintable(lines[i]));
    }
    // 7 linears a layer, the head tied to the embedding (frozen): 14, of which 2 are ffn_down in Q8_0.
    const int qzo = static_cast<int>(qt::find_training_method("qzo") - qt::training_methods().data());
    QVERIFY2(lines[qzo].contains(QStringLiteral("block scales of 14 linears (types Q4_1, Q8_0)")), qPrintable(lines[qzo]));
    const int adamw = static_cast<int>(qt::find_training_method("adamw") - qt::training_methods().data());
    QVERIFY2(lines[adamw].contains(QStringLiteral("every linear: 14 linears")), qPrintable(lines[adamw]));
    QVERIFY(!panel_->findChild<QLabel*>(QStringLiteral("modelStatusLabel"))->isVisibleTo(panel_));
}

void ModelPanelTest::saysWhyQzoHasNothingToTrainInAnF16Model() {
    QVERIFY(open(f16Path_));
    const QStringList lines = reachLines();
    const int qzo = static_cast<int>(qt::find_training_method("qzo") - qt::training_methods().data());
    QVERIFY2(lines[qzo].contains(QStringLiteral("nothing: its linears are F16, which have no block scale")),
             qPrintable(lines[qzo]));
    const int qlora = static_cast<int>(qt::find_training_method("qlora") - qt::training_methods().data());
    QVERIFY2(lines[qlora].contains(QStringLiteral("14 linears (types F16)")), qPrintable(lines[qlora]));
}

void ModelPanelTest::keepsRecentModelsNewestFirstAcrossASettingsRoundTrip() {
    // Both models were opened above, the F16 one last.
    auto* list = panel_->findChild<QListWidget*>(QStringLiteral("recentModelsList"));
    QVERIFY(list->count() >= 2);
    QCOMPARE(list->item(0)->text(), f16Path_);
    QCOMPARE(list->item(1)->text(), q4Path_);
    // A model that is gone is listed greyed and does not open.
    const QString gone = dir_.filePath(QStringLiteral("gone.gguf"));
    remember_model(gone);
    QSettings().sync();
    {
        // A new page reads the list back from the settings.
        ModelPanel fresh;
        auto* again = fresh.findChild<QListWidget*>(QStringLiteral("recentModelsList"));
        QCOMPARE(again->count(), 3);
        QCOMPARE(again->item(0)->text(), gone);
        QVERIFY(!(again->item(0)->flags() & Qt::ItemIsEnabled));
        QCOMPARE(again->item(1)->text(), f16Path_);
        QVERIFY(again->item(1)->flags() & Qt::ItemIsEnabled);
        QSignalSpy requested(&fresh, &ModelPanel::openRequested);
        emit again->itemClicked(again->item(0));
        QCOMPARE(requested.count(), 0);
        emit again->itemClicked(again->item(2));
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.first().first().toString(), q4Path_);
    }
    // At most 8 are kept.
    for (int i = 0; i < 10; ++i) remember_model(dir_.filePath(QStringLiteral("m%1.gguf").arg(i)));
    QCOMPARE(recent_models().size(), 8);
    QCOMPARE(recent_models().first(), dir_.filePath(QStringLiteral("m9.gguf")));
}

void ModelPanelTest::opensADroppedModelFile() {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(q4Path_)});
    QSignalSpy requested(panel_, &ModelPanel::openRequested);
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(panel_, &enter);
    QVERIFY(enter.isAccepted());
    QSignalSpy ready(window_.get(), &MainWindow::modelReady);
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(panel_, &drop);
    QCOMPARE(requested.count(), 1);
    QVERIFY(ready.wait(kLoadTimeoutMs));
    QCOMPARE(panel_->summary().path, q4Path_);
    // A text file is not taken.
    const QString text = dir_.filePath(QStringLiteral("notes.txt"));
    QFile f(text);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    QMimeData other;
    other.setUrls({QUrl::fromLocalFile(text)});
    QDragEnterEvent refused(QPoint(5, 5), Qt::CopyAction, &other, Qt::LeftButton, Qt::NoModifier);
    refused.setAccepted(false);
    QCoreApplication::sendEvent(panel_, &refused);
    QVERIFY(!refused.isAccepted());
}

void ModelPanelTest::namesAFolderThatIsNoModelInOneError() {
    const QString folder = dir_.filePath(QStringLiteral("not-a-model"));
    QVERIFY(QDir().mkpath(folder));
    const qsizetype before = window_->errors().size();
    window_->openModel(folder);
    QTRY_VERIFY_WITH_TIMEOUT(window_->errors().size() > before, kLoadTimeoutMs);
    const QString error = window_->errors().last();
    QVERIFY2(error.contains(folder) && error.contains(QStringLiteral("config.json")), qPrintable(error));
    QVERIFY(!error.contains(QLatin1Char('\n')));
    QVERIFY(!panel_->findChild<QLabel*>(QStringLiteral("modelStatusLabel"))->isVisibleTo(panel_));
    QCOMPARE(panel_->summary().path, q4Path_);  // the open model stays
}

QTEST_MAIN(ModelPanelTest)
#include "test_model_panel.moc"
