#include "memory_view.h"

#include <QEvent>
#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "byte_format.h"
#include "memory_category_text.h"

namespace qt::ui {
namespace {
constexpr double kMB = 1e6;  // the plot's unit
}

MemoryView::MemoryView(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("memoryPlot");
    plot_->setMinimumHeight(320);
    plot_->setMouseTracking(true);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    QCPBars* below = nullptr;
    for (int c = 0; c < kMemoryCategoryCount; ++c) {
        auto* b = new QCPBars(plot_->xAxis, plot_->yAxis);
        b->setWidth(0.6);
        const QColor color = category_color(static_cast<MemoryCategory>(c));
        b->setBrush(color);
        b->setPen(QPen(color.darker(130)));
        if (below) b->moveAbove(below);
        below = b;
        bars_[static_cast<size_t>(c)] = b;
    }
    capacityLine_ = new QCPItemStraightLine(plot_);
    capacityLine_->setPen(QPen(QColor(0xb0, 0x00, 0x20), 2, Qt::DashLine));
    capacityText_ = new QCPItemText(plot_);
    capacityText_->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
    capacityText_->position->setType(QCPItemPosition::ptAxisRectRatio);
    capacityText_->position->setCoords(0.99, 0.01);
    capacityText_->setColor(QColor(0xb0, 0x00, 0x20));
    summary_ = new QLabel(this);
    summary_->setObjectName("memorySummary");
    summary_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(plot_, 1);
    layout->addWidget(summary_);
    connect(plot_, &QCustomPlot::mouseMove, this, &MemoryView::hover);
    retranslate();
}

qint64 MemoryView::bytesAt(int column, int category) const {
    if (column == LiveColumn) return live_.live[static_cast<size_t>(category)];
    const int p = column - FirstPlanColumn;
    return p >= 0 && p < plans_.size() ? plans_[p].bytes[static_cast<size_t>(category)] : 0;
}

const MemoryLabels* MemoryView::labelsAt(int column) const {
    if (column == LiveColumn) return &live_.labels;
    const int p = column - FirstPlanColumn;
    return p >= 0 && p < plans_.size() ? &plans_[p].labels : nullptr;
}

QString MemoryView::legendName(MemoryCategory c) const { return bars_[static_cast<size_t>(c)]->name(); }

double MemoryView::barBytes(int column, MemoryCategory c) const {
    const auto data = bars_[static_cast<size_t>(c)]->data();
    for (auto it = data->constBegin(); it != data->constEnd(); ++it)
        if (qRound(it->key) == column) return it->value * kMB;
    return 0;
}

void MemoryView::showLive(const MemoryBars& bars) {
    live_ = bars;
    redraw();
}

void MemoryView::showPlans(const QList<MethodMemoryPlan>& plans) {
    plans_ = plans;
    redraw();
}

void MemoryView::redraw() {
    const int columns = FirstPlanColumn + plans_.size();
    double top = 1;
    for (int col = 0; col < columns; ++col) {
        double sum = 0;
        for (int c = 0; c < kMemoryCategoryCount; ++c) sum += static_cast<double>(bytesAt(col, c)) / kMB;
        top = qMax(top, sum);
    }
    for (int c = 0; c < kMemoryCategoryCount; ++c) {
        QVector<double> keys, values;
        for (int col = 0; col < columns; ++col) {
            keys << col;
            values << static_cast<double>(bytesAt(col, c)) / kMB;
        }
        QCPBars* bars = bars_[static_cast<size_t>(c)];
        bars->setData(keys, values, true);
        // "Trainable parameters: INT8 weights" while a Q-GaLore run is shown; the
        // plain title where the run's method has no name of its own for it.
        const QString own = category_label(static_cast<MemoryCategory>(c), live_.labels);
        const QString title = category_title(static_cast<MemoryCategory>(c));
        bars->setName(own.isEmpty() ? title : tr("%1: %2").arg(title, own));
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    ticker->addTick(LiveColumn, tr("This run, now\n(memory ledger)"));
    for (int p = 0; p < plans_.size(); ++p) {
        QString name = method_plan_title(plans_[p].method);
        name.replace(QStringLiteral(", "), QStringLiteral(",\n"));
        ticker->addTick(FirstPlanColumn + p, name);
    }
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.6, columns - 0.4);
    const double capacity = static_cast<double>(live_.capacity) / kMB;
    // The capacity line is drawn where it falls inside a range that still shows the
    // bars; a capacity far above them is named in the corner instead.
    const bool capacityInView = capacity > 0 && capacity <= top * 1.6;
    plot_->yAxis->setRange(0, (capacityInView ? qMax(top, capacity) : top) * 1.12);
    capacityLine_->setVisible(capacityInView);
    if (capacityInView) {
        capacityLine_->point1->setCoords(-1, capacity);
        capacityLine_->point2->setCoords(columns, capacity);
    }
    if (capacity <= 0)
        capacityText_->setText(tr("device capacity: unknown"));
    else
        capacityText_->setText(capacityInView ? tr("- - device capacity %1").arg(format_bytes(live_.capacity))
                                              : tr("device capacity %1 (above the chart)").arg(format_bytes(live_.capacity)));
    summary_->setText(tr("Now on %1: %2 in use, peak %3 since the run started. Planned bars come from the engine's "
                         "plan for this model (hover the Model page's table for the basis of each).")
                          .arg(live_.device.isEmpty() ? tr("no device yet") : live_.device, format_bytes(live_.total_live),
                               format_bytes(live_.total_peak)));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString MemoryView::tooltipAt(const QPointF& pos) const {
    const int column = qRound(plot_->xAxis->pixelToCoord(pos.x()));
    const double keyOffset = plot_->xAxis->pixelToCoord(pos.x()) - column;
    if (column < 0 || column >= FirstPlanColumn + plans_.size() || qAbs(keyOffset) > 0.3) return {};
    const double y = plot_->yAxis->pixelToCoord(pos.y()) * kMB;
    double base = 0;
    for (int c = 0; c < kMemoryCategoryCount; ++c) {
        const qint64 b = bytesAt(column, c);
        if (b > 0 && y >= base && y <= base + static_cast<double>(b)) {
            const auto cat = static_cast<MemoryCategory>(c);
            const MemoryLabels* labels = labelsAt(column);
            const QString own = labels ? category_label(cat, *labels) : QString();
            const QString name = own.isEmpty() ? category_title(cat) : tr("%1 (%2)").arg(own, category_title(cat));
            return tr("<b>%1</b>: %2 (%3 bytes)<br>%4").arg(name, format_bytes(b)).arg(b).arg(category_description(cat));
        }
        base += static_cast<double>(b);
    }
    return {};
}

void MemoryView::hover(QMouseEvent* e) {
    const QString tip = tooltipAt(e->position());
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(e->globalPosition().toPoint(), tip, plot_);
}

void MemoryView::retranslate() {
    plot_->yAxis->setLabel(tr("memory (MB)"));
    redraw();
}

void MemoryView::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
