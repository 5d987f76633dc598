#include "training_plots.h"

#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QMessageBox>
#include <QMouseEvent>
#include <QPushButton>
#include <QTextStream>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "method_metric_plots.h"

namespace qt::ui {
namespace {

enum LossGraph { TrainLoss = 0, ValLoss = 1, RollbackLegend = 2 };

const QColor kRollbackColor(0xc0, 0x1c, 0x28);
constexpr double kRollbackHoverPixels = 4.0;
enum GradGraph { RawD = 0, ClippedD = 1, ClipRate = 2 };
enum GradNormGraph { Norm = 0, ClippedNorm = 1, NormClipRate = 2 };

}  // namespace

QCustomPlot* TrainingPlots::makePlot(const char* name) {
    auto* p = new QCustomPlot(plots_);
    p->setObjectName(name);
    p->setMinimumSize(280, 180);
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    p->legend->setVisible(true);
    p->legend->setFont(QFont(font().family(), 8));
    p->legend->setBrush(QColor(255, 255, 255, 200));
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, new QCPTextElement(p, QString(), QFont(font().family(), 10, QFont::Bold)));
    // Steps are whole numbers: ticks at 1, 2, 5, 10, ... times a power of ten, never between steps.
    auto steps = QSharedPointer<QCPAxisTickerFixed>::create();
    steps->setTickStep(1.0);
    steps->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    p->xAxis->setTicker(steps);
    connect(p, &QCustomPlot::mousePress, this, [this] { followData_ = false; });
    connect(p, &QCustomPlot::mouseWheel, this, [this] { followData_ = false; });
    return p;
}

TrainingPlots::TrainingPlots(QWidget* parent) : QWidget(parent) {
    plots_ = new QWidget(this);
    loss_ = makePlot("lossPlot");
    grad_ = makePlot("gradientPlot");
    gradNorm_ = makePlot("gradientNormPlot");
    lr_ = makePlot("lrPlot");
    speed_ = makePlot("throughputPlot");

    auto pen = [](QColor c, Qt::PenStyle s = Qt::SolidLine) { return QPen(c, 1.5, s); };
    loss_->addGraph()->setPen(pen(QColor(0x4c, 0x72, 0xb0)));
    QCPGraph* val = loss_->addGraph();
    val->setPen(pen(QColor(0xdd, 0x84, 0x52)));
    val->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
    // No data: it only puts the rollback lines in the legend, while there are any.
    QCPGraph* rollbackLegend = loss_->addGraph();
    rollbackLegend->setPen(QPen(kRollbackColor, 1.5, Qt::DashLine));
    rollbackLegend->removeFromLegend();
    connect(loss_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* e) {
        const QString tip = rollbackTooltipAt(e->position());
        if (!tip.isEmpty()) QToolTip::showText(e->globalPosition().toPoint(), tip, loss_);
        else QToolTip::hideText();
    });

    grad_->addGraph()->setPen(pen(QColor(0x99, 0x99, 0x99)));
    grad_->addGraph()->setPen(pen(QColor(0xc4, 0x4e, 0x52)));
    grad_->yAxis2->setVisible(true);
    grad_->yAxis2->setRange(0, 1.05);
    QCPGraph* rate = grad_->addGraph(grad_->xAxis, grad_->yAxis2);
    rate->setPen(pen(QColor(0x55, 0xa8, 0x68), Qt::DashLine));

    // The norm every step, and a mark on the steps whose gradient was scaled down.
    gradNorm_->addGraph()->setPen(pen(QColor(0x4c, 0x72, 0xb0)));
    QCPGraph* clippedNorm = gradNorm_->addGraph();
    clippedNorm->setLineStyle(QCPGraph::lsNone);
    clippedNorm->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCross, QColor(0xc4, 0x4e, 0x52), 8));
    gradNorm_->yAxis2->setVisible(true);
    gradNorm_->yAxis2->setRange(0, 1.05);
    QCPGraph* normRate = gradNorm_->addGraph(gradNorm_->xAxis, gradNorm_->yAxis2);
    normRate->setPen(pen(QColor(0x55, 0xa8, 0x68), Qt::DashLine));

    lr_->addGraph()->setPen(pen(QColor(0x81, 0x72, 0xb3)));
    lr_->yAxis->setNumberFormat(QStringLiteral("gb"));
    speed_->addGraph()->setPen(pen(QColor(0x55, 0xa8, 0x68)));

    auto* grid = new QGridLayout(plots_);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(loss_, 0, 0);
    grid->addWidget(grad_, 0, 1);
    grid->addWidget(gradNorm_, 0, 1);  // in grad_'s place for first-order runs
    gradNorm_->hide();
    grid->addWidget(lr_, 1, 0);
    grid->addWidget(speed_, 1, 1);
    methodPlots_ = new MethodMetricPlots(plots_);
    methodPlots_->setObjectName("methodMetricPlots");
    grid->addWidget(methodPlots_, 2, 0, 1, 2);

    fitButton_ = new QPushButton(this);
    pngButton_ = new QPushButton(this);
    pngButton_->setObjectName("exportPngButton");
    csvButton_ = new QPushButton(this);
    csvButton_->setObjectName("exportCsvButton");
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(fitButton_);
    buttons->addWidget(pngButton_);
    buttons->addWidget(csvButton_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plots_, 1);
    layout->addLayout(buttons);

    connect(fitButton_, &QPushButton::clicked, this, [this] {
        followData_ = true;
        fit();
    });
    connect(pngButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export plots as PNG"), QStringLiteral("training.png"),
                                                          tr("PNG images (*.png)"));
        if (!path.isEmpty() && !exportPng(path))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
    });
    connect(csvButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export metrics as CSV"), QStringLiteral("training.csv"),
                                                          tr("CSV files (*.csv)"));
        if (!path.isEmpty() && !exportCsv(path))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
    });
    retranslate();
}

void TrainingPlots::showFirstOrder(bool firstOrder) {
    firstOrder_ = firstOrder;
    grad_->setVisible(!firstOrder);
    gradNorm_->setVisible(firstOrder);
}

void TrainingPlots::clear() {
    history_.clear();
    for (const Rollback& r : rollbacks_) {
        loss_->removeItem(r.line);
        loss_->removeItem(r.label);
    }
    rollbacks_.clear();
    loss_->graph(RollbackLegend)->removeFromLegend();
    for (QCustomPlot* p : allPlots()) {
        for (int g = 0; g < p->graphCount(); ++g) p->graph(g)->data()->clear();
        p->replot();
    }
    methodPlots_->clear();
    followData_ = true;
}

void TrainingPlots::addStep(const StepMetrics& m) {
    if (history_.isEmpty() || m.first_order != firstOrder_) showFirstOrder(m.first_order);
    history_ << m;
    const double x = m.step;
    loss_->graph(TrainLoss)->addData(x, m.loss);
    if (m.has_val_loss) loss_->graph(ValLoss)->addData(x, m.val_loss);
    if (m.first_order) {
        gradNorm_->graph(Norm)->addData(x, m.grad_norm);
        if (m.grad_clipped) gradNorm_->graph(ClippedNorm)->addData(x, m.grad_norm);
        gradNorm_->graph(NormClipRate)->addData(x, m.clip_rate);
    } else {
        grad_->graph(RawD)->addData(x, m.projected_grad);
        grad_->graph(ClippedD)->addData(x, m.clipped_grad);
        grad_->graph(ClipRate)->addData(x, m.clip_rate);
    }
    lr_->graph(0)->addData(x, m.lr);
    speed_->graph(0)->addData(x, m.tokens_per_second);
    methodPlots_->addStep(m);
    if (followData_) fit();
    else
        for (QCustomPlot* p : allPlots()) p->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingPlots::addRollback(int step, const QString& reason) {
    Rollback r;
    r.step = step;
    r.reason = reason;
    // A vertical line at the step, whatever the zoom: two points on it in plot coordinates.
    r.line = new QCPItemStraightLine(loss_);
    r.line->setPen(QPen(kRollbackColor, 1.5, Qt::DashLine));
    r.line->point1->setCoords(step, 0);
    r.line->point2->setCoords(step, 1);
    // The label at the top of the plot, beside the line.
    r.label = new QCPItemText(loss_);
    r.label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    r.label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    r.label->position->setCoords(step, 0.02);
    r.label->setPositionAlignment(Qt::AlignTop | Qt::AlignLeft);
    r.label->setPadding(QMargins(3, 0, 0, 0));
    r.label->setColor(kRollbackColor);
    r.label->setFont(QFont(font().family(), 8));
    r.label->setText(tr("rollback"));
    r.label->setClipToAxisRect(true);
    rollbacks_ << r;
    loss_->graph(RollbackLegend)->addToLegend();
    loss_->replot(QCustomPlot::rpQueuedReplot);
}

QString TrainingPlots::rollbackTooltipAt(const QPointF& pixel) const {
    if (!loss_->axisRect()->rect().contains(pixel.toPoint())) return QString();
    QStringList lines;
    for (const Rollback& r : rollbacks_)
        if (qAbs(loss_->xAxis->coordToPixel(r.step) - pixel.x()) <= kRollbackHoverPixels)
            lines << tr("Step %1 rolled back: %2").arg(r.step).arg(r.reason);
    return lines.join(QLatin1Char('\n'));
}

void TrainingPlots::fit() {
    for (QCustomPlot* p : allPlots()) {
        // Ranges from the data of the graphs on the left axis, padded; a constant
        // series (a constant learning rate) gets a band around its value.
        bool any = false;
        QCPRange keys, values;
        for (int g = 0; g < p->graphCount(); ++g) {
            QCPGraph* graph = p->graph(g);
            if (graph->valueAxis() != p->yAxis || graph->dataCount() == 0) continue;
            bool found = false;
            const QCPRange k = graph->getKeyRange(found);
            const QCPRange v = graph->getValueRange(found);
            if (!found) continue;
            if (!any) {
                keys = k;
                values = v;
                any = true;
            } else {
                keys.expand(k);
                values.expand(v);
            }
        }
        if (!any) continue;
        const double span = values.size();
        const double pad = span > 0 ? span * 0.08 : (values.center() != 0 ? qAbs(values.center()) * 0.1 : 1.0);
        p->yAxis->setRange(values.lower - pad, values.upper + pad);
        p->xAxis->setRange(keys.lower - 0.2, qMax(keys.upper, keys.lower + 1) + 0.2);
        p->replot(QCustomPlot::rpQueuedReplot);
    }
    grad_->yAxis2->setRange(0, 1.05);
    gradNorm_->yAxis2->setRange(0, 1.05);
}

bool TrainingPlots::exportPng(const QString& path) {
    for (QCustomPlot* p : allPlots()) p->replot();
    methodPlots_->replotAll();
    return plots_->grab().save(path, "PNG");
}

bool TrainingPlots::exportCsv(const QString& path) const {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&f);
    // The method's per-layer numbers as the last step names them: one column per
    // series and layer, "svds_done[0]" ... (empty where a step has no value).
    QList<QPair<QString, int>> layerColumns;
    if (!history_.isEmpty())
        for (const LayerSeriesValues& s : history_.last().method_series)
            layerColumns << qMakePair(s.name, static_cast<int>(s.values.size()));
    out << "step,loss,val_loss,projected_grad,clipped_grad,clipped,clip_rate,grad_norm,grad_clipped,lr,"
           "tokens_per_second,elapsed_seconds";
    for (const auto& [name, layers] : layerColumns)
        for (int l = 0; l < layers; ++l) out << ',' << name << '[' << l << ']';
    out << '\n';
    for (const StepMetrics& m : history_) {
        out << m.step << ',' << QString::number(m.loss, 'g', 10) << ','
            << (m.has_val_loss ? QString::number(m.val_loss, 'g', 10) : QString()) << ','
            << QString::number(m.projected_grad, 'g', 10) << ',' << QString::number(m.clipped_grad, 'g', 10) << ','
            << (m.clipped ? 1 : 0) << ',' << QString::number(m.clip_rate, 'g', 6) << ','
            << (m.first_order ? QString::number(m.grad_norm, 'g', 10) : QString()) << ','
            << (m.first_order ? QString::number(m.grad_clipped ? 1 : 0) : QString()) << ',' << QString::number(m.lr, 'g', 8)
            << ',' << QString::number(m.tokens_per_second, 'g', 6) << ',' << QString::number(m.elapsed_seconds, 'g', 6);
        for (const auto& [name, layers] : layerColumns) {
            const auto s = std::find_if(m.method_series.begin(), m.method_series.end(),
                                        [&](const LayerSeriesValues& x) { return x.name == name; });
            for (int l = 0; l < layers; ++l) {
                const bool has = s != m.method_series.end() && l < s->values.size() && std::isfinite(s->values[l]);
                out << ',' << (has ? QString::number(s->values[l], 'g', 10) : QString());
            }
        }
        out << '\n';
    }
    return out.status() == QTextStream::Ok;
}

void TrainingPlots::retranslate() {
    auto title = [](QCustomPlot* p, const QString& t) {
        static_cast<QCPTextElement*>(p->plotLayout()->element(0, 0))->setText(t);
    };
    title(loss_, tr("Loss (lower is better)"));
    title(grad_, tr("Directional derivative and clipping"));
    title(lr_, tr("Learning rate"));
    title(speed_, tr("Throughput"));
    loss_->graph(TrainLoss)->setName(tr("training (this step's examples)"));
    loss_->graph(ValLoss)->setName(tr("held-out"));
    loss_->graph(RollbackLegend)->setName(tr("rollback (divergence guard)"));
    for (const Rollback& r : rollbacks_) r.label->setText(tr("rollback"));
    grad_->graph(RawD)->setName(tr("raw d"));
    grad_->graph(ClippedD)->setName(tr("clipped d'"));
    grad_->graph(ClipRate)->setName(tr("clip rate (right axis)"));
    title(gradNorm_, tr("Gradient norm and clipping"));
    gradNorm_->graph(Norm)->setName(tr("gradient norm (before clipping)"));
    gradNorm_->graph(ClippedNorm)->setName(tr("clipped steps"));
    gradNorm_->graph(NormClipRate)->setName(tr("clip rate (right axis)"));
    lr_->graph(0)->setName(tr("learning rate"));
    speed_->graph(0)->setName(tr("tokens per second"));
    for (QCustomPlot* p : allPlots()) {
        p->xAxis->setLabel(tr("step"));
        p->replot(QCustomPlot::rpQueuedReplot);
    }
    grad_->yAxis2->setLabel(tr("clip rate"));
    gradNorm_->yAxis->setLabel(tr("global gradient norm"));
    gradNorm_->yAxis2->setLabel(tr("clip rate"));
    fitButton_->setText(tr("Fit"));
    fitButton_->setToolTip(tr("Show all points again after zooming or panning."));
    pngButton_->setText(tr("Export PNG…"));
    csvButton_->setText(tr("Export CSV…"));
}

void TrainingPlots::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
