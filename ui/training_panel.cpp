#include "training_panel.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include "byte_format.h"
#include "training_plots.h"

namespace qt::ui {

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
    start_ = new QPushButton(this);
    start_->setObjectName("startButton");
    pause_ = new QPushButton(this);
    pause_->setObjectName("pauseButton");
    stop_ = new QPushButton(this);
    stop_->setObjectName("stopButton");
    progress_ = new QProgressBar(this);
    progress_->setObjectName("trainingProgress");
    progress_->setRange(0, 1);
    progress_->setValue(0);
    timing_ = new QLabel(this);
    timing_->setObjectName("timingLabel");
    startNote_ = new QLabel(this);
    startNote_->setStyleSheet(QStringLiteral("color: #8a6d00"));
    startNote_->setWordWrap(true);

    auto* controls = new QHBoxLayout;
    controls->addWidget(start_);
    controls->addWidget(pause_);
    controls->addWidget(stop_);
    controls->addWidget(progress_, 1);
    controls->addWidget(timing_);

    plots_ = new TrainingPlots(this);
    log_ = new QPlainTextEdit(this);
    log_->setObjectName("logPane");
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(plots_);
    split->addWidget(log_);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(startNote_);
    layout->addWidget(split, 1);

    connect(start_, &QPushButton::clicked, this, &TrainingPanel::startClicked);
    connect(pause_, &QPushButton::clicked, this, [this] {
        if (state_ == TrainingState::Paused) emit resumeClicked();
        else emit pauseClicked();
    });
    connect(stop_, &QPushButton::clicked, this, &TrainingPanel::stopClicked);
    retranslate();
}

QString TrainingPanel::logText() const { return log_->toPlainText(); }

void TrainingPanel::setStartAllowed(bool allowed, const QString& why) {
    startAllowed_ = allowed;
    whyNot_ = why;
    updateButtons();
}

void TrainingPanel::prepareRun(int totalSteps) {
    plots_->clear();
    last_ = StepMetrics{};
    progress_->setRange(0, totalSteps);
    progress_->setValue(0);
    progress_->setFormat(tr("step %v of %m"));
    timing_->clear();
}

void TrainingPanel::showStep(const StepMetrics& m) {
    last_ = m;
    plots_->addStep(m);
    showTiming();
}

void TrainingPanel::showTiming() {
    const StepMetrics& m = last_;
    progress_->setRange(0, m.total_steps);
    progress_->setValue(m.step);
    const double per_step = m.step > 0 ? m.elapsed_seconds / m.step : 0;
    timing_->setText(tr("elapsed %1, about %2 left").arg(format_duration(m.elapsed_seconds),
                                                         format_duration(per_step * (m.total_steps - m.step))));
}

void TrainingPanel::showState(TrainingState state) {
    state_ = state;
    updateButtons();
}

void TrainingPanel::appendLog(const QString& line) {
    log_->appendPlainText(QStringLiteral("[%1] %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void TrainingPanel::updateButtons() {
    const bool idle = state_ == TrainingState::Idle;
    start_->setEnabled(idle && startAllowed_);
    start_->setToolTip(startAllowed_ ? tr("Train with the settings of the Method page.") : whyNot_);
    startNote_->setVisible(idle && !startAllowed_ && !whyNot_.isEmpty());
    startNote_->setText(whyNot_);
    pause_->setEnabled(state_ == TrainingState::Running || state_ == TrainingState::Paused);
    pause_->setText(state_ == TrainingState::Paused ? tr("Resume") : tr("Pause"));
    stop_->setEnabled(!idle);
}

void TrainingPanel::retranslate() {
    start_->setText(tr("Start"));
    stop_->setText(tr("Stop"));
    pause_->setToolTip(tr("Pause after the current step; Resume continues exactly where it stopped."));
    stop_->setToolTip(tr("End the run after the current step. The model keeps what it has learned."));
    if (progress_->maximum() > 1) progress_->setFormat(tr("step %v of %m"));
    if (last_.step > 0) showTiming();
    updateButtons();
}

void TrainingPanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
