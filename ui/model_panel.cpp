#include "model_panel.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "byte_format.h"
#include "memory_category_text.h"
#include "method_reach_text.h"
#include "recent_models.h"
#include "training_method_text.h"

namespace qt::ui {
namespace {

// The model a drag carries: one local .gguf file or one folder, else empty.
QString dragged_model(const QMimeData* mime) {
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1) return QString();
    const QString path = mime->urls().first().toLocalFile();
    const QFileInfo info(path);
    if (path.isEmpty() || !info.exists()) return QString();
    if (info.isDir() || info.suffix().compare(QStringLiteral("gguf"), Qt::CaseInsensitive) == 0) return path;
    return QString();
}

}  // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
    fileBox_ = new QGroupBox(this);
    pathCombo_ = new QComboBox(fileBox_);
    pathCombo_->setEditable(true);
    pathCombo_->setObjectName("modelPathCombo");
    pathCombo_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    browseButton_ = new QPushButton(fileBox_);
    browseButton_->setObjectName("browseModelButton");
    folderButton_ = new QPushButton(fileBox_);
    folderButton_->setObjectName("openModelFolderButton");
    loadButton_ = new QPushButton(fileBox_);
    loadButton_->setObjectName("loadModelButton");
    status_ = new QLabel(fileBox_);
    status_->setObjectName("modelStatusLabel");
    status_->setWordWrap(true);
    status_->hide();
    auto* fileLayout = new QVBoxLayout(fileBox_);
    auto* row = new QHBoxLayout;
    row->addWidget(pathCombo_, 1);
    row->addWidget(browseButton_);
    row->addWidget(folderButton_);
    row->addWidget(loadButton_);
    fileLayout->addLayout(row);
    fileLayout->addWidget(status_);

    recentBox_ = new QGroupBox(this);
    recentList_ = new QListWidget(recentBox_);
    recentList_->setObjectName("recentModelsList");
    recentList_->setMaximumHeight(recentList_->fontMetrics().height() * 6);
    (new QVBoxLayout(recentBox_))->addWidget(recentList_);

    infoBox_ = new QGroupBox(this);
    architecture_ = new QLabel(infoBox_);
    architecture_->setObjectName("modelArchitectureLabel");
    architecture_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    architecture_->setWordWrap(true);
    info_ = new QLabel(infoBox_);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    info_->setWordWrap(true);
    info_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    auto* infoLayout = new QVBoxLayout(infoBox_);
    infoLayout->addWidget(architecture_);
    infoLayout->addWidget(info_);

    reachBox_ = new QGroupBox(this);
    reachList_ = new QListWidget(reachBox_);
    reachList_->setObjectName("methodReachList");
    reachList_->setWordWrap(true);
    reachList_->setSelectionMode(QAbstractItemView::NoSelection);
    (new QVBoxLayout(reachBox_))->addWidget(reachList_);

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
    layout->addWidget(recentBox_);
    layout->addWidget(infoBox_);
    layout->addWidget(reachBox_);
    layout->addWidget(planBox_, 1);
    setAcceptDrops(true);

    connect(browseButton_, &QPushButton::clicked, this, &ModelPanel::browse);
    connect(folderButton_, &QPushButton::clicked, this, &ModelPanel::browseFolder);
    connect(recentList_, &QListWidget::itemActivated, this, &ModelPanel::openRecent);
    connect(recentList_, &QListWidget::itemClicked, this, &ModelPanel::openRecent);
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

void ModelPanel::browseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a Hugging Face model folder"), selectedPath());
    if (dir.isEmpty()) return;
    pathCombo_->setCurrentText(dir);
    emit openRequested(dir);
}

void ModelPanel::dragEnterEvent(QDragEnterEvent* e) {
    if (!dragged_model(e->mimeData()).isEmpty()) e->acceptProposedAction();
}

void ModelPanel::dropEvent(QDropEvent* e) {
    const QString path = dragged_model(e->mimeData());
    if (path.isEmpty()) return;
    e->acceptProposedAction();
    pathCombo_->setCurrentText(path);
    emit openRequested(path);
}

void ModelPanel::refreshRecent() {
    const QString current = pathCombo_->currentText();
    const QStringList recent = recent_models();
    pathCombo_->clear();
    pathCombo_->addItems(recent);
    pathCombo_->setCurrentText(current);
    // Models that are gone stay listed, greyed, so that a disk not mounted now is no surprise.
    recentList_->clear();
    for (const QString& path : recent) {
        const QFileInfo info(path);
        auto* item = new QListWidgetItem(path, recentList_);
        item->setData(Qt::UserRole, path);
        if (!info.exists()) {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(tr("Not found: %1").arg(path));
        } else {
            item->setToolTip(info.isDir() ? tr("A Hugging Face folder: click to open it (converted once, then cached).")
                                          : tr("Click to open this model."));
        }
    }
}

void ModelPanel::openRecent(QListWidgetItem* item) {
    if (!item || !(item->flags() & Qt::ItemIsEnabled)) return;
    const QString path = item->data(Qt::UserRole).toString();
    if (path == statusPath_) return;  // on its way already (a click is also an activation)
    pathCombo_->setCurrentText(path);
    emit openRequested(path);
}

void ModelPanel::showOpening(const QString& path) {
    statusPath_ = path;
    statusType_.clear();
    retranslate();
}

void ModelPanel::showConverting(const QString& folder, const QString& type) {
    statusPath_ = folder;
    statusType_ = type;
    retranslate();
}

void ModelPanel::showOpenFailed() {
    statusPath_.clear();
    statusType_.clear();
    retranslate();
}

void ModelPanel::fillReach() {
    reachList_->clear();
    if (summary_.path.isEmpty()) return;
    for (const TrainingMethodInfo& m : training_methods()) {
        auto* item = new QListWidgetItem(tr("%1: %2").arg(method_title(m), method_reach(m, summary_)), reachList_);
        item->setData(Qt::UserRole, QString::fromUtf8(m.name));
        item->setToolTip(method_summary(m));
    }
}

void ModelPanel::showSummary(const ModelSummary& summary) {
    summary_ = summary;
    statusPath_.clear();
    statusType_.clear();
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
    fileBox_->setTitle(tr("Model file (.gguf) or Hugging Face folder"));
    browseButton_->setText(tr("Browse…"));
    folderButton_->setText(tr("Open folder…"));
    loadButton_->setText(tr("Open"));
    browseButton_->setToolTip(tr("Choose a GGUF model file on this computer."));
    folderButton_->setToolTip(tr("Choose a Hugging Face model folder (config.json, safetensors, tokenizer.json): it is "
                                 "converted to GGUF once and kept in the cache. You can also drop a file or folder here."));
    recentBox_->setTitle(tr("Recent models"));
    reachBox_->setTitle(tr("What each method can train in this model"));
    if (statusPath_.isEmpty())
        status_->hide();
    else {
        status_->setText(statusType_.isEmpty()
                             ? tr("Opening %1…").arg(statusPath_)
                             : tr("Converting %1 to GGUF (%2)… this can take a while; it happens once per folder.")
                                   .arg(statusPath_, statusType_));
        status_->show();
    }
    loadButton_->setToolTip(tr("Load the model named in the box (recent models are in its list)."));
    infoBox_->setTitle(tr("About this model"));
    planBox_->setTitle(plans_.plans.isEmpty()
                           ? tr("Memory each method would need")
                           : tr("Memory each method would need (sequences of %1 tokens, %2 per step, as on the Method page)")
                                 .arg(plans_.max_tokens)
                                 .arg(plans_.batch_size));
    planNote_->setText(tr("Planned by the engine from the file before training; hover a method for where its numbers "
                          "come from. The Memory page shows what a run really holds."));
    architecture_->setText(summary_.path.isEmpty() ? QString() : architecture_line(summary_));
    architecture_->setVisible(!summary_.path.isEmpty());
    fillReach();
    if (summary_.path.isEmpty()) {
        info_->setText(tr("No model loaded yet. Press Open to load the one named above, or drop a .gguf file or "
                          "a model folder on this page."));
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
