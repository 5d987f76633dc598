#include "model_panel.h"

#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "byte_format.h"
#include "memory_category_text.h"
#include "recent_models.h"

namespace qt::ui {

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
    fileBox_ = new QGroupBox(this);
    pathCombo_ = new QComboBox(fileBox_);
    pathCombo_->setEditable(true);
    pathCombo_->setObjectName("modelPathCombo");
    pathCombo_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    browseButton_ = new QPushButton(fileBox_);
    loadButton_ = new QPushButton(fileBox_);
    loadButton_->setObjectName("loadModelButton");
    auto* row = new QHBoxLayout(fileBox_);
    row->addWidget(pathCombo_, 1);
    row->addWidget(browseButton_);
    row->addWidget(loadButton_);

    infoBox_ = new QGroupBox(this);
    info_ = new QLabel(infoBox_);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    info_->setWordWrap(true);
    info_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    (new QVBoxLayout(infoBox_))->addWidget(info_);

    planBox_ = new QGroupBox(this);
    planTable_ = new QTableWidget(planBox_);
    planTable_->setObjectName("memoryPlanTable");
    planTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    planTable_->verticalHeader()->hide();
    planTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    planNote_ = new QLabel(planBox_);
    planNote_->setWordWrap(true);
    auto* pl = new QVBoxLayout(planBox_);
    pl->addWidget(planTable_);
    pl->addWidget(planNote_);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(fileBox_);
    layout->addWidget(infoBox_);
    layout->addWidget(planBox_, 1);

    connect(browseButton_, &QPushButton::clicked, this, &ModelPanel::browse);
    connect(loadButton_, &QPushButton::clicked, this, [this] { emit openRequested(selectedPath()); });
    refreshRecent();
    pathCombo_->setCurrentText(preselected_model());
    retranslate();
}

QString ModelPanel::selectedPath() const { return pathCombo_->currentText().trimmed(); }

void ModelPanel::setSelectedPath(const QString& path) { pathCombo_->setCurrentText(path); }

void ModelPanel::setCapacity(qint64 bytes, const QString& device) {
    capacity_ = bytes;
    device_ = device;
    fillPlans();
}

void ModelPanel::browse() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a model"), selectedPath(),
                                                      tr("GGUF models (*.gguf);;All files (*)"));
    if (path.isEmpty()) return;
    pathCombo_->setCurrentText(path);
    emit openRequested(path);
}

void ModelPanel::refreshRecent() {
    const QString current = pathCombo_->currentText();
    pathCombo_->clear();
    pathCombo_->addItems(recent_models());
    pathCombo_->setCurrentText(current);
}

void ModelPanel::showSummary(const ModelSummary& summary) {
    summary_ = summary;
    remember_model(summary.path);
    refreshRecent();
    pathCombo_->setCurrentText(summary.path);
    retranslate();
}

void ModelPanel::showPlans(const MemoryPlans& plans) {
    plans_ = plans;
    retranslate();
}

void ModelPanel::fillPlans() {
    // A column for every ledger category, in the ledger's order (Projections included).
    QStringList headers = {tr("Method")};
    for (int c = 0; c < kMemoryCategoryCount; ++c) headers << category_title(static_cast<MemoryCategory>(c));
    headers << tr("Total") << tr("Fits on %1?").arg(device_.isEmpty() ? tr("the device") : device_);
    planTable_->setColumnCount(headers.size());
    planTable_->setHorizontalHeaderLabels(headers);
    planTable_->setRowCount(plans_.plans.size());
    for (int r = 0; r < plans_.plans.size(); ++r) {
        const MethodMemoryPlan& p = plans_.plans[r];
        auto* name = new QTableWidgetItem(method_plan_title(p.method));
        name->setToolTip(p.source);
        planTable_->setItem(r, 0, name);
        for (int c = 0; c < kMemoryCategoryCount; ++c) {
            auto* cell = new QTableWidgetItem(format_bytes(p.bytes[static_cast<size_t>(c)]));
            cell->setToolTip(category_label(static_cast<MemoryCategory>(c), p.labels));  // "INT8 weights", if the method names it
            planTable_->setItem(r, c + 1, cell);
        }
        planTable_->setItem(r, kMemoryCategoryCount + 1, new QTableWidgetItem(format_bytes(p.total())));
        QString fits = tr("unknown");
        if (capacity_ > 0) fits = p.total() <= capacity_ ? tr("yes (%1%)").arg(100.0 * p.total() / capacity_, 0, 'f', 1)
                                                         : tr("no: %1 over").arg(format_bytes(p.total() - capacity_));
        planTable_->setItem(r, kMemoryCategoryCount + 2, new QTableWidgetItem(fits));
    }
}

void ModelPanel::retranslate() {
    fileBox_->setTitle(tr("Model file (.gguf)"));
    browseButton_->setText(tr("Browse…"));
    loadButton_->setText(tr("Open"));
    browseButton_->setToolTip(tr("Choose a GGUF model file on this computer."));
    loadButton_->setToolTip(tr("Load the model named in the box (recent models are in its list)."));
    infoBox_->setTitle(tr("About this model"));
    planBox_->setTitle(plans_.plans.isEmpty()
                           ? tr("Memory each method would need")
                           : tr("Memory each method would need (sequences of %1 tokens, %2 per step, as on the Method page)")
                                 .arg(plans_.max_tokens)
                                 .arg(plans_.batch_size));
    planNote_->setText(tr("Planned by the engine from the file before training; hover a method for where its numbers "
                          "come from. The Memory page shows what a run really holds."));
    if (summary_.path.isEmpty()) {
        info_->setText(tr("No model loaded yet. Press Open to load the one named above."));
    } else {
        const ModelSummary& s = summary_;
        info_->setText(tr("<b>%1</b><br>Architecture: %2<br>Parameters: %3 (%4 M)<br>File size: %5 (tensors %6)<br>"
                          "Quantization: %7<br>Layers: %8, embedding width %9, attention heads %10 (key/value heads %11)<br>"
                          "Context: %12 tokens, vocabulary %13 tokens<br>Chat template: %14<br>Loaded on: %15")
                           .arg(s.name.toHtmlEscaped(), s.architecture)
                           .arg(s.parameters)
                           .arg(s.parameters / 1e6, 0, 'f', 1)
                           .arg(format_bytes(s.file_bytes), format_bytes(s.weight_bytes), s.tensor_types.join(QStringLiteral("; ")))
                           .arg(s.layers)
                           .arg(s.embedding)
                           .arg(s.heads)
                           .arg(s.kv_heads)
                           .arg(s.context)
                           .arg(s.vocabulary)
                           .arg(s.chat_template.toHtmlEscaped(), s.backend.toHtmlEscaped()));
    }
    fillPlans();
}

void ModelPanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
