#pragma once
// Live plots of a run (QCustomPlot): training and validation loss; for a
// zeroth-order method the raw and the clipped directional derivative, for a
// first-order one the gradient's norm and the clipped steps, each with the
// running clip rate; the learning rate; throughput; below them, where the
// method reports per-layer numbers of its own (Q-GaLore's SVDs and subspace
// similarity), their bars and heat maps (method_metric_plots.h). Each rollback
// of the divergence guard is a red dashed line on the loss plot at its step,
// labelled, with the engine's reason as its tooltip. Drag to pan,
// wheel to zoom, "Fit" to see everything again; export as PNG (the plots shown)
// and CSV (every number of every step, the method's per layer).
#include <QList>
#include <QPointF>
#include <QWidget>

#include "engine_events.h"

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;
class QPushButton;

namespace qt::ui {

class MethodMetricPlots;

class TrainingPlots : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPlots(QWidget* parent = nullptr);

    // Empties every plot, rollback markers included (a new run starts).
    void clear();
    void addStep(const StepMetrics& m);
    const QList<StepMetrics>& history() const { return history_; }

    // A step the divergence guard rejected (1-based, as StepMetrics::step) and why.
    struct Rollback {
        int step = 0;
        QString reason;
        QCPItemStraightLine* line = nullptr;  // on the loss plot, at x = step
        QCPItemText* label = nullptr;
    };
    void addRollback(int step, const QString& reason);
    const QList<Rollback>& rollbacks() const { return rollbacks_; }
    // The tooltip the loss plot shows at `pixel`: the reasons of the rollbacks whose
    // line is within a few pixels, else empty.
    QString rollbackTooltipAt(const QPointF& pixel) const;

    bool exportPng(const QString& path);
    bool exportCsv(const QString& path) const;

    QCustomPlot* lossPlot() const { return loss_; }
    // Zeroth-order steps: d and d'. First-order steps: the gradient's norm. One of
    // the two is shown, as the run's steps say (StepMetrics::first_order).
    QCustomPlot* gradientPlot() const { return grad_; }
    QCustomPlot* gradientNormPlot() const { return gradNorm_; }
    bool showsFirstOrder() const { return firstOrder_; }
    QCustomPlot* lrPlot() const { return lr_; }
    QCustomPlot* throughputPlot() const { return speed_; }
    // The method's own per-layer plots; hidden while the run reports none.
    MethodMetricPlots* methodPlots() const { return methodPlots_; }

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void fit();
    QCustomPlot* makePlot(const char* name);
    QList<QCustomPlot*> allPlots() const { return {loss_, grad_, gradNorm_, lr_, speed_}; }
    void showFirstOrder(bool firstOrder);

    QCustomPlot* loss_;
    QCustomPlot* grad_;
    QCustomPlot* gradNorm_;
    QCustomPlot* lr_;
    QCustomPlot* speed_;
    MethodMetricPlots* methodPlots_;
    QWidget* plots_;
    QPushButton* fitButton_;
    QPushButton* pngButton_;
    QPushButton* csvButton_;
    QList<StepMetrics> history_;
    QList<Rollback> rollbacks_;
    bool followData_ = true;
    bool firstOrder_ = false;  // false once the user pans or zooms, until "Fit"
};

}  // namespace qt::ui
