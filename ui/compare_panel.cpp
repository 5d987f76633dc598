#include "compare_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTextCursor>
#include <QTextEdit>
#include <QTextStream>
#include <QVBoxLayout>

namespace qt::ui {

ComparePanel::ComparePanel(QWidget* parent) : QWidget(parent) {
    prompt_ = new QPlainTextEdit(this);
    prompt_->setObjectName("comparePrompt");
    prompt_->setMaximumHeight(90);
    examples_ = new QComboBox(this);
    examples_->setObjectName("examplePrompts");
    QFile examples(QStringLiteral(":/prompts/example_prompts.txt"));
    if (examples.open(QIODevice::ReadOnly | QIODevice::Text))
        for (const QString& line : QString::fromUtf8(examples.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            examples_->addItem(line);
    run_ = new QPushButton(this);
    run_->setObjectName("compareButton");
    export_ = new QPushButton(this);
    export_->setObjectName("exportCompareButton");

    samplingBox_ = new QGroupBox(this);
    maxTokens_ = new QSpinBox(samplingBox_);
    maxTokens_->setObjectName("compareMaxTokens");
    maxTokens_->setRange(1, 4096);
    maxTokens_->setValue(64);
    temperature_ = new QDoubleSpinBox(samplingBox_);
    temperature_->setRange(0, 5);
    temperature_->setSingleStep(0.1);
    topK_ = new QSpinBox(samplingBox_);
    topK_->setRange(0, 100000);
    topP_ = new QDoubleSpinBox(samplingBox_);
    topP_->setRange(0.01, 1);
    topP_->setSingleStep(0.05);
    topP_->setValue(1);
    seed_ = new QSpinBox(samplingBox_);
    seed_->setRange(0, 2'000'000'000);
    chat_ = new QCheckBox(samplingBox_);
    chat_->setChecked(true);
    tokensLabel_ = new QLabel(samplingBox_);
    tempLabel_ = new QLabel(samplingBox_);
    topKLabel_ = new QLabel(samplingBox_);
    topPLabel_ = new QLabel(samplingBox_);
    seedLabel_ = new QLabel(samplingBox_);
    auto* sl = new QHBoxLayout(samplingBox_);
    for (QWidget* w : std::initializer_list<QWidget*>{tokensLabel_, maxTokens_, tempLabel_, temperature_, topKLabel_, topK_,
                                                      topPLabel_, topP_, seedLabel_, seed_, chat_})
        sl->addWidget(w);
    sl->addStretch(1);

    auto side = [this](QGroupBox*& box, QTextEdit*& text, QLabel*& stats, const char* name) {
        box = new QGroupBox(this);
        text = new QTextEdit(box);
        text->setObjectName(name);
        text->setReadOnly(true);
        stats = new QLabel(box);
        auto* l = new QVBoxLayout(box);
        l->addWidget(text, 1);
        l->addWidget(stats);
    };
    side(baseBox_, base_, baseStats_, "baseAnswer");
    side(tunedBox_, tuned_, tunedStats_, "tunedAnswer");

    historyBox_ = new QGroupBox(this);
    history_ = new QListWidget(historyBox_);
    history_->setObjectName("compareHistory");
    (new QVBoxLayout(historyBox_))->addWidget(history_);

    auto* top = new QHBoxLayout;
    top->addWidget(prompt_, 1);
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(examples_);
    buttons->addWidget(run_);
    buttons->addWidget(export_);
    buttons->addStretch(1);
    top->addLayout(buttons);

    auto* answers = new QHBoxLayout;
    answers->addWidget(baseBox_, 1);
    answers->addWidget(tunedBox_, 1);
    auto* body = new QHBoxLayout;
    body->addLayout(answers, 4);
    body->addWidget(historyBox_, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(samplingBox_);
    layout->addLayout(body, 1);

    connect(run_, &QPushButton::clicked, this, &ComparePanel::start);
    connect(examples_, &QComboBox::activated, this, [this](int i) { prompt_->setPlainText(examples_->itemText(i)); });
    connect(history_, &QListWidget::currentRowChanged, this, &ComparePanel::showEntry);
    connect(export_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the comparison"), QStringLiteral("comparison.md"),
                                                          tr("Markdown (*.md)"));
        if (!path.isEmpty() && !exportMarkdown(path))
            QMessageBox::warning(this, tr("Export failed"), tr("Could not write %1.").arg(path));
    });
    retranslate();
}

void ComparePanel::setPrompt(const QString& text) { prompt_->setPlainText(text); }

CompareRequest ComparePanel::request() const {
    CompareRequest r;
    r.prompt = prompt_->toPlainText();
    r.chat = chat_->isChecked();
    r.max_new_tokens = maxTokens_->value();
    r.temperature = temperature_->value();
    r.top_k = topK_->value();
    r.top_p = topP_->value();
    r.seed = seed_->value();
    return r;
}

QString ComparePanel::answer(CompareSide side) const {
    return side == CompareSide::Base ? base_->toPlainText() : tuned_->toPlainText();
}

int ComparePanel::historyCount() const { return entries_.size(); }

void ComparePanel::start() {
    const CompareRequest r = request();
    if (r.prompt.trimmed().isEmpty()) {
        QMessageBox::information(this, tr("Compare"), tr("Write a prompt first."));
        return;
    }
    entries_.append(Entry{r, QString(), QString()});
    {
        const QSignalBlocker block(history_);
        history_->addItem(r.prompt.simplified().left(60));
        history_->setCurrentRow(history_->count() - 1);
    }
    base_->clear();
    tuned_->clear();
    baseStats_->setText(tr("answering…"));
    tunedStats_->setText(tr("waiting for the base model…"));
    emit compareRequested(r);
}

void ComparePanel::appendText(CompareSide side, const QString& text) {
    if (entries_.isEmpty()) return;
    Entry& e = entries_.last();
    (side == CompareSide::Base ? e.base : e.tuned) += text;
    if (history_->currentRow() != entries_.size() - 1) return;
    QTextEdit* view = side == CompareSide::Base ? base_ : tuned_;
    view->moveCursor(QTextCursor::End);
    view->insertPlainText(text);
    if (side == CompareSide::FineTuned && tunedStats_->text() != tr("answering…")) tunedStats_->setText(tr("answering…"));
}

void ComparePanel::finishSide(CompareSide side, const QString& stats) {
    (side == CompareSide::Base ? baseStats_ : tunedStats_)->setText(stats);
}

void ComparePanel::showEntry(int row) {
    if (row < 0 || row >= entries_.size()) return;
    const Entry& e = entries_[row];
    prompt_->setPlainText(e.request.prompt);
    base_->setPlainText(e.base);
    tuned_->setPlainText(e.tuned);
}

void ComparePanel::setBusy(bool busy) { run_->setEnabled(!busy); }

bool ComparePanel::exportMarkdown(const QString& path) const {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    QTextStream out(&f);
    out << "# QuantTune: base and fine-tuned answers\n\n";
    for (const Entry& e : entries_) {
        out << "## Prompt\n\n" << e.request.prompt << "\n\n"
            << QStringLiteral("Sampling: max %1 tokens, temperature %2, top-k %3, top-p %4, seed %5%6\n\n")
                   .arg(e.request.max_new_tokens)
                   .arg(e.request.temperature)
                   .arg(e.request.top_k)
                   .arg(e.request.top_p)
                   .arg(e.request.seed)
                   .arg(e.request.chat ? QStringLiteral(", chat template") : QString())
            << "### Base model\n\n" << e.base << "\n\n### Fine-tuned model\n\n" << e.tuned << "\n\n";
    }
    return out.status() == QTextStream::Ok;
}

void ComparePanel::retranslate() {
    prompt_->setPlaceholderText(tr("Ask both models something, e.g. a question from your dataset."));
    run_->setText(tr("Compare"));
    examples_->setToolTip(tr("Example prompts: pick one to put it in the box."));
    run_->setToolTip(tr("The base model answers first, then the fine-tuned one, with the same settings."));
    export_->setText(tr("Export…"));
    samplingBox_->setTitle(tr("Sampling (the same for both)"));
    tokensLabel_->setText(tr("Max tokens:"));
    tempLabel_->setText(tr("Temperature:"));
    temperature_->setToolTip(tr("0 always picks the likeliest word; higher values answer more freely."));
    topKLabel_->setText(tr("Top-k:"));
    topK_->setToolTip(tr("Pick only among the k likeliest words (0: no limit)."));
    topPLabel_->setText(tr("Top-p:"));
    topP_->setToolTip(tr("Pick only among the likeliest words that together make up this probability."));
    seedLabel_->setText(tr("Seed:"));
    chat_->setText(tr("Chat template"));
    chat_->setToolTip(tr("Wrap the prompt as a user turn of the model's chat template."));
    baseBox_->setTitle(tr("Base model (from the file)"));
    tunedBox_->setTitle(tr("Fine-tuned model (after training)"));
    historyBox_->setTitle(tr("Earlier prompts"));
}

void ComparePanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
