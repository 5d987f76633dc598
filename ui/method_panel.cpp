#include "method_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <stdexcept>
#include <utility>

namespace qt::ui {
namespace {

QString number_text(double v) { return QString::number(v, 'g', 6); }

// Numbers like "1e-6" in the C locale, whatever the interface language.
bool parse_number(const QLineEdit* e, double& out) {
    bool ok = false;
    out = QLocale::c().toDouble(e->text().trimmed(), &ok);
    return ok;
}

}  // namespace

MethodPanel::MethodPanel(QWidget* parent) : QWidget(parent) {
    methodBox_ = new QGroupBox(this);
    method_ = new QComboBox(methodBox_);
    method_->setObjectName("methodCombo");
    method_->addItem(QStringLiteral("QZO"), QStringLiteral("qzo"));
    method_->addItem(QStringLiteral("MeZO"), QStringLiteral("mezo"));
    methodNote_ = new QLabel(methodBox_);
    methodNote_->setWordWrap(true);
    safeButton_ = new QPushButton(methodBox_);
    safeButton_->setObjectName("safeDefaultsButton");
    paperButton_ = new QPushButton(methodBox_);
    paperButton_->setObjectName("paperSettingsButton");
    auto* mrow = new QHBoxLayout;
    mrow->addWidget(method_);
    mrow->addStretch(1);
    mrow->addWidget(safeButton_);
    mrow->addWidget(paperButton_);
    auto* ml = new QVBoxLayout(methodBox_);
    ml->addLayout(mrow);
    ml->addWidget(methodNote_);

    paramBox_ = new QGroupBox(this);
    form_ = new QFormLayout(paramBox_);
    form_->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    auto spin = [this](const char* name, int lo, int hi) {
        auto* s = new QSpinBox(paramBox_);
        s->setObjectName(name);
        s->setRange(lo, hi);
        s->setMinimumWidth(140);
        return s;
    };
    auto line = [this](const char* name) {
        auto* e = new QLineEdit(paramBox_);
        e->setObjectName(name);
        e->setMinimumWidth(140);
        return e;
    };
    // Ranges wide enough to type an impossible value: the engine's validation names it.
    steps_ = spin("stepsSpin", 0, 10'000'000);
    batch_ = spin("batchSpin", 0, 4096);
    lr_ = line("lrEdit");
    eps_ = line("epsEdit");
    clip_ = line("clipEdit");
    schedule_ = new QComboBox(paramBox_);
    schedule_->setObjectName("scheduleCombo");
    for (const char* s : {"constant", "linear", "cosine"}) schedule_->addItem(QString(), QString::fromLatin1(s));
    warmup_ = spin("warmupSpin", 0, 10'000'000);
    minLr_ = new QDoubleSpinBox(paramBox_);
    minLr_->setRange(0, 1);
    minLr_->setDecimals(3);
    minLr_->setSingleStep(0.05);
    seed_ = spin("seedSpin", 0, 2'000'000'000);
    maxLength_ = spin("maxLengthSpin", 0, 1 << 20);
    valFraction_ = new QDoubleSpinBox(paramBox_);
    valFraction_->setRange(0, 0.99);
    valFraction_->setDecimals(2);
    valFraction_->setSingleStep(0.05);
    evalEvery_ = spin("evalEverySpin", 0, 10'000'000);
    evalExamples_ = spin("evalExamplesSpin", 0, 10'000'000);
    patience_ = spin("patienceSpin", 0, 100'000);
    trainMin_ = new QCheckBox(paramBox_);
    relativeEps_ = new QCheckBox(paramBox_);
    relativeEps_->setObjectName("relativeEpsCheck");
    // Label texts are set in retranslate().
    QWidget* fields[] = {steps_, batch_, lr_, eps_, clip_, schedule_, warmup_, minLr_, seed_, maxLength_,
                         valFraction_, evalEvery_, evalExamples_, patience_, trainMin_, relativeEps_};
    for (QWidget* f : fields) form_->addRow(new QLabel(paramBox_), f);

    validation_ = new QLabel(this);
    validation_->setObjectName("validationLabel");
    validation_->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(methodBox_);
    layout->addWidget(paramBox_);
    layout->addWidget(validation_);
    layout->addStretch(1);

    connect(safeButton_, &QPushButton::clicked, this, &MethodPanel::applySafeDefaults);
    connect(paperButton_, &QPushButton::clicked, this, &MethodPanel::applyPaperSettings);
    connect(method_, &QComboBox::currentIndexChanged, this, [this] {
        clip_->setEnabled(method_->currentData().toString() == QLatin1String("qzo"));
        trainMin_->setEnabled(method_->currentData().toString() == QLatin1String("qzo"));
        relativeEps_->setEnabled(method_->currentData().toString() == QLatin1String("qzo"));
        retranslate();
        revalidate();
    });
    for (QSpinBox* s : {steps_, batch_, warmup_, seed_, maxLength_, evalEvery_, evalExamples_, patience_})
        connect(s, &QSpinBox::valueChanged, this, &MethodPanel::revalidate);
    for (QLineEdit* e : {lr_, eps_, clip_}) connect(e, &QLineEdit::textChanged, this, &MethodPanel::revalidate);
    for (QDoubleSpinBox* d : {minLr_, valFraction_}) connect(d, &QDoubleSpinBox::valueChanged, this, &MethodPanel::revalidate);
    connect(schedule_, &QComboBox::currentIndexChanged, this, &MethodPanel::revalidate);
    connect(trainMin_, &QCheckBox::toggled, this, &MethodPanel::revalidate);
    connect(relativeEps_, &QCheckBox::toggled, this, &MethodPanel::revalidate);
    connect(relativeEps_, &QCheckBox::clicked, this, &MethodPanel::switchStepUnits);

    applySafeDefaults();
    retranslate();
}

bool MethodPanel::readConfig(TrainConfig& c, QString* error) const {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    c.method = method_->currentData().toString().toStdString();
    c.steps = steps_->value();
    c.batch_size = batch_->value();
    if (!parse_number(lr_, c.lr)) return fail(tr("Learning rate: \"%1\" is not a number").arg(lr_->text()));
    if (!parse_number(eps_, c.eps)) return fail(tr("Perturbation size: \"%1\" is not a number").arg(eps_->text()));
    if (!parse_number(clip_, c.clip)) return fail(tr("Clipping threshold: \"%1\" is not a number").arg(clip_->text()));
    c.schedule = schedule_->currentData().toString().toStdString();
    c.warmup_steps = warmup_->value();
    c.min_lr_ratio = minLr_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    c.max_length = maxLength_->value();
    c.validation_fraction = valFraction_->value();
    c.eval_every = evalEvery_->value();
    c.eval_examples = evalExamples_->value();
    c.patience = patience_->value();
    c.train_min = trainMin_->isChecked();
    c.relative_eps = relativeEps_->isChecked() && c.method == "qzo";  // a QZO setting (validate)
    try {
        validate(c);
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    if (c.warmup_steps >= c.steps) return fail(tr("Warm-up steps (%1) must be fewer than the steps (%2)").arg(c.warmup_steps).arg(c.steps));
    if (!(c.lr < 1)) return fail(tr("Learning rate %1 is far too large for zeroth-order training (it must be below 1)").arg(c.lr));
    return true;
}

void MethodPanel::setConfig(const TrainConfig& c) {
    method_->setCurrentIndex(qMax(0, method_->findData(QString::fromStdString(c.method))));
    steps_->setValue(static_cast<int>(c.steps));
    batch_->setValue(c.batch_size);
    lr_->setText(number_text(c.lr));
    eps_->setText(number_text(c.eps));
    clip_->setText(number_text(c.clip));
    schedule_->setCurrentIndex(qMax(0, schedule_->findData(QString::fromStdString(c.schedule))));
    warmup_->setValue(static_cast<int>(c.warmup_steps));
    minLr_->setValue(c.min_lr_ratio);
    seed_->setValue(static_cast<int>(c.seed));
    maxLength_->setValue(c.max_length);
    valFraction_->setValue(c.validation_fraction);
    evalEvery_->setValue(static_cast<int>(c.eval_every));
    evalExamples_->setValue(static_cast<int>(c.eval_examples));
    patience_->setValue(static_cast<int>(c.patience));
    trainMin_->setChecked(c.train_min);
    relativeEps_->setChecked(c.relative_eps);
    revalidate();
}

// The engine's own defaults (train/train_config.h), which its tests run with, for
// the perturbation (absolute or relative) that is chosen.
void MethodPanel::applySafeDefaults() {
    TrainConfig c;
    c.method = method_->currentData().toString().toStdString();
    if (relativeEps_->isChecked()) use_relative_eps(c);
    setConfig(c);
}

// Ticking "relative" by hand: a step still at the other unit's defaults would be
// 300x off in the new units, so it moves to the new defaults; values the user typed stay.
void MethodPanel::switchStepUnits(bool relative) {
    const ZoStepDefaults& from = qzo_step_defaults(!relative);
    const ZoStepDefaults& to = qzo_step_defaults(relative);
    const std::pair<QLineEdit*, std::pair<double, double>> fields[] = {
        {lr_, {from.lr, to.lr}}, {eps_, {from.eps, to.eps}}, {clip_, {from.clip, to.clip}}};
    for (const auto& [edit, values] : fields) {
        double v = 0;
        if (parse_number(edit, v) && v == values.first) edit->setText(number_text(values.second));
    }
}

// As published: eps 1e-3, lr 1e-6, batch 16, 20,000 steps at a constant rate
// (MeZO, Malladi et al. 2023; QZO, Shang et al. 2025, uses the same SPSA settings;
// docs/methods.md). The clipping threshold keeps the engine's default.
void MethodPanel::applyPaperSettings() {
    TrainConfig c;
    c.method = method_->currentData().toString().toStdString();
    c.eps = 1e-3;
    c.lr = 1e-6;
    c.batch_size = 16;
    c.steps = 20000;
    c.schedule = "constant";
    c.eval_every = 500;
    setConfig(c);
}

QString MethodPanel::validationMessage() const {
    TrainConfig c;
    QString why;
    return readConfig(c, &why) ? QString() : why;
}

void MethodPanel::revalidate() {
    const QString why = validationMessage();
    validation_->setText(why.isEmpty() ? tr("✔ These settings are valid.") : tr("✘ %1").arg(why));
    validation_->setStyleSheet(why.isEmpty() ? QStringLiteral("color: #2a7a2a") : QStringLiteral("color: #b00020; font-weight: bold"));
    emit changed();
}

void MethodPanel::retranslate() {
    methodBox_->setTitle(tr("Training method"));
    safeButton_->setText(tr("Safe defaults"));
    safeButton_->setToolTip(tr("Settings that train gently and stop soon: good for a first try."));
    paperButton_->setText(tr("Paper settings"));
    paperButton_->setToolTip(tr("The settings of the MeZO and QZO papers: perturbation 1e-3, learning rate 1e-6, "
                                "16 examples per step, 20,000 steps. Takes long on a CPU."));
    const bool qzo = method_->currentData().toString() == QLatin1String("qzo");
    method_->setToolTip(tr("How the model is changed. Both methods only run the model forward (no back-propagation), "
                           "so they need about as much memory as answering a question."));
    methodNote_->setText(qzo ? tr("QZO keeps the 4-bit weights as they are and trains only each block's scale: "
                                  "the smallest memory of all methods (Shang et al. 2025).")
                             : tr("MeZO expands the layers it trains to 32-bit numbers and nudges every weight: "
                                  "more memory than QZO, finer changes (Malladi et al. 2023)."));
    paramBox_->setTitle(tr("Hyperparameters"));
    struct Row {
        QString label, tip;
    };
    const Row rows[] = {
        {tr("Steps"), tr("How many times the model is nudged. More steps learn more and take longer.")},
        {tr("Examples per step"), tr("How many examples are averaged for each nudge (batch size). More is steadier but slower.")},
        {tr("Learning rate"), tr("How big each nudge is. Too big and the loss jumps around or explodes; too small and nothing changes.")},
        {tr("Perturbation size"), tr("How far the method pokes the values to feel which way is downhill (epsilon). 1e-3 is usual.")},
        {tr("Clipping threshold"), tr("QZO only: the largest slope a single step may act on; bigger slopes are cut to it, which keeps training stable.")},
        {tr("Learning-rate schedule"), tr("Keep the rate constant, or lower it gradually (linearly or along a cosine curve) towards the end.")},
        {tr("Warm-up steps"), tr("Steps at the start during which the rate rises from zero to its full value.")},
        {tr("Final rate (fraction)"), tr("With a decaying schedule: the rate at the end, as a fraction of the full rate.")},
        {tr("Random seed"), tr("Fixes all random choices, so the same settings give the same run.")},
        {tr("Max tokens per example"), tr("Longer examples are shortened. Shorter examples train faster and use less memory.")},
        {tr("Held-out fraction"), tr("The share of examples kept aside to check the model on text it was not trained on.")},
        {tr("Check every N steps"), tr("How often the held-out loss is measured (0: only at the end).")},
        {tr("Examples per check"), tr("How many held-out examples each check uses (0: all).")},
        {tr("Patience"), tr("Stop early after this many checks without improvement (0: never stop early).")},
        {tr("Also train block minimums"), tr("QZO only: also train the offset m of Q4_1/Q5_1 blocks. Off in the paper.")},
        {tr("Relative perturbation"),
         tr("QZO only: perturbation, learning rate and clipping in units of each weight's typical scale, so that "
            "K-quant models (Q4_K_M, Q6_K ...), whose scales are 50 to 300 times smaller than Q4_1's, are not "
            "wrecked by a perturbation meant for Q4_1. Ticking it sets perturbation %1, learning rate %2 and "
            "clipping %3, which match the absolute defaults on Q4_1.")
             .arg(number_text(kRelativeQzoDefaults.eps), number_text(kRelativeQzoDefaults.lr),
                  number_text(kRelativeQzoDefaults.clip))},
    };
    for (int i = 0; i < 16; ++i) {
        auto* label = qobject_cast<QLabel*>(form_->itemAt(i, QFormLayout::LabelRole)->widget());
        label->setText(rows[i].label + QLatin1Char(':'));
        label->setToolTip(rows[i].tip);
        form_->itemAt(i, QFormLayout::FieldRole)->widget()->setToolTip(rows[i].tip);
    }
    schedule_->setItemText(0, tr("constant"));
    schedule_->setItemText(1, tr("linear decay"));
    schedule_->setItemText(2, tr("cosine decay"));
    trainMin_->setText(tr("Q4_1/Q5_1 minimum m"));
    relativeEps_->setText(tr("in units of each weight's scale"));
    revalidate();
}

void MethodPanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
