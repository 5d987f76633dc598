#include "sparse_mask_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "train/calibration_text.h"

namespace qt::ui {
namespace {

QStringList default_files() {
    QStringList files;
    for (const std::string& f : default_calibration_files()) files << QString::fromStdString(f);
    return files;
}

bool needs_text(const QString& criterion) { return criterion == QLatin1String("gradient"); }

}  // namespace

QString mask_criterion_text(const QString& criterion) {
    if (criterion == QLatin1String("gradient")) return SparseMaskDialog::tr("squared gradient (sensitivity)");
    if (criterion == QLatin1String("magnitude")) return SparseMaskDialog::tr("weight magnitude (baseline)");
    if (criterion == QLatin1String("random")) return SparseMaskDialog::tr("random (baseline)");
    return criterion;
}

QString mask_scope_text(const QString& scope) {
    if (scope == QLatin1String("global")) return SparseMaskDialog::tr("all linear layers (global)");
    if (scope == QLatin1String("per-matrix")) return SparseMaskDialog::tr("each matrix (per matrix)");
    return scope;
}

QString SparseMaskDialog::defaultMaskPath(const QString& modelPath, const QString& criterion, double fraction) {
    const QString stem = modelPath.isEmpty() ? QStringLiteral("model") : QFileInfo(modelPath).completeBaseName();
    return QDir(QString::fromStdString(default_data_dir()))
        .filePath(QStringLiteral("masks/%1.%2.%3.qtsparse").arg(stem, criterion, QString::number(fraction, 'g', 3)));
}

SparseMaskDialog::SparseMaskDialog(const QString& modelPath, QWidget* parent) : QDialog(parent), modelPath_(modelPath) {
    setObjectName("sparseMaskDialog");
    const SparseMaskRequest defaults;
    // The paper's range: 1e-4 to 1e-2 of the weights (SensZOQ, Guo et al. 2025, Sec. 5).
    fraction_ = new QDoubleSpinBox(this);
    fraction_->setObjectName("maskFractionSpin");
    fraction_->setDecimals(4);
    fraction_->setRange(1e-4, 1e-2);
    fraction_->setSingleStep(1e-4);
    fraction_->setValue(defaults.fraction);
    scope_ = new QComboBox(this);
    scope_->setObjectName("maskScopeCombo");
    for (const char* s : {"global", "per-matrix"}) scope_->addItem(QString(), QString::fromLatin1(s));
    criterion_ = new QComboBox(this);
    criterion_->setObjectName("maskCriterionCombo");
    for (const char* c : {"gradient", "magnitude", "random"}) criterion_->addItem(QString(), QString::fromLatin1(c));
    sequences_ = new QSpinBox(this);
    sequences_->setObjectName("maskSequencesSpin");
    sequences_->setRange(1, 100'000);
    sequences_->setValue(static_cast<int>(defaults.sequences));
    length_ = new QSpinBox(this);
    length_->setObjectName("maskLengthSpin");
    length_->setRange(2, 1 << 16);
    length_->setValue(defaults.length);

    auto* filesBox = new QWidget(this);
    files_ = new QListWidget(filesBox);
    files_->setObjectName("maskCalibrationFiles");
    files_->setMaximumHeight(110);
    chooseFiles_ = new QPushButton(filesBox);
    chooseFiles_->setObjectName("maskChooseFilesButton");
    defaultFiles_ = new QPushButton(filesBox);
    defaultFiles_->setObjectName("maskDefaultFilesButton");
    filesNote_ = new QLabel(filesBox);
    filesNote_->setObjectName("maskFilesNote");
    filesNote_->setWordWrap(true);
    auto* fileButtons = new QHBoxLayout;
    fileButtons->addWidget(chooseFiles_);
    fileButtons->addWidget(defaultFiles_);
    fileButtons->addStretch(1);
    auto* fl = new QVBoxLayout(filesBox);
    fl->setContentsMargins(0, 0, 0, 0);
    fl->addWidget(files_);
    fl->addLayout(fileButtons);
    fl->addWidget(filesNote_);

    auto* pathBox = new QWidget(this);
    path_ = new QLineEdit(pathBox);
    path_->setObjectName("maskPathEdit");
    path_->setMinimumWidth(420);
    browsePath_ = new QPushButton(pathBox);
    auto* pl = new QHBoxLayout(pathBox);
    pl->setContentsMargins(0, 0, 0, 0);
    pl->addWidget(path_, 1);
    pl->addWidget(browsePath_);

    problem_ = new QLabel(this);
    problem_->setObjectName("maskProblem");
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #b00020"));
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);

    form_ = new QFormLayout;
    for (QWidget* f : std::initializer_list<QWidget*>{fraction_, scope_, criterion_, sequences_, length_, filesBox, pathBox})
        form_->addRow(new QLabel(this), f);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form_);
    layout->addWidget(problem_);
    layout->addWidget(buttons_);

    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(chooseFiles_, &QPushButton::clicked, this, &SparseMaskDialog::chooseFiles);
    connect(defaultFiles_, &QPushButton::clicked, this, [this] { setCalibrationFiles(default_files()); });
    connect(browsePath_, &QPushButton::clicked, this, &SparseMaskDialog::choosePath);
    connect(path_, &QLineEdit::textEdited, this, [this] {
        pathTyped_ = true;
        refresh();
    });
    connect(fraction_, &QDoubleSpinBox::valueChanged, this, &SparseMaskDialog::refresh);
    connect(criterion_, &QComboBox::currentIndexChanged, this, &SparseMaskDialog::refresh);
    setCalibrationFiles(default_files());
    retranslate();
}

void SparseMaskDialog::setCalibrationFiles(const QStringList& files) {
    files_->clear();
    for (const QString& f : files) {
        files_->addItem(QFileInfo(f).fileName());
        files_->item(files_->count() - 1)->setData(Qt::UserRole, f);
        files_->item(files_->count() - 1)->setToolTip(f);
    }
    refresh();
}

SparseMaskRequest SparseMaskDialog::request() const {
    SparseMaskRequest r;
    r.criterion = criterion_->currentData().toString();
    r.scope = scope_->currentData().toString();
    r.fraction = fraction_->value();
    r.sequences = sequences_->value();
    r.length = length_->value();
    for (int i = 0; i < files_->count(); ++i) r.files << files_->item(i)->data(Qt::UserRole).toString();
    r.path = path_->text().trimmed();
    return r;
}

QString SparseMaskDialog::problem() const {
    const SparseMaskRequest r = request();
    if (needs_text(r.criterion) && r.files.isEmpty())
        return tr("The gradient criterion needs calibration text: choose plain-text files, or run scripts/setup.sh, "
                  "which puts Jane Austen's novels in %1.")
            .arg(QDir(QString::fromStdString(default_data_dir())).filePath(QStringLiteral("austen")));
    if (r.path.isEmpty()) return tr("Say where to save the mask.");
    return {};
}

// The default file name follows criterion and fraction until the user picks one;
// the calibration settings only matter to the gradient criterion.
void SparseMaskDialog::refresh() {
    const SparseMaskRequest r = request();
    if (!pathTyped_) path_->setText(defaultMaskPath(modelPath_, r.criterion, r.fraction));
    const bool text = needs_text(r.criterion);
    for (QWidget* w : std::initializer_list<QWidget*>{sequences_, length_, files_, chooseFiles_, defaultFiles_})
        w->setEnabled(text);
    if (!text) filesNote_->setText(tr("Not needed: this criterion reads no text."));
    else if (default_files().isEmpty())
        filesNote_->setText(tr("No default calibration text found: scripts/setup.sh puts Jane Austen's novels in %1. "
                               "Or choose plain-text files of your own.")
                                .arg(QDir(QString::fromStdString(default_data_dir())).filePath(QStringLiteral("austen"))));
    else filesNote_->setText(tr("Default: Jane Austen's novels, generic English text as in the paper."));
    const QString why = problem();
    problem_->setText(why);
    problem_->setVisible(!why.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

void SparseMaskDialog::chooseFiles() {
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Choose calibration text"), QString(),
                                                            tr("Plain text (*.txt);;All files (*)"));
    if (!files.isEmpty()) setCalibrationFiles(files);
}

void SparseMaskDialog::choosePath() {
    const QString p = QFileDialog::getSaveFileName(this, tr("Save the mask as"), path_->text(),
                                                   tr("Sparse masks (*.qtsparse)"));
    if (p.isEmpty()) return;
    path_->setText(p);
    pathTyped_ = true;
    refresh();
}

void SparseMaskDialog::retranslate() {
    setWindowTitle(tr("Compute the sensitive-entry mask"));
    auto row = [this](QWidget* field, const QString& label, const QString& tip) {
        if (auto* l = qobject_cast<QLabel*>(form_->labelForField(field))) {
            l->setText(label + QLatin1Char(':'));
            l->setToolTip(tip);
        }
        field->setToolTip(tip);
    };
    row(fraction_, tr("Share of weights"),
        tr("How many of the linear layers' weights are trained, as a share: 0.001 keeps one in a thousand. The paper "
           "uses 0.0001 to 0.01; more entries can learn more and need a little more memory (8 bytes each)."));
    row(scope_, tr("Chosen over"),
        tr("Globally: the most sensitive entries of all linear layers together, so some matrices get many and others "
           "none (the paper's choice). Per matrix: the same share of every matrix."));
    for (int i = 0; i < scope_->count(); ++i) scope_->setItemText(i, mask_scope_text(scope_->itemData(i).toString()));
    row(criterion_, tr("Criterion"),
        tr("How entries are ranked. Squared gradient is the method: the entries whose weights the loss on generic "
           "text is most sensitive to. Weight magnitude and random are the paper's baselines, to compare with."));
    for (int i = 0; i < criterion_->count(); ++i)
        criterion_->setItemText(i, mask_criterion_text(criterion_->itemData(i).toString()));
    criterion_->setItemData(0, tr("The sum of each weight's squared gradient over the calibration sequences (a "
                                  "diagonal Fisher estimate): the entries that matter most to the model. One backward "
                                  "pass per sequence."),
                            Qt::ToolTipRole);
    criterion_->setItemData(1, tr("A baseline of the paper: the entries with the largest |weight|, no text needed. "
                                  "The paper found it trains worse than the gradient's choice."),
                            Qt::ToolTipRole);
    criterion_->setItemData(2, tr("A baseline of the paper: as many entries drawn at random (seeded), no text needed. "
                                  "Shows what the choice of entries is worth."),
                            Qt::ToolTipRole);
    row(sequences_, tr("Calibration sequences"),
        tr("How many windows of text the squared gradients are summed over, one backward pass each. More gives a "
           "steadier choice and takes longer."));
    row(length_, tr("Window length"), tr("Tokens per calibration window."));
    row(files_->parentWidget(), tr("Calibration text"),
        tr("Plain-text files cut into windows, spread evenly over each file. Generic text suits any later task: the "
           "mask is chosen once and reused."));
    chooseFiles_->setText(tr("Choose .txt files…"));
    defaultFiles_->setText(tr("Default text"));
    row(path_->parentWidget(), tr("Save as"), tr("The mask file (.qtsparse). Its folder is created if needed."));
    browsePath_->setText(tr("Browse…"));
    refresh();
}

void SparseMaskDialog::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QDialog::changeEvent(e);
}

}  // namespace qt::ui
