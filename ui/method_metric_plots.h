#pragma once
// The plots of a method's own per-layer numbers (StepMetrics::method_series, from
// methods/method_metrics.h), drawn without knowing the method:
//   - every cumulative series (a running count: Q-GaLore's SVDs done and SVDs the
//     lazy rule saved) is a bar per layer, all of them grouped side by side in one
//     chart that shows the latest step's counts;
//   - every other series (a current value: Q-GaLore's subspace similarity) is a
//     heat map of layer against step, so that 30 layers stay readable, blank where
//     a layer has no value yet (NaN).
// Hidden while the run's method reports no series.
#include <QList>
#include <QMap>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include "engine_events.h"

class QCPBars;
class QCPBarsGroup;
class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QGridLayout;

namespace qt::ui {

class MethodMetricPlots : public QWidget {
    Q_OBJECT
public:
    explicit MethodMetricPlots(QWidget* parent = nullptr);

    void clear();
    void addStep(const StepMetrics& m);
    bool hasSeries() const { return !counts_.isEmpty() || !maps_.isEmpty(); }

    // The bar chart of the cumulative series, and one series' bars (nullptr if none by that name).
    QCustomPlot* countsPlot() const { return countsPlot_; }
    QCPBars* countBars(const QString& name) const;
    // A non-cumulative series' heat map (cell (step - first step, layer)) and the plot
    // holding it; nullptr if none by that name.
    QCPColorMap* heatMap(const QString& name) const;
    QCustomPlot* heatMapPlot(const QString& name) const;
    QList<QCustomPlot*> plots() const;
    void replotAll();

protected:
    void changeEvent(QEvent* e) override;

private:
    struct HeatMap {
        QCustomPlot* plot = nullptr;
        QCPColorMap* map = nullptr;
        QCPColorScale* scale = nullptr;
        QString title;  // the engine's English
        QVector<int> steps;
        QVector<QVector<double>> values;  // [i]: the layers' values at steps[i]
    };
    struct Counts {
        QCPBars* bars = nullptr;
        QString title;
    };

    void retranslate();
    QCustomPlot* makePlot(const QString& name);
    void showCounts(const LayerSeriesValues& s);
    void showHeatMap(const LayerSeriesValues& s, int step);
    void fillHeatMap(HeatMap& h);
    void place();

    QGridLayout* grid_;
    QCustomPlot* countsPlot_;
    QCPBarsGroup* group_;
    QMap<QString, Counts> counts_;  // by series name
    QStringList countOrder_;
    QMap<QString, HeatMap> maps_;   // by series name
    QStringList mapOrder_;
    int layers_ = 0;
};

}  // namespace qt::ui
