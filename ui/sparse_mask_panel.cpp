#include "sparse_mask_panel.h"

#include "train/training_methods.h"

#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "sparse_mask_dialog.h"
#include "sparse_mask_heat_map.h"

namespace qt::ui {

SparseMaskPanel::SparseMaskPanel(QWidget* parent) : QGroupBox(parent) {
    setObjectName("sparseMaskPanel");
    pathEdit_ = new QLineEdit(this);
    pathEdit_->setObjectName("sparseMaskPathEdit");
    pathEdit_->setReadOnly(true);
    pathEdit_->setMinimumWidth(260);
    loadButton_ = new QPushButton(this);
    loadButton_->setObjectName("loadSparseMaskButton");
    computeButton_ = new QPushButton(this);
    computeButton_->setObjectName("computeSparseMaskButton");
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(pathEdit_, 1);
    fileRow->addWidget(loadButton_);
    fileRow->addWidget(computeButton_);

    progress_ = new QProgressBar(this);
    progress_->setObjectName("sparseMaskProgress");
    progressText_ = new QLabel(this);
    progressText_->setObjectName("sparseMaskProgressText");
    cancelButton_ = new QPushButton(this);
    cancelButton_->setObjectName("cancelSparseMaskButton");
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(progress_, 1);
    progressRow->addWidget(progressText_);
    progressRow->addWidget(cancelButton_);

    status_ = new QLabel(this);
    status_->setObjectName("sparseMaskStatus");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summaryLabel_ = new QLabel(this);
    summaryLabel_->setObjectName("sparseMaskSummary");
    summaryLabel_->setWordWrap(true);
    heatMap_ = new SparseMaskHeatMap(this);
    heatMap_->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(fileRow);
    layout->addLayout(progressRow);
    layout->addWidget(status_);
    layout->addWidget(summaryLabel_);
    layout->addWidget(heatMap_, 1);

    connect(loadButton_, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getOpenFileName(this, tr("Load a sensitive-entry mask"),
                                                       path_.isEmpty() ? QString() : QFileInfo(path_).absolutePath(),
                                                       tr("Sparse masks (*.qtsparse);;All files (*)"));
        if (!p.isEmpty()) load(p);
    });
    connect(computeButton_, &QPushButton::clicked, this, &SparseMaskPanel::openComputeDialog);
    connect(cancelButton_, &QPushButton::clicked, this, &SparseMaskPanel::cancel);
    retranslate();
}

bool SparseMaskPanel::isComputing() const {
    for (const Pending& p : pending_)
        if (p.compute) return true;
    return false;
}

void SparseMaskPanel::setPath(const QString& path) {
    if (path == path_) return;
    path_ = path;
    summary_.reset();
    heatMap_->clear();
    statusKind_ = path.isEmpty() ? Status::None : Status::Unchecked;
    refresh();
    emit changed();
}

void SparseMaskPanel::setModelPath(const QString& modelPath) {
    modelPath_ = modelPath;
    refresh();
}

SparseMaskDialog* SparseMaskPanel::openComputeDialog() {
    auto* dialog = new SparseMaskDialog(modelPath_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { compute(dialog->request()); });
    dialog->open();
    return dialog;
}

void SparseMaskPanel::check() {
    if (!path_.isEmpty() && !modelPath_.isEmpty()) load(path_);
}

void SparseMaskPanel::load(const QString& path) {
    pending_ << Pending{false, path, 0, QString()};
    statusKind_ = Status::Checking;
    refresh();
    emit loadRequested(path);
}

void SparseMaskPanel::compute(const SparseMaskRequest& request) {
    SparseMaskRequest r = request;
    r.id = nextId_++;
    pending_ << Pending{true, r.path, r.id, r.criterion};
    lastProgress_ = SparseMaskProgress{};
    cancelAsked_ = false;
    statusKind_ = Status::Checking;
    refresh();
    emit changed();
    emit computeRequested(r);
}

void SparseMaskPanel::cancel() {
    for (const Pending& p : pending_)
        if (p.compute) {
            cancelAsked_ = true;
            refresh();
            emit cancelRequested(p.id);
            return;
        }
}

void SparseMaskPanel::showProgress(const SparseMaskProgress& p) {
    lastProgress_ = p;
    refresh();
}

void SparseMaskPanel::showMask(const SparseMaskSummary& s) {
    if (!pending_.isEmpty()) pending_.removeFirst();
    cancelAsked_ = false;
    path_ = s.path;
    summary_ = s;
    heatMap_->showLayout(s.layout);
    statusKind_ = Status::Ready;
    refresh();
    emit changed();
}

// A failed check of the mask in use (another model opened) drops it; a file that
// failed to load or a computation that failed leaves the one in use as it was.
void SparseMaskPanel::showFailure(const QString& context, const QString& message, bool cancelled) {
    const Pending p = pending_.isEmpty() ? Pending{} : pending_.takeFirst();
    cancelAsked_ = false;
    if (!p.compute && !p.path.isEmpty() && p.path == path_) {
        path_.clear();
        summary_.reset();
        heatMap_->clear();
    }
    failure_ = tr("%1: %2").arg(context, message);
    statusKind_ = cancelled ? Status::Cancelled : Status::Failed;
    refresh();
    emit changed();
}

void SparseMaskPanel::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? QStringLiteral("color: #b00020; font-weight: bold") : QString());
}

QString SparseMaskPanel::summaryText() const {
    if (!summary_) return {};
    const SparseMaskSummary& s = *summary_;
    const QLocale locale;
    QString text =
        tr("%1 sensitive entries: %2% of the %3 weights of the linear layers. Criterion: %4; chosen over %5.")
            .arg(locale.toString(s.layout.entries))
            .arg(100.0 * s.fraction, 0, 'g', 3)
            .arg(locale.toString(s.layout.weights), mask_criterion_text(s.criterion), mask_scope_text(s.scope));
    // details.captured_share (gradient criterion): the paper's point that 0.1% of the
    // entries carry most of the squared gradient.
    const double captured = 100.0 * s.captured_share;
    if (s.has_captured_share && s.sequences > 0)
        text += QLatin1Char(' ') +
                tr("These entries carry %1% of the squared gradient summed over %2 calibration sequences.")
                    .arg(captured, 0, 'f', 1)
                    .arg(s.sequences);
    else if (s.has_captured_share)
        text += QLatin1Char(' ') + tr("These entries carry %1% of the squared gradient.").arg(captured, 0, 'f', 1);
    if (s.has_values) text += QLatin1Char(' ') + tr("The file also holds trained values, which a run starts from.");
    if (!s.layout.unplaced.empty())
        text += QLatin1Char(' ') + tr("Not in the map (no linear layer of a block, nor the head): %1.")
                                       .arg(QString::fromStdString(s.layout.unplaced.front()) +
                                            (s.layout.unplaced.size() > 1 ? QStringLiteral(" …") : QString()));
    return text;
}

void SparseMaskPanel::refresh() {
    pathEdit_->setText(path_);
    pathEdit_->setToolTip(path_);
    const bool model = !modelPath_.isEmpty(), idle = pending_.isEmpty();
    loadButton_->setEnabled(model && idle);
    computeButton_->setEnabled(model && idle);
    const QString needModel = tr("Open a model first: a mask belongs to one model.");
    loadButton_->setToolTip(model ? tr("Read a .qtsparse file and check that it was made for the open model.")
                                  : needModel);
    computeButton_->setToolTip(model ? tr("Choose the sensitive entries of the open model now (on the engine's thread; "
                                          "the window stays usable).")
                                     : needModel);
    showProgressRow();
    setStatus(statusText(), statusKind_ == Status::Failed);
    summaryLabel_->setText(summaryText());
    summaryLabel_->setVisible(summary_.has_value());
    heatMap_->setVisible(summary_.has_value());
}

// One bar over every pass (a group of linears, one pass over the text each).
void SparseMaskPanel::showProgressRow() {
    const bool computing = isComputing();
    for (QWidget* w : std::initializer_list<QWidget*>{progress_, progressText_, cancelButton_}) w->setVisible(computing);
    cancelButton_->setEnabled(!cancelAsked_);  // once asked, until the worker answers
    if (!computing) return;
    const SparseMaskProgress& p = lastProgress_;
    const qint64 per = qMax<qint64>(1, p.total), most = 1 << 30;  // QProgressBar counts in int
    progress_->setRange(0, static_cast<int>(qMin(per * qMax(1, p.passes), most)));
    progress_->setValue(static_cast<int>(qMin(p.pass * per + p.done, most)));
    // The gradient criterion reports sequences of text; the others, matrices.
    const bool text = pending_.front().criterion == QLatin1String("gradient");
    if (p.total == 0) progressText_->setText(tr("starting…"));
    else if (text)
        progressText_->setText(
            tr("pass %1 of %2: sequence %3 of %4").arg(p.pass + 1).arg(p.passes).arg(p.done).arg(p.total));
    else progressText_->setText(tr("matrix %1 of %2").arg(p.done).arg(p.total));
}

QString SparseMaskPanel::statusText() const {
    switch (statusKind_) {
        case Status::None:
            return tr("No mask yet: load a .qtsparse file or compute one for the open model. Sparse ZO trains only "
                      "the entries the mask names.");
        case Status::Unchecked: return tr("Not yet checked against a model: it will be once a model is open.");
        case Status::Checking:
            if (isComputing()) return tr("Computing the mask…");
            return tr("Checking %1 against the open model…")
                .arg(QFileInfo(pending_.isEmpty() ? path_ : pending_.front().path).fileName());
        case Status::Ready: return tr("✔ The mask fits the open model.");
        case Status::Failed:
        case Status::Cancelled: break;
    }
    const QString what = statusKind_ == Status::Cancelled
                             ? tr("Computing the mask was cancelled: no file was written.")
                             : tr("✘ %1").arg(failure_);
    const QString inUse = path_.isEmpty() ? tr("No mask in use.")
                                          : tr("The mask in use is still %1.").arg(QFileInfo(path_).fileName());
    return what + QLatin1Char(' ') + inUse;
}

void SparseMaskPanel::retranslate() {
    setTitle(tr("Sensitive-entry mask"));
    pathEdit_->setPlaceholderText(tr("no mask file"));
    loadButton_->setText(tr("Load…"));
    computeButton_->setText(tr("Compute…"));
    cancelButton_->setText(tr("Cancel"));
    cancelButton_->setToolTip(tr("Stop the computation after the current sequence; no file is written."));
    setToolTip(tr("Sparse ZO trains a float32 value at each entry of the linear layers that this mask names, about "
                  "0.1% of them: those the loss on generic text is most sensitive to. The mask is chosen once per "
                  "model and reused for every task."));
    refresh();
}

void SparseMaskPanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QGroupBox::changeEvent(e);
}

bool SparseMaskPanel::neededBy(const QString& method) {
    const TrainingMethodInfo* m = find_training_method(method.toStdString());
    return m && m->needs_sparse_mask;
}

}  // namespace qt::ui
