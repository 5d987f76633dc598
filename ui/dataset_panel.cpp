#include "dataset_panel.h"

#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "dataset_preview_model.h"

namespace qt::ui {

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
    fileBox_ = new QGroupBox(this);
    pathEdit_ = new QLineEdit(fileBox_);
    pathEdit_->setObjectName("datasetPathEdit");
    browseButton_ = new QPushButton(fileBox_);
    loadButton_ = new QPushButton(fileBox_);
    loadButton_->setObjectName("loadDatasetButton");
    auto* row = new QHBoxLayout(fileBox_);
    row->addWidget(pathEdit_, 1);
    row->addWidget(browseButton_);
    row->addWidget(loadButton_);

    statsBox_ = new QGroupBox(this);
    stats_ = new QLabel(statsBox_);
    stats_->setWordWrap(true);
    stats_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    stats_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    (new QVBoxLayout(statsBox_))->addWidget(stats_);

    histBox_ = new QGroupBox(this);
    histogram_ = new QCustomPlot(histBox_);
    histogram_->setObjectName("lengthHistogram");
    histogram_->setMinimumHeight(180);
    (new QVBoxLayout(histBox_))->addWidget(histogram_);

    previewBox_ = new QGroupBox(this);
    table_ = new QTableView(previewBox_);
    table_->setObjectName("datasetPreview");
    preview_ = new DatasetPreviewModel(this);
    table_->setModel(preview_);
    table_->setWordWrap(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->verticalHeader()->hide();
    (new QVBoxLayout(previewBox_))->addWidget(table_);

    skippedBox_ = new QGroupBox(this);
    skipped_ = new QListWidget(skippedBox_);
    skipped_->setObjectName("skippedRows");
    (new QVBoxLayout(skippedBox_))->addWidget(skipped_);

    auto* grid = new QGridLayout(this);
    grid->addWidget(fileBox_, 0, 0, 1, 2);
    grid->addWidget(statsBox_, 1, 0);
    grid->addWidget(histBox_, 1, 1);
    grid->addWidget(previewBox_, 2, 0, 1, 2);
    grid->addWidget(skippedBox_, 3, 0, 1, 2);
    grid->setRowStretch(2, 3);
    grid->setRowStretch(3, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);

    connect(browseButton_, &QPushButton::clicked, this, &DatasetPanel::browse);
    connect(loadButton_, &QPushButton::clicked, this, [this] { emit openRequested(path()); });
    retranslate();
}

QString DatasetPanel::path() const { return pathEdit_->text().trimmed(); }
void DatasetPanel::setPath(const QString& path) { pathEdit_->setText(path); }

void DatasetPanel::browse() {
    const QString p = QFileDialog::getOpenFileName(this, tr("Open a dataset"), path(),
                                                   tr("Datasets (*.jsonl *.json *.csv *.tsv *.txt);;All files (*)"));
    if (p.isEmpty()) return;
    pathEdit_->setText(p);
    emit openRequested(p);
}

void DatasetPanel::showSummary(const DatasetSummary& summary) {
    summary_ = summary;
    pathEdit_->setText(summary.path);
    preview_->setRows(summary.preview);
    table_->resizeColumnsToContents();
    for (int c : {DatasetPreviewModel::Prompt, DatasetPreviewModel::Completion})
        table_->setColumnWidth(c, qMin(table_->columnWidth(c), 420));
    skipped_->clear();
    skipped_->addItems(summary.skipped_messages);
    if (summary.rows_skipped > summary.skipped_messages.size())
        skipped_->addItem(tr("… and %1 more").arg(summary.rows_skipped - summary.skipped_messages.size()));
    plotHistogram();
    retranslate();
}

void DatasetPanel::plotHistogram() {
    histogram_->clearPlottables();
    auto* bars = new QCPBars(histogram_->xAxis, histogram_->yAxis);
    bars->setBrush(QColor(0x4c, 0x72, 0xb0, 200));
    bars->setPen(Qt::NoPen);
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    QVector<double> x, y;
    double ymax = 1;
    for (int i = 0; i < summary_.bucket_count.size(); ++i) {
        x << i;
        y << summary_.bucket_count[i];
        ymax = qMax(ymax, static_cast<double>(summary_.bucket_count[i]));
        ticker->addTick(i, QStringLiteral("%1–%2").arg(summary_.bucket_min[i]).arg(summary_.bucket_max[i]));
    }
    bars->setData(x, y);
    histogram_->xAxis->setTicker(ticker);
    histogram_->xAxis->setRange(-0.6, qMax(0.6, x.size() - 0.4));
    histogram_->yAxis->setRange(0, ymax * 1.1);
    histogram_->replot();
}

void DatasetPanel::retranslate() {
    fileBox_->setTitle(tr("Data file"));
    browseButton_->setText(tr("Browse…"));
    loadButton_->setText(tr("Open"));
    pathEdit_->setPlaceholderText(tr("JSON lines, JSON array, CSV/TSV or plain text"));
    statsBox_->setTitle(tr("What the engine found"));
    histBox_->setTitle(tr("Token lengths"));
    histogram_->xAxis->setLabel(tr("tokens per example"));
    histogram_->yAxis->setLabel(tr("examples"));
    previewBox_->setTitle(tr("First examples as the model sees them (completion highlighted: the loss is computed on it)"));
    skippedBox_->setTitle(tr("Skipped rows and why"));
    const DatasetSummary& s = summary_;
    if (s.path.isEmpty()) {
        stats_->setText(tr("No dataset loaded."));
    } else {
        stats_->setText(tr("Format: %1%2<br>Rows read: %3, kept: %4, skipped: %5, shortened: %6<br>"
                           "Tokens: %7, of which trained on: %8<br>Length: %9–%10 tokens, mean %11, median %12, 90% below %13")
                            .arg(s.format, s.chat_template_applied ? tr(" (chat template applied)") : QString())
                            .arg(s.rows_read)
                            .arg(s.rows_kept)
                            .arg(s.rows_skipped)
                            .arg(s.rows_truncated)
                            .arg(s.total_tokens)
                            .arg(s.target_tokens)
                            .arg(s.length_min)
                            .arg(s.length_max)
                            .arg(s.length_mean, 0, 'f', 1)
                            .arg(s.length_median)
                            .arg(s.length_p90));
    }
    histogram_->replot();
}

void DatasetPanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
