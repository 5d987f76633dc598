#pragma once
// The training page: Start, Pause/Resume and Stop; a progress bar with steps,
// elapsed time and the time left; the live plots; the log.
#include <QWidget>

#include "engine_events.h"

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSplitter;

namespace qt::ui {

class TrainingPlots;

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);
    TrainingPlots* plots() const { return plots_; }
    TrainingState state() const { return state_; }
    QString logText() const;
    // Start is possible only when the settings are valid and a model and data are open.
    void setStartAllowed(bool allowed, const QString& why);

public slots:
    void showStep(const qt::ui::StepMetrics& m);
    void showState(qt::ui::TrainingState state);
    void appendLog(const QString& line);
    void prepareRun(int totalSteps);

signals:
    void startClicked();
    void pauseClicked();
    void resumeClicked();
    void stopClicked();

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void updateButtons();
    void showTiming();

    QPushButton* start_;
    QPushButton* pause_;
    QPushButton* stop_;
    QProgressBar* progress_;
    QLabel* timing_;
    QLabel* startNote_;
    TrainingPlots* plots_;
    QPlainTextEdit* log_;
    TrainingState state_ = TrainingState::Idle;
    bool startAllowed_ = false;
    QString whyNot_;
    StepMetrics last_;
};

}  // namespace qt::ui
