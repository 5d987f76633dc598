#pragma once
// Where a sparse ZO mask's entries sit: a heat map of layer (rows, the output head
// on top) against linear (q, k, v, o, gate, up, down, head), each cell coloured by
// the share of that matrix's weights in the mask, in percent (the engine's
// SparseMaskLayout); grey where the mask covers no such matrix. Hovering a cell
// tells its entries, weights and share.
#include <QWidget>

#include "engine_events.h"

class QCPColorMap;
class QCPColorScale;
class QCustomPlot;
class QMouseEvent;

namespace qt::ui {

class SparseMaskHeatMap : public QWidget {
    Q_OBJECT
public:
    explicit SparseMaskHeatMap(QWidget* parent = nullptr);

    void showLayout(const SparseMaskLayout& layout);
    void clear();

    QCustomPlot* plot() const { return plot_; }
    QCPColorMap* map() const { return map_; }
    // The map's row of block `layer`, and of the output head (above the last block).
    int rowOfLayer(int layer) const { return layer; }
    int headRow() const { return layout_.layers; }
    // The text a cell's tooltip shows; empty for a cell the mask does not cover.
    QString cellTooltip(int row, int column) const;
    // The tooltip at a point in plot pixels; empty off the cells.
    QString tooltipAt(const QPointF& pos) const;

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void hover(QMouseEvent* e);
    const SparseMaskCell* cellAt(int row, int column) const;

    QCustomPlot* plot_;
    QCPColorMap* map_;
    QCPColorScale* scale_;
    SparseMaskLayout layout_;
};

}  // namespace qt::ui
