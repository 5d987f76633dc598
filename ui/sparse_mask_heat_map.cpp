#include "sparse_mask_heat_map.h"

#include <QEvent>
#include <QLocale>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <limits>
#include <qcustomplot.h>

namespace qt::ui {

SparseMaskHeatMap::SparseMaskHeatMap(QWidget* parent) : QWidget(parent) {
    plot_ = new QCustomPlot(this);
    plot_->setObjectName("sparseMaskHeatMap");
    plot_->setMinimumSize(320, 260);
    plot_->setMouseTracking(true);
    plot_->plotLayout()->insertRow(0);
    auto* title = new QCPTextElement(plot_, QString(), QFont(font().family(), 10, QFont::Bold));
    plot_->plotLayout()->addElement(0, 0, title);
    map_ = new QCPColorMap(plot_->xAxis, plot_->yAxis);
    map_->setInterpolate(false);
    scale_ = new QCPColorScale(plot_);
    scale_->setType(QCPAxis::atRight);
    plot_->plotLayout()->addElement(1, 1, scale_);
    map_->setColorScale(scale_);
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    gradient.setNanHandling(QCPColorGradient::nhNanColor);  // a matrix the mask does not cover: light grey
    gradient.setNanColor(QColor(0xee, 0xee, 0xee));
    map_->setGradient(gradient);
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    connect(plot_, &QCustomPlot::mouseMove, this, &SparseMaskHeatMap::hover);
    clear();
}

void SparseMaskHeatMap::clear() { showLayout(SparseMaskLayout{}); }

// Column = the slot (LinearSlot's order, the head last); row = the block, the head one row above the last block.
void SparseMaskHeatMap::showLayout(const SparseMaskLayout& layout) {
    layout_ = layout;
    const bool head = layout.head.weights > 0;
    const int rows = qMax(1, layout.layers + (head ? 1 : 0));
    QCPColorMapData* data = map_->data();
    data->setSize(kLinearSlotCount, rows);
    data->setRange(QCPRange(0, kLinearSlotCount - 1), QCPRange(0, rows - 1));
    data->fill(std::numeric_limits<double>::quiet_NaN());
    double top = 0;
    for (int row = 0; row < rows; ++row)
        for (int column = 0; column < kLinearSlotCount; ++column)
            if (const SparseMaskCell* c = cellAt(row, column)) {
                data->setCell(column, row, 100.0 * c->share());
                top = qMax(top, 100.0 * c->share());
            }
    map_->setDataRange(QCPRange(0, top > 0 ? top : 1));
    // Rows of at least ~9 pixels for a deep model, within what the Method page can hold.
    plot_->setMinimumHeight(qBound(260, 100 + 9 * rows, 400));
    plot_->xAxis->setRange(-0.5, kLinearSlotCount - 0.5);
    plot_->yAxis->setRange(-0.5, rows - 0.5);

    auto columns = QSharedPointer<QCPAxisTickerText>::create();
    for (int column = 0; column < kLinearSlotCount; ++column)
        columns->addTick(column, QString::fromLatin1(linear_slot_name(static_cast<LinearSlot>(column))));
    plot_->xAxis->setTicker(columns);
    // Every layer named up to 16 of them; past that every 2nd, 4th ... so the labels stay apart.
    auto layers = QSharedPointer<QCPAxisTickerText>::create();
    const int every = qMax(1, (layout.layers + 15) / 16);
    for (int l = 0; l < layout.layers; l += every) layers->addTick(rowOfLayer(l), QString::number(l));
    if (head) layers->addTick(headRow(), QString::fromLatin1(linear_slot_name(LinearSlot::Head)));
    plot_->yAxis->setTicker(layers);
    retranslate();
}

const SparseMaskCell* SparseMaskHeatMap::cellAt(int row, int column) const {
    if (column < 0 || column >= kLinearSlotCount || row < 0) return nullptr;
    const auto slot = static_cast<LinearSlot>(column);
    const SparseMaskCell* c = nullptr;
    if (row == headRow() && slot == LinearSlot::Head) c = &layout_.head;
    else if (row < layout_.layers && slot != LinearSlot::Head) c = &layout_.cell(row, slot);
    return c && c->weights > 0 ? c : nullptr;
}

QString SparseMaskHeatMap::cellTooltip(int row, int column) const {
    const SparseMaskCell* c = cellAt(row, column);
    if (!c) return {};
    const auto slot = static_cast<LinearSlot>(column);
    const QString name = slot == LinearSlot::Head
                             ? tr("Output head")
                             : tr("Layer %1, %2").arg(row).arg(QString::fromLatin1(linear_slot_name(slot)));
    const QLocale locale;
    return tr("<b>%1</b><br>%2 entries of %3 weights: %4%")
        .arg(name, locale.toString(c->entries), locale.toString(c->weights))
        .arg(100.0 * c->share(), 0, 'g', 3);
}

QString SparseMaskHeatMap::tooltipAt(const QPointF& pos) const {
    const double key = plot_->xAxis->pixelToCoord(pos.x()), value = plot_->yAxis->pixelToCoord(pos.y());
    if (!(key >= -0.5 && value >= -0.5)) return {};
    return cellTooltip(static_cast<int>(std::floor(value + 0.5)), static_cast<int>(std::floor(key + 0.5)));
}

void SparseMaskHeatMap::hover(QMouseEvent* e) {
    const QString tip = tooltipAt(e->position());
    if (tip.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(e->globalPosition().toPoint(), tip, plot_);
}

void SparseMaskHeatMap::retranslate() {
    static_cast<QCPTextElement*>(plot_->plotLayout()->element(0, 0))->setText(tr("Where the mask's entries sit"));
    plot_->xAxis->setLabel(tr("linear layer"));
    plot_->yAxis->setLabel(tr("layer"));
    scale_->axis()->setLabel(tr("share of the matrix in the mask (%)"));
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void SparseMaskHeatMap::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
