// What the GUI builds from a training method's registry row and its step
// records, without a model: the Method page's fields for the method's own
// settings (Q-GaLore's nine, with their tooltips, written into the TrainConfig
// and read back), the memory view's names for the method's ledger categories
// ("INT8 weights", "INT4 projections", "8-bit Adam states"), and the plots of a
// method's per-layer metrics (grouped bars for running counts, a layer x step
// heat map for current values) fed from a StepRecord as the worker converts it.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <qcustomplot.h>

#include "engine_events.h"
#include "memory_view.h"
#include "method_metric_plots.h"
#include "method_panel.h"
#include "model_panel.h"
#include "session_file.h"
#include "train/train_config.h"
#include "train/trainer.h"
#include "train/training_methods.h"
#include "training_method_text.h"
#include "training_plots.h"
#include "ui_language.h"

using namespace qt::ui;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The text QFormLayout shows beside `field`.
QString row_label(QWidget* field) {
    auto* form = qobject_cast<QFormLayout*>(field->parentWidget()->layout());
    auto* label = form ? qobject_cast<QLabel*>(form->labelForField(field)) : nullptr;
    return label ? label->text() : QString();
}

// A Q-GaLore step record of a model with three layers, as the trainer makes it.
qt::StepRecord qgalore_record(int64_t step, std::vector<double> done, std::vector<double> saved,
                              std::vector<double> similarity) {
    qt::StepRecord r;
    r.step = step;
    r.first_order = true;
    r.loss = 2.5;
    r.lr = 1e-4;
    r.grad_norm = 0.7;
    r.tokens = 100;
    r.seconds = 0.5;
    r.method_metrics.per_layer = {{"svds_done", "SVDs done", true, std::move(done)},
                                  {"svds_saved", "SVDs the lazy rule saved", true, std::move(saved)},
                                  {"subspace_similarity", "Subspace similarity", false, std::move(similarity)}};
    return r;
}

}  // namespace

class MethodViewsTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void everyMethodSettingNamesATrainConfigKeyOfItsKindWithValidValues();
    void choosingQgaloreShowsItsNineSettingsWithTooltips();
    void qgaloreSettingsAreWrittenIntoTheTrainConfigAndReadBack();
    void memoryViewNamesQgaloreCategoriesItsOwnWay();
    void modelPanelPlanTableHasAProjectionsColumn();
    void stepRecordMetricsBecomeGroupedBarsAndAHeatMap();
    void methodTextsAreTranslated();
};

void MethodViewsTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("QuantTuneTest"));
    QCoreApplication::setApplicationName(QStringLiteral("QuantTuneMethodViewsTest"));
    register_engine_event_types();
}

// The registry's descriptors against TrainConfig's JSON: every key exists with
// the JSON type of its kind, its default lies in its range, and every value the
// GUI's field can offer (the range's ends) passes the engine's validate().
void MethodViewsTest::everyMethodSettingNamesATrainConfigKeyOfItsKindWithValidValues() {
    nlohmann::json defaults;
    qt::to_json(defaults, qt::TrainConfig{});
    int described = 0;
    for (const qt::TrainingMethodInfo& m : qt::training_methods()) {
        for (const qt::MethodSetting& s : m.settings) {
            ++described;
            const QByteArray where = QByteArray(m.name) + "." + s.key;
            QVERIFY2(defaults.contains(s.key), where.constData());
            const nlohmann::json& v = defaults[s.key];
            switch (s.kind) {
                case qt::MethodSettingKind::Int: QVERIFY2(v.is_number_integer(), where.constData()); break;
                case qt::MethodSettingKind::Double: QVERIFY2(v.is_number_float(), where.constData()); break;
                case qt::MethodSettingKind::Bool: QVERIFY2(v.is_boolean(), where.constData()); break;
            }
            QVERIFY2(qstrlen(s.label) > 0 && qstrlen(s.tooltip) > 20, where.constData());
            if (s.needs) {
                const auto needed = std::find_if(m.settings.begin(), m.settings.end(),
                                                 [&](const qt::MethodSetting& o) { return qstrcmp(o.key, s.needs) == 0; });
                QVERIFY2(needed != m.settings.end() && needed->kind == qt::MethodSettingKind::Bool, where.constData());
            }
            if (s.kind == qt::MethodSettingKind::Bool) continue;
            QVERIFY2(s.min <= v.get<double>() && v.get<double>() <= s.max, where.constData());
            QVERIFY2(s.step > 0 && s.step <= s.max - s.min, where.constData());
            for (double end : {s.min, s.max}) {
                nlohmann::json j = defaults;
                j["method"] = m.name;
                if (s.kind == qt::MethodSettingKind::Int) j[s.key] = static_cast<int64_t>(end);
                else j[s.key] = end;
                qt::TrainConfig c;
                qt::from_json(j, c);
                try {
                    qt::validate(c);
                } catch (const std::exception& e) {
                    QFAIL(qPrintable(QStringLiteral("%1 = %2: %3").arg(QString::fromLatin1(where)).arg(end).arg(e.what())));
                }
            }
        }
    }
    QVERIFY(described >= 9);
}

void MethodViewsTest::choosingQgaloreShowsItsNineSettingsWithTooltips() {
    MethodPanel panel;
    auto* combo = panel.findChild<QComboBox*>("methodCombo");
    auto* box = panel.findChild<QGroupBox*>("methodSettings_qgalore");
    QVERIFY(combo && box);
    QVERIFY(!box->isVisibleTo(&panel));  // QZO first: no such box shown
    combo->setCurrentIndex(combo->findData(QStringLiteral("qgalore")));
    QVERIFY(box->isVisibleTo(&panel));
    QVERIFY2(box->title().startsWith(QStringLiteral("Q-GaLore")), qPrintable(box->title()));

    const std::vector<qt::MethodSetting>& settings = qt::training_method("qgalore").settings;
    QCOMPARE(settings.size(), size_t(9));
    QStringList keys;
    for (const qt::MethodSetting& s : settings) {
        keys << QString::fromLatin1(s.key);
        QWidget* field = panel.settingField("qgalore", s.key);
        QVERIFY2(field && field->isVisibleTo(&panel), s.key);
        QCOMPARE(field->parentWidget(), box);
        QCOMPARE(field->objectName(), QStringLiteral("setting_") + QLatin1String(s.key));
        QCOMPARE(field->toolTip(), QString::fromUtf8(s.tooltip));
        QCOMPARE(row_label(field), QString::fromUtf8(s.label) + QLatin1Char(':'));
        switch (s.kind) {
            case qt::MethodSettingKind::Int: {
                auto* spin = qobject_cast<QSpinBox*>(field);
                QVERIFY2(spin, s.key);
                QCOMPARE(spin->minimum(), int(s.min));
                QCOMPARE(spin->maximum(), int(s.max));
                QCOMPARE(spin->singleStep(), int(s.step));
                break;
            }
            case qt::MethodSettingKind::Double: {
                auto* spin = qobject_cast<QDoubleSpinBox*>(field);
                QVERIFY2(spin, s.key);
                QCOMPARE(spin->minimum(), s.min);
                QCOMPARE(spin->maximum(), s.max);
                break;
            }
            case qt::MethodSettingKind::Bool: QVERIFY2(qobject_cast<QCheckBox*>(field), s.key); break;
        }
    }
    QCOMPARE(keys, QStringList({"galore_rank", "galore_update_gap", "galore_threshold", "galore_queue", "galore_scale",
                                "galore_weight_group", "galore_proj_group", "galore_stochastic_round",
                                "galore_quantized"}));
    QCOMPARE(row_label(panel.settingField("qgalore", "galore_quantized")), QStringLiteral("Quantized (off: plain GaLore):"));
    QCOMPARE(box->findChildren<QWidget*>(QRegularExpression(QStringLiteral("^setting_"))).size(), qsizetype(9));
    // The first-order settings shared with QLoRA stay; LoRA's own are off for Q-GaLore.
    QVERIFY(panel.findChild<QWidget*>("weightDecayEdit")->isEnabled());
    QVERIFY(!panel.findChild<QWidget*>("loraRankSpin")->isEnabled());
    QVERIFY2(panel.validationMessage().isEmpty(), qPrintable(panel.validationMessage()));

    // Another method hides them again.
    combo->setCurrentIndex(combo->findData(QStringLiteral("qlora")));
    QVERIFY(!box->isVisibleTo(&panel));
    QVERIFY(panel.findChild<QWidget*>("loraRankSpin")->isEnabled());
}

void MethodViewsTest::qgaloreSettingsAreWrittenIntoTheTrainConfigAndReadBack() {
    MethodPanel panel;
    auto* combo = panel.findChild<QComboBox*>("methodCombo");
    combo->setCurrentIndex(combo->findData(QStringLiteral("qgalore")));
    auto spin = [&](const char* key) { return qobject_cast<QSpinBox*>(panel.settingField("qgalore", key)); };
    auto dspin = [&](const char* key) { return qobject_cast<QDoubleSpinBox*>(panel.settingField("qgalore", key)); };
    auto check = [&](const char* key) { return qobject_cast<QCheckBox*>(panel.settingField("qgalore", key)); };
    // The engine's defaults first.
    const qt::TrainConfig d;
    QCOMPARE(spin("galore_rank")->value(), d.galore_rank);
    QCOMPARE(spin("galore_update_gap")->value(), int(d.galore_update_gap));
    QCOMPARE(dspin("galore_threshold")->value(), d.galore_threshold);
    QCOMPARE(dspin("galore_scale")->value(), d.galore_scale);
    QCOMPARE(check("galore_quantized")->isChecked(), d.galore_quantized);

    spin("galore_rank")->setValue(32);
    spin("galore_update_gap")->setValue(50);
    dspin("galore_threshold")->setValue(0.55);
    spin("galore_queue")->setValue(3);
    dspin("galore_scale")->setValue(0.5);
    spin("galore_weight_group")->setValue(128);
    spin("galore_proj_group")->setValue(64);
    check("galore_stochastic_round")->setChecked(false);
    qt::TrainConfig c;
    c.model = "kept.gguf";  // the other pages' fields stay as they are
    QString why;
    QVERIFY2(panel.readConfig(c, &why), qPrintable(why));
    QCOMPARE(c.method, std::string("qgalore"));
    QCOMPARE(c.model, std::string("kept.gguf"));
    QCOMPARE(c.galore_rank, 32);
    QCOMPARE(c.galore_update_gap, int64_t(50));
    QCOMPARE(c.galore_threshold, 0.55);
    QCOMPARE(c.galore_queue, 3);
    QCOMPARE(c.galore_scale, 0.5);
    QCOMPARE(c.galore_weight_group, 128);
    QCOMPARE(c.galore_proj_group, 64);
    QVERIFY(!c.galore_stochastic_round);
    QVERIFY(c.galore_quantized);
    QCOMPARE(c.lr, qt::training_method("qgalore").default_lr);

    // Plain GaLore: the INT8/INT4 settings no longer apply and are disabled.
    check("galore_quantized")->setChecked(false);
    for (const char* key : {"galore_weight_group", "galore_proj_group", "galore_stochastic_round"})
        QVERIFY2(!panel.settingField("qgalore", key)->isEnabled(), key);
    QVERIFY(spin("galore_rank")->isEnabled());
    QVERIFY(panel.readConfig(c));
    QVERIFY(!c.galore_quantized);

    // Through the session file (the CLI's --config) and back onto the page.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("qgalore.json"));
    save_session(path, c);
    const qt::TrainConfig back = load_session(path);
    QCOMPARE(back.galore_rank, 32);
    QCOMPARE(back.galore_threshold, 0.55);
    QVERIFY(!back.galore_quantized);
    MethodPanel other;
    other.setConfig(back);
    QCOMPARE(qobject_cast<QSpinBox*>(other.settingField("qgalore", "galore_rank"))->value(), 32);
    QCOMPARE(qobject_cast<QDoubleSpinBox*>(other.settingField("qgalore", "galore_threshold"))->value(), 0.55);
    QVERIFY(!qobject_cast<QCheckBox*>(other.settingField("qgalore", "galore_quantized"))->isChecked());
    QVERIFY(!other.settingField("qgalore", "galore_proj_group")->isEnabled());
    qt::TrainConfig again;
    QVERIFY(other.readConfig(again));
    QCOMPARE(again.galore_update_gap, int64_t(50));

    // A method switch and back keeps the values; another method's config carries them unchanged.
    auto* otherCombo = other.findChild<QComboBox*>("methodCombo");
    otherCombo->setCurrentIndex(otherCombo->findData(QStringLiteral("qlora")));
    QVERIFY(other.readConfig(again));
    QCOMPARE(again.method, std::string("qlora"));
    QCOMPARE(again.galore_rank, 32);
    otherCombo->setCurrentIndex(otherCombo->findData(QStringLiteral("qgalore")));
    QCOMPARE(qobject_cast<QSpinBox*>(other.settingField("qgalore", "galore_rank"))->value(), 32);

    // Safe defaults bring the engine's values back.
    other.applySafeDefaults();
    QVERIFY(other.readConfig(again));
    QCOMPARE(again.galore_rank, d.galore_rank);
    QVERIFY(again.galore_quantized);
}

void MethodViewsTest::memoryViewNamesQgaloreCategoriesItsOwnWay() {
    using qt::MemoryCategory;
    MemoryView view;
    view.resize(900, 500);
    MemoryBars bars;
    bars.live[int(MemoryCategory::Weights)] = 20'000'000;
    bars.live[int(MemoryCategory::TrainableParameters)] = 100'000'000;
    bars.live[int(MemoryCategory::Gradients)] = 5'000'000;
    bars.live[int(MemoryCategory::OptimizerStates)] = 10'000'000;
    bars.live[int(MemoryCategory::Activations)] = 30'000'000;
    bars.live[int(MemoryCategory::Projections)] = 3'000'000;
    for (qint64 b : bars.live) bars.total_live += b;
    bars.device = QStringLiteral("CPU");
    qt::TrainConfig c;
    qt::use_method(c, "qgalore");
    bars.labels = memory_labels_of(c);
    view.showLive(bars);

    QVERIFY2(view.legendName(MemoryCategory::TrainableParameters).contains(QStringLiteral("INT8 weights")),
             qPrintable(view.legendName(MemoryCategory::TrainableParameters)));
    QVERIFY(view.legendName(MemoryCategory::Projections).contains(QStringLiteral("INT4 projections")));
    QVERIFY(view.legendName(MemoryCategory::OptimizerStates).contains(QStringLiteral("8-bit Adam states")));
    QCOMPARE(view.legendName(MemoryCategory::Activations), QStringLiteral("Activations"));
    // Each its own bar segment, with the ledger's bytes.
    for (MemoryCategory cat : {MemoryCategory::TrainableParameters, MemoryCategory::Projections, MemoryCategory::OptimizerStates})
        QCOMPARE(view.barBytes(MemoryView::LiveColumn, cat), double(bars.live[size_t(cat)]));
    // Hovering the weights' segment names them the method's way.
    view.plot()->replot();
    const double mid = (bars.live[0] + bars.live[1] / 2.0) / 1e6;  // in the middle of TrainableParameters
    const QPointF at(view.plot()->xAxis->coordToPixel(MemoryView::LiveColumn), view.plot()->yAxis->coordToPixel(mid));
    QVERIFY2(view.tooltipAt(at).contains(QStringLiteral("INT8 weights")), qPrintable(view.tooltipAt(at)));
    QVERIFY(view.tooltipAt(at).contains(QString::number(bars.live[1])));

    // Plain GaLore names them as float32; a method without names of its own keeps the titles.
    c.galore_quantized = false;
    bars.labels = memory_labels_of(c);
    view.showLive(bars);
    QVERIFY(view.legendName(MemoryCategory::TrainableParameters).contains(QStringLiteral("float32 weights")));
    QVERIFY(view.legendName(MemoryCategory::Projections).contains(QStringLiteral("float32 projections")));
    QVERIFY(view.legendName(MemoryCategory::OptimizerStates).endsWith(QStringLiteral(": Adam states")));
    qt::use_method(c, "qlora");
    bars.labels = memory_labels_of(c);
    view.showLive(bars);
    QCOMPARE(view.legendName(MemoryCategory::TrainableParameters), QStringLiteral("Trainable parameters"));
    QCOMPARE(view.legendName(MemoryCategory::Projections), QStringLiteral("Projections"));
}

void MethodViewsTest::modelPanelPlanTableHasAProjectionsColumn() {
    ModelPanel panel;
    MemoryPlans plans;
    plans.max_tokens = 64;
    plans.batch_size = 2;
    MethodMemoryPlan p;
    p.method = QStringLiteral("qgalore");
    p.bytes[int(qt::MemoryCategory::Projections)] = 2'000'000;
    p.bytes[int(qt::MemoryCategory::TrainableParameters)] = 8'000'000;
    qt::TrainConfig c;
    qt::use_method(c, "qgalore");
    p.labels = memory_labels_of(c);
    plans.plans << p;
    panel.showPlans(plans);
    auto* table = panel.findChild<QTableWidget*>("memoryPlanTable");
    QCOMPARE(table->columnCount(), qt::kMemoryCategoryCount + 3);
    const int column = int(qt::MemoryCategory::Projections) + 1;
    QCOMPARE(table->horizontalHeaderItem(column)->text(), QStringLiteral("Projections"));
    QCOMPARE(table->item(0, column)->text(), QStringLiteral("2.0 MB"));
    QCOMPARE(table->item(0, column)->toolTip(), QStringLiteral("INT4 projections"));
    QCOMPARE(table->item(0, int(qt::MemoryCategory::TrainableParameters) + 1)->toolTip(), QStringLiteral("INT8 weights"));
    QCOMPARE(table->horizontalHeaderItem(qt::kMemoryCategoryCount + 1)->text(), QStringLiteral("Total"));
    QCOMPARE(table->item(0, qt::kMemoryCategoryCount + 1)->text(), QStringLiteral("10.0 MB"));
}

// Four Q-GaLore steps on three layers, through step_metrics_of() as the worker
// sends them: the counts as grouped bars (one per layer and series, the latest
// values), the similarity as a 4 x 3 heat map with NaN where a layer had none.
void MethodViewsTest::stepRecordMetricsBecomeGroupedBarsAndAHeatMap() {
    TrainingPlots plots;
    plots.resize(900, 900);
    plots.show();
    MethodMetricPlots* method = plots.methodPlots();
    QVERIFY(method && !method->hasSeries() && !method->isVisibleTo(&plots));
    // A step without method metrics (QLoRA) shows nothing of them.
    qt::StepRecord plain;
    plain.first_order = true;
    plots.addStep(step_metrics_of(plain));
    QVERIFY(!method->isVisibleTo(&plots));
    plots.clear();

    const std::vector<qt::StepRecord> records = {
        qgalore_record(0, {1, 1, 1}, {0, 0, 0}, {kNaN, kNaN, kNaN}),
        qgalore_record(1, {2, 2, 1}, {0, 0, 1}, {0.2, kNaN, kNaN}),
        qgalore_record(2, {2, 3, 1}, {1, 0, 2}, {0.2, 0.6, kNaN}),
        qgalore_record(3, {3, 3, 2}, {1, 1, 2}, {0.9, 0.6, 0.5}),
    };
    for (const qt::StepRecord& r : records) {
        const StepMetrics m = step_metrics_of(r);
        QCOMPARE(m.step, int(r.step + 1));
        QCOMPARE(m.method_series.size(), qsizetype(3));
        plots.addStep(m);
    }
    QCOMPARE(plots.history().last().method_series[0].name, QStringLiteral("svds_done"));
    QVERIFY(method->hasSeries() && method->isVisibleTo(&plots));

    // Bars: SVDs done next to SVDs saved, one bar per layer each, the last step's counts.
    QCPBars* done = method->countBars(QStringLiteral("svds_done"));
    QCPBars* saved = method->countBars(QStringLiteral("svds_saved"));
    QVERIFY(done && saved);
    QVERIFY(!method->countBars(QStringLiteral("subspace_similarity")));
    QCOMPARE(method->countsPlot()->plottableCount(), 2);
    QVERIFY(done->barsGroup() && done->barsGroup() == saved->barsGroup());  // side by side, not stacked
    QCOMPARE(done->dataCount(), 3);
    QCOMPARE(saved->dataCount(), 3);
    const std::vector<double>& lastDone = records.back().method_metrics.per_layer[0].values;
    const std::vector<double>& lastSaved = records.back().method_metrics.per_layer[1].values;
    for (int l = 0; l < 3; ++l) {
        QCOMPARE(done->data()->at(l)->key, double(l));
        QCOMPARE(done->data()->at(l)->value, lastDone[size_t(l)]);
        QCOMPARE(saved->data()->at(l)->value, lastSaved[size_t(l)]);
    }
    QCOMPARE(done->name(), QStringLiteral("SVDs done"));
    QCOMPARE(saved->name(), QStringLiteral("SVDs the lazy rule saved"));

    // The heat map: a column per step, a row per layer.
    QCPColorMap* map = method->heatMap(QStringLiteral("subspace_similarity"));
    QVERIFY(map);
    QVERIFY(!method->heatMap(QStringLiteral("svds_done")));
    QCOMPARE(map->data()->keySize(), 4);
    QCOMPARE(map->data()->valueSize(), 3);
    QCOMPARE(map->data()->keyRange().lower, 1.0);
    QCOMPARE(map->data()->keyRange().upper, 4.0);
    for (int s = 0; s < 4; ++s)
        for (int l = 0; l < 3; ++l) {
            const double want = records[size_t(s)].method_metrics.per_layer[2].values[size_t(l)];
            const double got = map->data()->cell(s, l);
            QVERIFY2(std::isnan(want) ? std::isnan(got) : got == want, qPrintable(QStringLiteral("step %1 layer %2").arg(s).arg(l)));
        }
    QCOMPARE(map->dataRange().lower, 0.0);
    QCOMPARE(map->dataRange().upper, 1.0);
    QCOMPARE(method->plots().size(), qsizetype(2));

    // The CSV carries them per layer.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("qgalore.csv"));
    QVERIFY(plots.exportCsv(csv));
    QFile f(csv);
    QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    const QStringList header = lines[0].split(QLatin1Char(','));
    const int column = header.indexOf(QStringLiteral("svds_saved[2]"));
    QVERIFY2(column > 0, qPrintable(lines[0]));
    QVERIFY(header.contains(QStringLiteral("subspace_similarity[0]")));
    QCOMPARE(lines[4].split(QLatin1Char(','))[column], QStringLiteral("2"));
    QCOMPARE(lines[1].split(QLatin1Char(','))[header.indexOf(QStringLiteral("subspace_similarity[0]"))], QString());
    QCOMPARE(lines[1].split(QLatin1Char(',')).size(), header.size());

    // A new run starts empty.
    plots.clear();
    QVERIFY(!method->hasSeries() && !method->isVisibleTo(&plots));
    QCOMPARE(method->countsPlot()->plottableCount(), 0);
}

// The engine's English texts of Q-GaLore's row are in the .ts files.
void MethodViewsTest::methodTextsAreTranslated() {
    QStringList untranslated;
    auto check = [&](const QString& translated, const char* english) {
        if (translated == QString::fromUtf8(english)) untranslated << QString::fromUtf8(english);
    };
    for (const char* language : {"fr", "pt_BR", "zh_CN"}) {
        QVERIFY(apply_ui_language(QString::fromLatin1(language)));
        const qt::TrainingMethodInfo& m = qt::training_method("qgalore");
        check(method_title(m), m.title);
        check(method_summary(m), m.summary);
        for (const qt::MethodSetting& s : m.settings) {
            check(method_setting_label(s), s.label);
            check(method_setting_tooltip(s), s.tooltip);
        }
        for (bool quantized : {true, false}) {
            qt::TrainConfig c;
            qt::use_method(c, "qgalore");
            c.galore_quantized = quantized;
            for (const QString& label : memory_labels_of(c))
                if (!label.isEmpty()) check(method_text(label), label.toUtf8().constData());
        }
        for (const char* title : {"SVDs done", "SVDs the lazy rule saved", "Subspace similarity"})
            check(method_text(QString::fromLatin1(title)), title);
    }
    QVERIFY(apply_ui_language(QStringLiteral("en")));
    QVERIFY2(untranslated.isEmpty(), qPrintable(untranslated.join(QStringLiteral("\n"))));
}

QTEST_MAIN(MethodViewsTest)
#include "test_method_views.moc"
