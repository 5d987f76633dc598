#include "method_metric_plots.h"

#include <QEvent>
#include <QGridLayout>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

#include "training_method_text.h"

namespace qt::ui {
namespace {

const QColor kBarColors[] = {QColor(0x4c, 0x72, 0xb0), QColor(0x55, 0xa8, 0x68), QColor(0xdd, 0x84, 0x52),
                             QColor(0xc4, 0x4e, 0x52), QColor(0x81, 0x72, 0xb3)};

QCPTextElement* title_of(QCustomPlot* p) { return static_cast<QCPTextElement*>(p->plotLayout()->element(0, 0)); }

// Layers and steps are whole numbers: ticks at 1, 2, 5, 10 ... times a power of ten.
QSharedPointer<QCPAxisTickerFixed> whole_ticks() {
    auto t = QSharedPointer<QCPAxisTickerFixed>::create();
    t->setTickStep(1.0);
    t->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    return t;
}

}  // namespace

QCustomPlot* MethodMetricPlots::makePlot(const QString& name) {
    auto* p = new QCustomPlot(this);
    p->setObjectName(name);
    p->setMinimumSize(280, 200);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, QString(), QFont(font().family(), 10, QFont::Bold)));
    p->xAxis->setTicker(whole_ticks());
    p->yAxis->setTicker(whole_ticks());
    return p;
}

MethodMetricPlots::MethodMetricPlots(QWidget* parent) : QWidget(parent) {
    grid_ = new QGridLayout(this);
    grid_->setContentsMargins(0, 0, 0, 0);
    countsPlot_ = makePlot(QStringLiteral("methodCountsPlot"));
    countsPlot_->legend->setVisible(true);
    countsPlot_->legend->setFont(QFont(font().family(), 8));
    countsPlot_->legend->setBrush(QColor(255, 255, 255, 200));
    // The legend in a row of its own below the axes: with 30 layers no corner is free of bars.
    countsPlot_->axisRect()->insetLayout()->take(countsPlot_->legend);
    countsPlot_->plotLayout()->addElement(2, 0, countsPlot_->legend);
    countsPlot_->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    countsPlot_->legend->setBorderPen(Qt::NoPen);
    countsPlot_->legend->setMargins(QMargins(0, 0, 0, 4));
    countsPlot_->plotLayout()->setRowStretchFactor(2, 0.001);
    countsPlot_->plotLayout()->simplify();
    countsPlot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());  // counts grow large
    group_ = new QCPBarsGroup(countsPlot_);
    group_->setSpacingType(QCPBarsGroup::stAbsolute);
    group_->setSpacing(1);
    countsPlot_->hide();
    retranslate();
    hide();
}

QCPBars* MethodMetricPlots::countBars(const QString& name) const {
    const auto it = counts_.constFind(name);
    return it == counts_.constEnd() ? nullptr : it->bars;
}

QCPColorMap* MethodMetricPlots::heatMap(const QString& name) const {
    const auto it = maps_.constFind(name);
    return it == maps_.constEnd() ? nullptr : it->map;
}

QCustomPlot* MethodMetricPlots::heatMapPlot(const QString& name) const {
    const auto it = maps_.constFind(name);
    return it == maps_.constEnd() ? nullptr : it->plot;
}

QList<QCustomPlot*> MethodMetricPlots::plots() const {
    QList<QCustomPlot*> all;
    if (!counts_.isEmpty()) all << countsPlot_;
    for (const QString& name : mapOrder_) all << maps_[name].plot;
    return all;
}

void MethodMetricPlots::replotAll() {
    for (QCustomPlot* p : plots()) p->replot();
}

void MethodMetricPlots::clear() {
    countsPlot_->clearPlottables();  // a QCPBars leaves its group as it goes
    counts_.clear();
    countOrder_.clear();
    for (HeatMap& h : maps_) delete h.plot;
    maps_.clear();
    mapOrder_.clear();
    layers_ = 0;
    countsPlot_->hide();
    hide();
}

void MethodMetricPlots::addStep(const StepMetrics& m) {
    if (m.method_series.isEmpty()) return;
    for (const LayerSeriesValues& s : m.method_series) {
        layers_ = qMax(layers_, static_cast<int>(s.values.size()));
        if (s.cumulative) showCounts(s);
        else showHeatMap(s, m.step);
    }
    place();
    show();
    for (QCustomPlot* p : plots()) p->replot(QCustomPlot::rpQueuedReplot);
}

// The latest counts, one bar per layer, the series side by side (QCPBarsGroup).
void MethodMetricPlots::showCounts(const LayerSeriesValues& s) {
    Counts& c = counts_[s.name];
    if (!c.bars) {
        c.bars = new QCPBars(countsPlot_->xAxis, countsPlot_->yAxis);
        const QColor color = kBarColors[countOrder_.size() % std::size(kBarColors)];
        c.bars->setBrush(color);
        c.bars->setPen(QPen(color.darker(130)));
        c.bars->setBarsGroup(group_);
        countOrder_ << s.name;
        for (const Counts& other : counts_) other.bars->setWidth(0.8 / countOrder_.size());
    }
    c.title = s.title;
    c.bars->setName(method_text(s.title));
    QVector<double> keys, values;
    double top = 1;
    for (int l = 0; l < s.values.size(); ++l) {
        keys << l;
        values << (std::isfinite(s.values[l]) ? s.values[l] : 0.0);
        top = qMax(top, values.last());
    }
    c.bars->setData(keys, values, true);
    for (const Counts& other : counts_) {
        const auto data = other.bars->data();
        for (auto it = data->constBegin(); it != data->constEnd(); ++it) top = qMax(top, it->value);
    }
    countsPlot_->xAxis->setRange(-0.6, layers_ - 0.4);
    countsPlot_->yAxis->setRange(0, top * 1.1);
    countsPlot_->show();
}

void MethodMetricPlots::showHeatMap(const LayerSeriesValues& s, int step) {
    HeatMap& h = maps_[s.name];
    if (!h.plot) {
        h.plot = makePlot(QStringLiteral("methodHeatMap_") + s.name);
        h.map = new QCPColorMap(h.plot->xAxis, h.plot->yAxis);
        h.map->setInterpolate(false);
        h.scale = new QCPColorScale(h.plot);
        h.scale->setType(QCPAxis::atRight);
        h.plot->plotLayout()->addElement(1, 1, h.scale);
        h.map->setColorScale(h.scale);
        QCPColorGradient gradient(QCPColorGradient::gpThermal);
        gradient.setNanHandling(QCPColorGradient::nhNanColor);  // no value yet: light grey
        gradient.setNanColor(QColor(0xee, 0xee, 0xee));
        h.map->setGradient(gradient);
        auto* margins = new QCPMarginGroup(h.plot);
        h.plot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
        h.scale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
        mapOrder_ << s.name;
    }
    h.title = s.title;
    h.steps << step;
    h.values << s.values;
    fillHeatMap(h);
    retranslate();
}

// Cells: one column per step from the first to the last reported, one row per
// layer; a step without a report stays NaN. The colours span [0, 1] when every
// value lies there (a similarity, a fraction), else the values' own range.
void MethodMetricPlots::fillHeatMap(HeatMap& h) {
    const int first = h.steps.first(), last = h.steps.last();
    const int columns = qMax(1, last - first + 1);
    const int rows = qMax(1, layers_);
    QCPColorMapData* data = h.map->data();
    data->setSize(columns, rows);
    data->setRange(QCPRange(first, last), QCPRange(0, rows - 1));
    data->fill(std::numeric_limits<double>::quiet_NaN());
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int i = 0; i < h.steps.size(); ++i) {
        const QVector<double>& v = h.values[i];
        for (int l = 0; l < v.size(); ++l) {
            data->setCell(h.steps[i] - first, l, v[l]);
            if (std::isfinite(v[l])) {
                lo = qMin(lo, v[l]);
                hi = qMax(hi, v[l]);
            }
        }
    }
    QCPRange range(0, 1);
    if (lo <= hi && (lo < 0 || hi > 1)) range = lo < hi ? QCPRange(lo, hi) : QCPRange(lo - 0.5, hi + 0.5);
    h.map->setDataRange(range);
    h.plot->xAxis->setRange(first - 0.5, last + 0.5);
    h.plot->yAxis->setRange(-0.5, rows - 0.5);
}

// The bar chart first, then the heat maps, two to a row.
void MethodMetricPlots::place() {
    QList<QCustomPlot*> shown = plots();
    for (int i = 0; i < shown.size(); ++i) {
        if (grid_->indexOf(shown[i]) >= 0) grid_->removeWidget(shown[i]);
        grid_->addWidget(shown[i], i / 2, i % 2);
    }
}

void MethodMetricPlots::retranslate() {
    title_of(countsPlot_)->setText(tr("Per-layer counts so far"));
    countsPlot_->xAxis->setLabel(tr("layer"));
    countsPlot_->yAxis->setLabel(tr("count"));
    for (Counts& c : counts_) c.bars->setName(method_text(c.title));
    for (HeatMap& h : maps_) {
        title_of(h.plot)->setText(tr("%1 by layer and step").arg(method_text(h.title)));
        h.plot->xAxis->setLabel(tr("step"));
        h.plot->yAxis->setLabel(tr("layer"));
        h.scale->axis()->setLabel(method_text(h.title));
    }
    for (QCustomPlot* p : plots()) p->replot(QCustomPlot::rpQueuedReplot);
}

void MethodMetricPlots::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
