#pragma once
// The memory page: one stacked bar of what the engine holds now, category by
// category, straight from the backend's memory ledger and updated after every
// step (a first-order run adds gradients and AdamW's moments); beside it the
// engine's plans for the same model, as many as it gives (QZO, MeZO, bf16 full
// fine-tuning with AdamW, QLoRA, float32 AdamW); and a line at the device's
// capacity. Hovering a segment tells its bytes and what it holds. A method that
// names its categories its own way (Q-GaLore: "INT8 weights", "INT4 projections",
// "8-bit Adam states") has those names in the legend while it is the run shown,
// and in the tooltips of its own column.
#include <QWidget>
#include <array>

#include "engine_events.h"

class QCustomPlot;
class QCPBars;
class QCPItemStraightLine;
class QCPItemText;
class QLabel;
class QMouseEvent;

namespace qt::ui {

class MemoryView : public QWidget {
    Q_OBJECT
public:
    enum Column { LiveColumn = 0, FirstPlanColumn = 1 };
    explicit MemoryView(QWidget* parent = nullptr);

    // What the bar for column `column` shows for category `c`, in bytes, read back
    // from the plot's own data (so tests check what is drawn).
    double barBytes(int column, MemoryCategory c) const;
    const MemoryBars& live() const { return live_; }
    QCustomPlot* plot() const { return plot_; }
    // The tooltip text for the point (in plot pixels); empty off the bars.
    QString tooltipAt(const QPointF& pos) const;
    // The legend's name for category `c`: its title, with the run's own name after it where it has one.
    QString legendName(MemoryCategory c) const;

public slots:
    void showLive(const qt::ui::MemoryBars& bars);
    void showPlans(const QList<qt::ui::MethodMemoryPlan>& plans);

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void redraw();
    void hover(QMouseEvent* e);
    qint64 bytesAt(int column, int category) const;
    const MemoryLabels* labelsAt(int column) const;

    QCustomPlot* plot_;
    std::array<QCPBars*, kMemoryCategoryCount> bars_{};
    QCPItemStraightLine* capacityLine_;
    QCPItemText* capacityText_;
    QLabel* summary_;
    MemoryBars live_;
    QList<MethodMemoryPlan> plans_;
};

}  // namespace qt::ui
