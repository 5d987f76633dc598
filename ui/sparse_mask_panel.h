#pragma once
// The Method page's "Sensitive-entry mask" box, shown for sparse ZO, whose runs
// train only the entries a mask file names (TrainConfig::sparse_mask): the file in
// use, Load… (checked against the open model by the engine worker) and Compute…
// (SparseMaskDialog; the worker computes, this box shows its progress and can
// cancel it), a line on the mask and a heat map of where its entries sit.
//
// It only asks: the window passes the requests to the worker and its answers
// back here. The worker answers every request once and in order, so the box keeps
// its requests in a queue and matches each answer to the oldest.
#include <QGroupBox>
#include <QList>
#include <optional>

#include "engine_events.h"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace qt::ui {

class SparseMaskDialog;
class SparseMaskHeatMap;

class SparseMaskPanel : public QGroupBox {
    Q_OBJECT
public:
    // Whether runs of `method` read TrainConfig::sparse_mask (the registry says:
    // TrainingMethodInfo::needs_sparse_mask, train/training_methods.h).
    static bool neededBy(const QString& method);

    explicit SparseMaskPanel(QWidget* parent = nullptr);

    // The mask a run will use: "" until one was loaded or computed (or a session named one).
    QString path() const { return path_; }
    // A path from a session or a config: kept, shown as not yet checked until check() is answered.
    void setPath(const QString& path);
    // The open model ("" none): masks are checked against it, and the default file is named after it.
    void setModelPath(const QString& modelPath);
    bool isComputing() const;
    bool isWaiting() const { return !pending_.isEmpty(); }
    // The mask in use, once the worker read or made it.
    const std::optional<SparseMaskSummary>& summary() const { return summary_; }
    SparseMaskHeatMap* heatMap() const { return heatMap_; }
    // The compute dialog, opened without blocking; accepting it asks for the computation.
    SparseMaskDialog* openComputeDialog();

public slots:
    // Asks the worker to check the path in use against the open model (after a model or a session loaded).
    void check();
    void load(const QString& path);
    void compute(const qt::ui::SparseMaskRequest& request);
    void cancel();
    void showProgress(const qt::ui::SparseMaskProgress& progress);
    void showMask(const qt::ui::SparseMaskSummary& summary);
    void showFailure(const QString& context, const QString& message, bool cancelled);

signals:
    void loadRequested(const QString& path);
    void computeRequested(const qt::ui::SparseMaskRequest& request);
    void cancelRequested(quint64 id);
    // The path in use, or whether a computation runs, changed.
    void changed();

protected:
    void changeEvent(QEvent* e) override;

private:
    struct Pending {
        bool compute = false;
        QString path;
        quint64 id = 0;
        QString criterion;  // a compute's, for the progress text
    };
    void retranslate();
    void refresh();
    void showProgressRow();
    void setStatus(const QString& text, bool error);
    QString statusText() const;
    QString summaryText() const;

    QLineEdit* pathEdit_;
    QPushButton* loadButton_;
    QPushButton* computeButton_;
    QProgressBar* progress_;
    QLabel* progressText_;
    QPushButton* cancelButton_;
    QLabel* status_;
    QLabel* summaryLabel_;
    SparseMaskHeatMap* heatMap_;

    QString path_;
    QString modelPath_;
    std::optional<SparseMaskSummary> summary_;
    QList<Pending> pending_;
    quint64 nextId_ = 1;
    bool cancelAsked_ = false;  // the running computation was asked to stop
    // The last status, kept as what it says so that a language change can say it again.
    enum class Status { None, Unchecked, Checking, Ready, Failed, Cancelled } statusKind_ = Status::None;
    QString failure_;  // "context: message" of the last failure
    SparseMaskProgress lastProgress_;
};

}  // namespace qt::ui
