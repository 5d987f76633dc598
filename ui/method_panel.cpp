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
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "model/training_hooks.h"
#include "sparse_mask_panel.h"
#include "train/training_methods.h"
#include "training_method_text.h"
#include "util/host_out_of_memory.h"

namespace qt::ui {
namespace {

QString number_text(double v) { return QString::number(v, 'g', 6); }

// Numbers like "1e-6" in the C locale, whatever the interface language.
bool parse_number(const QLineEdit* e, double& out) {
    bool ok = false;
    out = QLocale::c().toDouble(e->text().trimmed(), &ok);
    return ok;
}

// The linear layers a LoRA adapter may sit beside, as the engine names them
// ("q" ... "down"); the output head is left out, as QLoRA leaves it.
QList<LinearSlot> lora_target_slots() {
    QList<LinearSlot> targets;
    for (int i = 0; i <= static_cast<int>(LinearSlot::Down); ++i) targets << static_cast<LinearSlot>(i);
    return targets;
}

QString slot_tooltip(LinearSlot s) {
    switch (s) {
        case LinearSlot::Q: return MethodPanel::tr("Attention: query projection (attn_q)");
        case LinearSlot::K: return MethodPanel::tr("Attention: key projection (attn_k)");
        case LinearSlot::V: return MethodPanel::tr("Attention: value projection (attn_v)");
        case LinearSlot::O: return MethodPanel::tr("Attention: output projection (attn_output)");
        case LinearSlot::Gate: return MethodPanel::tr("Feed-forward: gate projection (ffn_gate)");
        case LinearSlot::Up: return MethodPanel::tr("Feed-forward: up projection (ffn_up)");
        case LinearSlot::Down: return MethodPanel::tr("Feed-forward: down projection (ffn_down)");
        case LinearSlot::Head: break;
    }
    return QString();
}

// The label QFormLayout shows beside `field`, and both get the row's text and tooltip.
void set_row(QWidget* field, const QString& label, const QString& tip) {
    auto* form = qobject_cast<QFormLayout*>(field->parentWidget()->layout());
    if (auto* l = form ? qobject_cast<QLabel*>(form->labelForField(field)) : nullptr) {
        l->setText(label + QLatin1Char(':'));
        l->setToolTip(tip);
    }
    field->setToolTip(tip);
}

// Enough decimals to show a setting's lowest value and its step (0.05: 2; 0.001: 3).
int decimals_for(const MethodSetting& s) {
    int d = 0;
    for (double v : {s.min, s.step}) {
        while (d < 8 && std::abs(v * std::pow(10.0, d) - std::round(v * std::pow(10.0, d))) > 1e-9) ++d;
    }
    return d;
}

}  // namespace

MethodPanel::MethodPanel(QWidget* parent) : QWidget(parent) {
    methodBox_ = new QGroupBox(this);
    method_ = new QComboBox(methodBox_);
    method_->setObjectName("methodCombo");
    // The engine's table: names as data, titles and summaries set in retranslate().
    for (const TrainingMethodInfo& m : training_methods()) method_->addItem(QString(), QString::fromLatin1(m.name));
    shownMethod_ = methodName();
    methodNote_ = new QLabel(methodBox_);
    methodNote_->setObjectName("methodNote");
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

    auto form = [](QGroupBox* box) {
        auto* f = new QFormLayout(box);
        f->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
        return f;
    };
    auto spin = [](QWidget* box, const char* name, int lo, int hi) {
        auto* s = new QSpinBox(box);
        s->setObjectName(name);
        s->setRange(lo, hi);
        s->setMinimumWidth(140);
        return s;
    };
    auto line = [](QWidget* box, const char* name) {
        auto* e = new QLineEdit(box);
        e->setObjectName(name);
        e->setMinimumWidth(140);
        return e;
    };
    // Ranges wide enough to type an impossible value: the engine's validation names it.
    // Label texts are set in retranslate().
    paramBox_ = new QGroupBox(this);
    paramBox_->setObjectName("commonSettings");
    QFormLayout* common = form(paramBox_);
    steps_ = spin(paramBox_, "stepsSpin", 0, 10'000'000);
    batch_ = spin(paramBox_, "batchSpin", 0, 4096);
    lr_ = line(paramBox_, "lrEdit");
    schedule_ = new QComboBox(paramBox_);
    schedule_->setObjectName("scheduleCombo");
    for (const char* s : {"constant", "linear", "cosine"}) schedule_->addItem(QString(), QString::fromLatin1(s));
    warmup_ = spin(paramBox_, "warmupSpin", 0, 10'000'000);
    minLr_ = new QDoubleSpinBox(paramBox_);
    minLr_->setRange(0, 1);
    minLr_->setDecimals(3);
    minLr_->setSingleStep(0.05);
    seed_ = spin(paramBox_, "seedSpin", 0, 2'000'000'000);
    maxLength_ = spin(paramBox_, "maxLengthSpin", 0, 1 << 20);
    valFraction_ = new QDoubleSpinBox(paramBox_);
    valFraction_->setRange(0, 0.99);
    valFraction_->setDecimals(2);
    valFraction_->setSingleStep(0.05);
    evalEvery_ = spin(paramBox_, "evalEverySpin", 0, 10'000'000);
    evalExamples_ = spin(paramBox_, "evalExamplesSpin", 0, 10'000'000);
    patience_ = spin(paramBox_, "patienceSpin", 0, 100'000);
    for (QWidget* f : std::initializer_list<QWidget*>{steps_, batch_, lr_, schedule_, warmup_, minLr_, seed_, maxLength_,
                                                      valFraction_, evalEvery_, evalExamples_, patience_})
        common->addRow(new QLabel(paramBox_), f);

    safetyBox_ = new QGroupBox(this);
    safetyBox_->setObjectName("safetySettings");
    QFormLayout* safety = form(safetyBox_);
    checkpointEvery_ = spin(safetyBox_, "checkpointEverySpin", 1, 10'000'000);
    checkpointMinutes_ = new QDoubleSpinBox(safetyBox_);
    checkpointMinutes_->setObjectName("checkpointMinutesSpin");
    checkpointMinutes_->setRange(0, 24 * 60);
    checkpointMinutes_->setDecimals(1);
    checkpointMinutes_->setMinimumWidth(140);
    guard_ = new QCheckBox(safetyBox_);
    guard_->setObjectName("guardCheck");
    spikeFactor_ = new QDoubleSpinBox(safetyBox_);
    spikeFactor_->setObjectName("guardSpikeFactorSpin");
    spikeFactor_->setRange(1, 1000);  // 1 itself is refused by the engine's validation, which names it
    spikeFactor_->setDecimals(2);
    spikeFactor_->setSingleStep(0.5);
    spikeFactor_->setMinimumWidth(140);
    guardLrFactor_ = new QDoubleSpinBox(safetyBox_);
    guardLrFactor_->setObjectName("guardLrFactorSpin");
    guardLrFactor_->setRange(0, 1);
    guardLrFactor_->setDecimals(3);
    guardLrFactor_->setSingleStep(0.05);
    guardLrFactor_->setMinimumWidth(140);
    maxRollbacks_ = spin(safetyBox_, "guardMaxRollbacksSpin", 0, 1000);
    for (QWidget* f : std::initializer_list<QWidget*>{checkpointEvery_, checkpointMinutes_, guard_, spikeFactor_,
                                                      guardLrFactor_, maxRollbacks_})
        safety->addRow(new QLabel(safetyBox_), f);

    zoBox_ = new QGroupBox(this);
    zoBox_->setObjectName("zeroOrderSettings");
    QFormLayout* zo = form(zoBox_);
    eps_ = line(zoBox_, "epsEdit");
    clip_ = line(zoBox_, "clipEdit");
    trainMin_ = new QCheckBox(zoBox_);
    trainMin_->setObjectName("trainMinCheck");
    relativeEps_ = new QCheckBox(zoBox_);
    relativeEps_->setObjectName("relativeEpsCheck");
    autoEpsUnit_ = new QCheckBox(zoBox_);
    autoEpsUnit_->setObjectName("autoEpsUnitCheck");
    for (QWidget* f : std::initializer_list<QWidget*>{eps_, clip_, trainMin_, relativeEps_, autoEpsUnit_})
        zo->addRow(new QLabel(zoBox_), f);

    foBox_ = new QGroupBox(this);
    foBox_->setObjectName("firstOrderSettings");
    QFormLayout* fo = form(foBox_);
    loraRank_ = spin(foBox_, "loraRankSpin", 0, 100'000);
    loraAlpha_ = line(foBox_, "loraAlphaEdit");
    loraTargetsBox_ = new QWidget(foBox_);
    loraTargetsBox_->setObjectName("loraTargets");
    auto* targets = new QHBoxLayout(loraTargetsBox_);
    targets->setContentsMargins(0, 0, 0, 0);
    for (LinearSlot s : lora_target_slots()) {
        const QString name = QString::fromLatin1(linear_slot_name(s));
        auto* box = new QCheckBox(name, loraTargetsBox_);
        box->setObjectName(QStringLiteral("loraTarget_") + name);
        box->setProperty("target", name);
        targets->addWidget(box);
        loraTargetChecks_ << box;
    }
    otherTargets_ = new QLabel(loraTargetsBox_);
    otherTargets_->setObjectName("otherLoraTargets");
    otherTargets_->hide();
    targets->addWidget(otherTargets_);
    weightDecay_ = line(foBox_, "weightDecayEdit");
    maxGradNorm_ = line(foBox_, "maxGradNormEdit");
    checkpointing_ = new QCheckBox(foBox_);
    checkpointing_->setObjectName("checkpointActivationsCheck");
    for (QWidget* f : std::initializer_list<QWidget*>{loraRank_, loraAlpha_, loraTargetsBox_, weightDecay_, maxGradNorm_,
                                                      checkpointing_})
        fo->addRow(new QLabel(foBox_), f);

    buildMethodSettings();
    sparseMask_ = new SparseMaskPanel(this);

    validation_ = new QLabel(this);
    validation_->setObjectName("validationLabel");
    validation_->setWordWrap(true);

    // Settings of every method on the left, the chosen kind's own on the right.
    auto* kind = new QVBoxLayout;
    kind->addWidget(zoBox_);
    kind->addWidget(foBox_);
    for (const auto& [name, box] : settingBoxes_) kind->addWidget(box);
    kind->addWidget(sparseMask_);
    kind->addStretch(1);
    auto* shared = new QVBoxLayout;
    shared->addWidget(paramBox_);
    shared->addWidget(safetyBox_);
    shared->addStretch(1);
    auto* columns = new QHBoxLayout;
    columns->addLayout(shared);
    columns->addLayout(kind);
    columns->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(methodBox_);
    layout->addLayout(columns);
    layout->addWidget(validation_);
    layout->addStretch(1);

    connect(safeButton_, &QPushButton::clicked, this, &MethodPanel::applySafeDefaults);
    connect(paperButton_, &QPushButton::clicked, this, &MethodPanel::applyPaperSettings);
    connect(method_, &QComboBox::currentIndexChanged, this, &MethodPanel::methodChosen);
    for (QSpinBox* s : {steps_, batch_, warmup_, seed_, maxLength_, evalEvery_, evalExamples_, patience_, loraRank_,
                        checkpointEvery_, maxRollbacks_})
        connect(s, &QSpinBox::valueChanged, this, &MethodPanel::revalidate);
    for (QLineEdit* e : {lr_, eps_, clip_, loraAlpha_, weightDecay_, maxGradNorm_})
        connect(e, &QLineEdit::textChanged, this, &MethodPanel::revalidate);
    for (QDoubleSpinBox* d : {minLr_, valFraction_, checkpointMinutes_, spikeFactor_, guardLrFactor_})
        connect(d, &QDoubleSpinBox::valueChanged, this, &MethodPanel::revalidate);
    connect(schedule_, &QComboBox::currentIndexChanged, this, &MethodPanel::revalidate);
    for (QCheckBox* b : {trainMin_, relativeEps_, autoEpsUnit_, checkpointing_, guard_})
        connect(b, &QCheckBox::toggled, this, &MethodPanel::revalidate);
    connect(guard_, &QCheckBox::toggled, this, [this](bool on) {
        for (QWidget* w : std::initializer_list<QWidget*>{spikeFactor_, guardLrFactor_, maxRollbacks_}) w->setEnabled(on);
    });
    connect(relativeEps_, &QCheckBox::clicked, this, &MethodPanel::switchStepUnits);
    connect(sparseMask_, &SparseMaskPanel::changed, this, &MethodPanel::revalidate);
    for (QCheckBox* box : loraTargetChecks_) {
        connect(box, &QCheckBox::toggled, this, [this, box](bool on) {
            // LoRA needs at least one target: the last ticked box stays ticked.
            if (!on && loraTargets().isEmpty()) box->setChecked(true);
            revalidate();
        });
    }

    applySafeDefaults();
    retranslate();
}

std::string MethodPanel::methodName() const { return method_->currentData().toString().toStdString(); }

// A field per entry of each method's settings list; labels and tooltips are set in retranslate().
void MethodPanel::buildMethodSettings() {
    for (const TrainingMethodInfo& m : training_methods()) {
        if (m.settings.empty()) continue;
        auto* box = new QGroupBox(this);
        box->setObjectName(QStringLiteral("methodSettings_") + QString::fromLatin1(m.name));
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
        for (const MethodSetting& s : m.settings) {
            QWidget* field = nullptr;
            switch (s.kind) {
                case MethodSettingKind::Int: {
                    auto* spin = new QSpinBox(box);
                    constexpr double kIntMax = std::numeric_limits<int>::max();
                    spin->setRange(static_cast<int>(std::max(s.min, -kIntMax)), static_cast<int>(std::min(s.max, kIntMax)));
                    spin->setSingleStep(static_cast<int>(s.step));
                    connect(spin, &QSpinBox::valueChanged, this, &MethodPanel::revalidate);
                    field = spin;
                    break;
                }
                case MethodSettingKind::Double: {
                    auto* spin = new QDoubleSpinBox(box);
                    spin->setDecimals(decimals_for(s));
                    spin->setRange(s.min, s.max);
                    spin->setSingleStep(s.step);
                    connect(spin, &QDoubleSpinBox::valueChanged, this, &MethodPanel::revalidate);
                    field = spin;
                    break;
                }
                case MethodSettingKind::Bool: {
                    auto* check = new QCheckBox(box);
                    connect(check, &QCheckBox::toggled, this, [this] {
                        enableMethodSettings();
                        revalidate();
                    });
                    field = check;
                    break;
                }
            }
            field->setObjectName(QStringLiteral("setting_") + QString::fromLatin1(s.key));
            field->setMinimumWidth(140);
            form->addRow(new QLabel(box), field);
            settingFields_.append({m.name, &s, field});
        }
        settingBoxes_.emplace_back(m.name, box);
    }
}

QWidget* MethodPanel::settingField(const std::string& method, const std::string& key) const {
    for (const SettingField& f : settingFields_)
        if (f.method == method && key == f.setting->key) return f.field;
    return nullptr;
}

bool MethodPanel::readMethodSettings(TrainConfig& c, QString* error) const {
    if (settingFields_.isEmpty()) return true;
    nlohmann::json j;
    to_json(j, c);
    const std::string chosen = methodName();
    for (bool chosenOnes : {false, true}) {
        for (const SettingField& f : settingFields_) {
            if ((f.method == chosen) != chosenOnes) continue;
            nlohmann::json& v = j[f.setting->key];
            switch (f.setting->kind) {
                case MethodSettingKind::Int: {
                    const int n = static_cast<QSpinBox*>(f.field)->value();
                    // An unsigned field (seed) must stay unsigned: from_json checks the type.
                    if (v.is_number_unsigned() && n >= 0) v = static_cast<uint64_t>(n);
                    else v = static_cast<int64_t>(n);
                    break;
                }
                case MethodSettingKind::Double: v = static_cast<QDoubleSpinBox*>(f.field)->value(); break;
                case MethodSettingKind::Bool: v = static_cast<QCheckBox*>(f.field)->isChecked(); break;
            }
        }
    }
    try {
        from_json(j, c);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(qt::error_message(e));
        return false;
    }
    return true;
}

void MethodPanel::setMethodSettings(const TrainConfig& c) {
    if (settingFields_.isEmpty()) return;
    nlohmann::json j;
    to_json(j, c);
    for (const SettingField& f : settingFields_) {
        const auto it = j.find(f.setting->key);
        if (it == j.end() || !(it->is_number() || it->is_boolean())) continue;  // not a TrainConfig field: readConfig names it
        const QSignalBlocker block(f.field);
        switch (f.setting->kind) {
            case MethodSettingKind::Int:
                static_cast<QSpinBox*>(f.field)->setValue(static_cast<int>(std::clamp<int64_t>(
                    it->get<int64_t>(), std::numeric_limits<int>::min(), std::numeric_limits<int>::max())));
                break;
            case MethodSettingKind::Double: static_cast<QDoubleSpinBox*>(f.field)->setValue(it->get<double>()); break;
            case MethodSettingKind::Bool: static_cast<QCheckBox*>(f.field)->setChecked(it->get<bool>()); break;
        }
    }
    enableMethodSettings();
}

void MethodPanel::enableMethodSettings() {
    for (const SettingField& f : settingFields_) {
        if (!f.setting->needs) continue;
        const auto* on = qobject_cast<const QCheckBox*>(settingField(f.method, f.setting->needs));
        f.field->setEnabled(!on || on->isChecked());
    }
}

QString MethodPanel::loraTargets() const {
    QStringList names;
    for (const QCheckBox* box : loraTargetChecks_)
        if (box->isChecked()) names << box->property("target").toString();
    return (names + otherTargetNames_).join(QLatin1Char(','));
}

void MethodPanel::setLoraTargets(const std::string& list) {
    const QStringList names = QString::fromStdString(list).split(QLatin1Char(','), Qt::SkipEmptyParts);
    otherTargetNames_.clear();
    for (const QString& n : names)
        if (!std::any_of(loraTargetChecks_.begin(), loraTargetChecks_.end(),
                         [&](const QCheckBox* b) { return b->property("target").toString() == n.trimmed(); }))
            otherTargetNames_ << n.trimmed();
    for (QCheckBox* box : loraTargetChecks_) {
        const QSignalBlocker block(box);  // the at-least-one rule is for clicks, not for a config
        box->setChecked(std::any_of(names.begin(), names.end(), [&](const QString& n) {
            return n.trimmed() == box->property("target").toString();
        }));
    }
    // A name without a box (the output head, or a mistake the engine will name) is kept and shown.
    otherTargets_->setVisible(!otherTargetNames_.isEmpty());
    otherTargets_->setText(tr("also: %1").arg(otherTargetNames_.join(QStringLiteral(", "))));
}

bool MethodPanel::readConfig(TrainConfig& c, QString* error) const {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    c.method = methodName();
    const bool first_order = training_method(c.method).first_order;
    c.steps = steps_->value();
    c.batch_size = batch_->value();
    if (!parse_number(lr_, c.lr)) return fail(tr("Learning rate: \"%1\" is not a number").arg(lr_->text()));
    c.schedule = schedule_->currentData().toString().toStdString();
    c.warmup_steps = warmup_->value();
    c.min_lr_ratio = minLr_->value();
    c.seed = static_cast<uint64_t>(seed_->value());
    c.max_length = maxLength_->value();
    c.validation_fraction = valFraction_->value();
    c.eval_every = evalEvery_->value();
    c.eval_examples = evalExamples_->value();
    c.patience = patience_->value();
    c.checkpoint_every = checkpointEvery_->value();
    c.checkpoint_minutes = checkpointMinutes_->value();
    c.on_write_error = onWriteError_;
    c.guard = guard_->isChecked();
    c.guard_spike_factor = spikeFactor_->value();
    c.guard_lr_factor = guardLrFactor_->value();
    c.guard_max_rollbacks = maxRollbacks_->value();
    c.guard_drift_factor = guardDriftFactor_;
    c.guard_warmup = guardWarmup_;
    c.guard_snapshot_every = guardSnapshotEvery_;

    // The chosen kind's fields must be numbers; the other kind's are hidden, and
    // kept (for the session file and a switch back) only where they are.
    double v = 0;
    if (!first_order) {
        if (!parse_number(eps_, c.eps)) return fail(tr("Perturbation size: \"%1\" is not a number").arg(eps_->text()));
        if (!parse_number(clip_, c.clip)) return fail(tr("Clipping threshold: \"%1\" is not a number").arg(clip_->text()));
    } else {
        if (parse_number(eps_, v) && v > 0) c.eps = v;  // validate() asks every method for a positive eps
        if (parse_number(clip_, v)) c.clip = v;
    }
    c.train_min = trainMin_->isChecked();
    c.relative_eps = relativeEps_->isChecked() && c.method == "qzo";  // a QZO setting (validate)
    c.auto_eps_unit = autoEpsUnit_->isChecked();

    c.lora_rank = loraRank_->value();
    c.lora_targets = loraTargets().toStdString();
    c.adam_beta1 = adamBeta1_;
    c.adam_beta2 = adamBeta2_;
    c.adam_eps = adamEps_;
    c.checkpoint_activations = checkpointing_->isChecked();
    if (first_order) {
        if (!parse_number(loraAlpha_, c.lora_alpha)) return fail(tr("LoRA alpha: \"%1\" is not a number").arg(loraAlpha_->text()));
        if (!parse_number(weightDecay_, c.weight_decay))
            return fail(tr("Weight decay: \"%1\" is not a number").arg(weightDecay_->text()));
        if (!parse_number(maxGradNorm_, c.max_grad_norm))
            return fail(tr("Gradient clipping: \"%1\" is not a number").arg(maxGradNorm_->text()));
    } else {
        if (parse_number(loraAlpha_, v)) c.lora_alpha = v;
        if (parse_number(weightDecay_, v)) c.weight_decay = v;
        if (parse_number(maxGradNorm_, v)) c.max_grad_norm = v;
    }
    QString why;
    if (!readMethodSettings(c, &why)) return fail(why);
    c.sparse_mask = sparseMask_->path().toStdString();  // kept for the session whatever the method
    if (SparseMaskPanel::neededBy(QString::fromStdString(c.method)) && c.sparse_mask.empty())
        return fail(tr("Sparse ZO needs a sensitive-entry mask: load a .qtsparse file or compute one for this model "
                       "(Sensitive-entry mask, on the right)."));
    try {
        validate(c);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(qt::error_message(e)));
    }
    if (c.warmup_steps >= c.steps) return fail(tr("Warm-up steps (%1) must be fewer than the steps (%2)").arg(c.warmup_steps).arg(c.steps));
    // First-order methods: validate() holds the limit, in the engine's words.
    if (!first_order && !(c.lr < 1))
        return fail(tr("Learning rate %1 is far too large for zeroth-order training (it must be below 1)").arg(c.lr));
    return true;
}

void MethodPanel::setConfig(const TrainConfig& c) {
    const int index = qMax(0, method_->findData(QString::fromStdString(c.method)));
    shownMethod_ = method_->itemData(index).toString().toStdString();  // its own lr follows below
    method_->setCurrentIndex(index);
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
    checkpointEvery_->setValue(c.checkpoint_every > 0 ? static_cast<int>(c.checkpoint_every) : kDefaultCheckpointEvery);
    checkpointMinutes_->setValue(c.checkpoint_minutes);
    onWriteError_ = c.on_write_error;
    guard_->setChecked(c.guard);
    spikeFactor_->setValue(c.guard_spike_factor);
    guardLrFactor_->setValue(c.guard_lr_factor);
    maxRollbacks_->setValue(static_cast<int>(c.guard_max_rollbacks));
    for (QWidget* w : std::initializer_list<QWidget*>{spikeFactor_, guardLrFactor_, maxRollbacks_}) w->setEnabled(c.guard);
    guardDriftFactor_ = c.guard_drift_factor;
    guardWarmup_ = c.guard_warmup;
    guardSnapshotEvery_ = c.guard_snapshot_every;
    trainMin_->setChecked(c.train_min);
    relativeEps_->setChecked(c.relative_eps);
    autoEpsUnit_->setChecked(c.auto_eps_unit);
    loraRank_->setValue(c.lora_rank);
    loraAlpha_->setText(number_text(c.lora_alpha));
    setLoraTargets(c.lora_targets);
    weightDecay_->setText(number_text(c.weight_decay));
    maxGradNorm_->setText(number_text(c.max_grad_norm));
    checkpointing_->setChecked(c.checkpoint_activations);
    adamBeta1_ = c.adam_beta1;
    adamBeta2_ = c.adam_beta2;
    adamEps_ = c.adam_eps;
    setMethodSettings(c);
    sparseMask_->setPath(QString::fromStdString(c.sparse_mask));
    showMethodSettings();
    revalidate();
}

// Another method chosen: a learning rate still at the old method's default becomes
// the new one's, one the user typed stays (train_config.h's use_method).
void MethodPanel::methodChosen() {
    const std::string to = methodName();
    if (to != shownMethod_) {
        TrainConfig c;
        c.method = shownMethod_;
        c.relative_eps = relativeEps_->isChecked() && shownMethod_ == "qzo";
        if (parse_number(lr_, c.lr)) {
            const double typed = c.lr;
            use_method(c, to);
            // Back to QZO with the relative perturbation ticked: its default in those units.
            if (c.lr != typed && to == "qzo" && relativeEps_->isChecked()) c.lr = kRelativeQzoDefaults.lr;
            if (c.lr != typed) lr_->setText(number_text(c.lr));
        }
        shownMethod_ = to;
    }
    showMethodSettings();
    retranslate();
}

// Hides the settings of the other kind of method; a setting of one method of the
// kind (QZO's clipping, QLoRA's adapters) is shown but off for its siblings.
void MethodPanel::showMethodSettings() {
    const std::string name = methodName();
    const bool first_order = training_method(name).first_order;
    zoBox_->setVisible(!first_order);
    foBox_->setVisible(first_order);
    const bool qzo = name == "qzo";
    for (QWidget* w : std::initializer_list<QWidget*>{trainMin_, relativeEps_, autoEpsUnit_}) w->setEnabled(qzo);
    const TrainingMethodInfo* info = find_training_method(name);
    clip_->setEnabled(info && info->clips_projected_gradient);
    const bool lora = name == "qlora";
    for (QWidget* w : std::initializer_list<QWidget*>{loraRank_, loraAlpha_, loraTargetsBox_}) w->setEnabled(lora);
    for (const auto& [method, box] : settingBoxes_) box->setVisible(method == name);
    sparseMask_->setVisible(SparseMaskPanel::neededBy(QString::fromStdString(name)));
    TrainConfig unused;
    paperButton_->setEnabled(paperSettings(unused));
}

// The engine's own defaults (train/train_config.h), which its tests run with, for
// the method and, with QZO, the perturbation (absolute or relative) that is chosen.
void MethodPanel::applySafeDefaults() {
    TrainConfig c;
    use_method(c, methodName());
    if (relativeEps_->isChecked() && c.method == "qzo") use_relative_eps(c);
    c.checkpoint_every = kDefaultCheckpointEvery;
    c.checkpoint_minutes = kDefaultCheckpointMinutes;
    c.sparse_mask = sparseMask_->path().toStdString();  // a file, not a hyperparameter: it stays
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

bool MethodPanel::paperSettings(TrainConfig& c) const {
    c = TrainConfig{};
    use_method(c, methodName());
    c.checkpoint_every = kDefaultCheckpointEvery;
    c.checkpoint_minutes = kDefaultCheckpointMinutes;
    if (!training_method(c.method).first_order) {
        // As published: eps 1e-3, lr 1e-6, batch 16, 20,000 steps at a constant rate
        // (MeZO, Malladi et al. 2023; QZO, Shang et al. 2025, uses the same SPSA
        // settings; docs/methods.md). The clipping threshold keeps the engine's default.
        c.eps = 1e-3;
        c.lr = 1e-6;
        c.batch_size = 16;
        c.steps = 20000;
        c.schedule = "constant";
        c.eval_every = 500;
        return true;
    }
    if (c.method == "qlora") {
        // Guanaco 7B as QLoRA trained it (Dettmers et al. 2023; artidoro/qlora,
        // scripts/finetune_guanaco_7b.sh): r 64, alpha 16 on every linear layer,
        // lr 2e-4 constant after 3% warm-up, 16 sequences per step, 1875 steps,
        // max grad norm 0.3, no weight decay, gradient checkpointing. Its LoRA
        // dropout 0.1 has no counterpart here.
        c.lora_rank = 64;
        c.lora_alpha = 16;
        c.lora_targets = "q,k,v,o,gate,up,down";
        c.lr = 2e-4;
        c.schedule = "constant";
        c.steps = 1875;
        c.warmup_steps = 56;
        c.batch_size = 16;
        c.max_grad_norm = 0.3;
        c.weight_decay = 0;
        c.checkpoint_activations = true;
        c.eval_every = 187;
        return true;
    }
    return false;
}

void MethodPanel::applyPaperSettings() {
    TrainConfig c;
    if (!paperSettings(c)) return;
    c.sparse_mask = sparseMask_->path().toStdString();
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
    const TrainingMethodInfo& chosen = training_method(methodName());
    if (!chosen.first_order)
        paperButton_->setToolTip(tr("The settings of the MeZO and QZO papers: perturbation 1e-3, learning rate 1e-6, "
                                    "16 examples per step, 20,000 steps. Takes long on a CPU."));
    else if (paperButton_->isEnabled())
        paperButton_->setToolTip(tr("The settings QLoRA's authors trained Guanaco 7B with: rank 64, alpha 16 on every "
                                    "linear layer, learning rate 2e-4 after a 3% warm-up, 16 examples per step, "
                                    "1,875 steps, gradient clipping at 0.3. Takes long on a CPU."));
    else
        paperButton_->setToolTip(tr("No published settings for this method."));
    for (int i = 0; i < method_->count(); ++i) {
        const TrainingMethodInfo& m = training_method(method_->itemData(i).toString().toStdString());
        method_->setItemText(i, method_title(m));
        method_->setItemData(i, method_summary(m), Qt::ToolTipRole);
    }
    method_->setToolTip(tr("How the model is changed. Zeroth-order methods only run the model forward, so they need "
                           "about as much memory as answering a question. First-order methods also run the backward "
                           "pass and keep gradients and optimizer states: more memory, more progress per step."));
    methodNote_->setText(method_summary(chosen));

    paramBox_->setTitle(tr("Hyperparameters"));
    set_row(steps_, tr("Steps"), tr("How many times the model is nudged. More steps learn more and take longer."));
    set_row(batch_, tr("Examples per step"),
            tr("How many examples are averaged for each nudge (batch size). More is steadier but slower."));
    set_row(lr_, tr("Learning rate"),
            tr("How big each nudge is. Too big and the loss jumps around or explodes; too small and nothing changes. "
               "Choosing another method sets its own default, unless you typed a value."));
    set_row(schedule_, tr("Learning-rate schedule"),
            tr("Keep the rate constant, or lower it gradually (linearly or along a cosine curve) towards the end."));
    set_row(warmup_, tr("Warm-up steps"), tr("Steps at the start during which the rate rises from zero to its full value."));
    set_row(minLr_, tr("Final rate (fraction)"),
            tr("With a decaying schedule: the rate at the end, as a fraction of the full rate."));
    set_row(seed_, tr("Random seed"), tr("Fixes all random choices, so the same settings give the same run."));
    set_row(maxLength_, tr("Max tokens per example"),
            tr("Longer examples are shortened. Shorter examples train faster and use less memory."));
    set_row(valFraction_, tr("Held-out fraction"),
            tr("The share of examples kept aside to check the model on text it was not trained on."));
    set_row(evalEvery_, tr("Check every N steps"), tr("How often the held-out loss is measured (0: only at the end)."));
    set_row(evalExamples_, tr("Examples per check"), tr("How many held-out examples each check uses (0: all)."));
    set_row(patience_, tr("Patience"), tr("Stop early after this many checks without improvement (0: never stop early)."));

    safetyBox_->setTitle(tr("Safety"));
    set_row(checkpointEvery_, tr("Checkpoint every N steps"),
            tr("How often the run saves its progress to its folder, so that a crash or a closed window loses at most "
               "this many steps: Start then offers to go on from there."));
    set_row(checkpointMinutes_, tr("Checkpoint every N minutes"),
            tr("Also save the progress when this many minutes have passed since the last save, however few steps "
               "that was (0: only by steps)."));
    set_row(guard_, tr("Divergence guard"),
            tr("Watches every step: when the loss comes out as NaN or infinite, or jumps far above its usual level, "
               "the step is undone, the model goes back to its last good state and the learning rate is lowered. "
               "Keeps two copies of the trained values in main memory."));
    guard_->setText(tr("undo steps that blow up"));
    set_row(spikeFactor_, tr("Spike factor"),
            tr("A step whose loss is more than this many times the lowest running average of the loss so far "
               "counts as a blow-up (it must be above 1; 3 is the default)."));
    set_row(guardLrFactor_, tr("Learning-rate factor"),
            tr("After each rollback the learning rate is multiplied by this (0.25: a quarter of what it was)."));
    set_row(maxRollbacks_, tr("Max rollbacks in a row"),
            tr("Stop the run after this many rollbacks with no good step in between: the settings need changing."));

    zoBox_->setTitle(tr("Zeroth-order settings"));
    set_row(eps_, tr("Perturbation size"),
            tr("How far the method pokes the values to feel which way is downhill (epsilon). 1e-3 is usual."));
    set_row(clip_, tr("Clipping threshold"),
            tr("QZO only: the largest slope a single step may act on; bigger slopes are cut to it, which keeps training stable."));
    set_row(trainMin_, tr("Also train block minimums"), tr("QZO only: also train the offset m of Q4_1/Q5_1 blocks. Off in the paper."));
    set_row(relativeEps_, tr("Relative perturbation"),
            tr("QZO only: perturbation, learning rate and clipping in units of each weight's typical scale, so that "
               "K-quant models (Q4_K_M, Q6_K ...), whose scales are 50 to 300 times smaller than Q4_1's, are not "
               "wrecked by a perturbation meant for Q4_1. Ticking it sets perturbation %1, learning rate %2 and "
               "clipping %3, which match the absolute defaults on Q4_1.")
                .arg(number_text(kRelativeQzoDefaults.eps), number_text(kRelativeQzoDefaults.lr),
                     number_text(kRelativeQzoDefaults.clip)));
    set_row(autoEpsUnit_, tr("Choose the unit for me"),
            tr("QZO only: at the start of a run, look at the model's scales. Where the perturbation size would move "
               "some weight's scales by more than a tenth of themselves (K-quant files such as Q4_K_M: their "
               "super-block scales are 10 to 300 times smaller than Q4_1's), train in units of each weight's scale "
               "with their defaults (perturbation %1, learning rate %2, clipping %3) and say so in the log. Only "
               "while the three are at their usual values: numbers you typed are kept as they are.")
                .arg(number_text(kRelativeQzoDefaults.eps), number_text(kRelativeQzoDefaults.lr),
                     number_text(kRelativeQzoDefaults.clip)));
    trainMin_->setText(tr("Q4_1/Q5_1 minimum m"));
    relativeEps_->setText(tr("in units of each weight's scale"));
    autoEpsUnit_->setText(tr("relative where the model's scales need it"));

    foBox_->setTitle(tr("First-order settings (backward pass, AdamW)"));
    set_row(loraRank_, tr("LoRA rank"),
            tr("QLoRA only: the size r of each adapter pair (A is r × inputs, B is outputs × r). A larger rank can "
               "learn more and needs more memory; 8 to 64 is usual."));
    set_row(loraAlpha_, tr("LoRA alpha"),
            tr("QLoRA only: the adapters' output is multiplied by alpha / rank before it is added to the layer's."));
    set_row(loraTargetsBox_, tr("Adapted layers"),
            tr("QLoRA only: which linear layers of every block get an adapter: the attention projections q, k, v, o "
               "and the feed-forward projections gate, up, down. At least one stays ticked; more layers learn more "
               "and use more memory."));
    for (QCheckBox* box : loraTargetChecks_) {
        const QString name = box->property("target").toString();
        box->setToolTip(slot_tooltip(parse_linear_slot(name.toStdString())));
    }
    otherTargets_->setText(tr("also: %1").arg(otherTargetNames_.join(QStringLiteral(", "))));
    set_row(weightDecay_, tr("Weight decay"),
            tr("AdamW pulls every trained value a little towards zero each step, by learning rate × decay "
               "(0: off, as QLoRA trains)."));
    set_row(maxGradNorm_, tr("Gradient clipping"),
            tr("When the gradient's overall size (its global norm) is above this, it is scaled down to it before the "
               "AdamW step, so that one odd batch cannot wreck the model (0: off)."));
    set_row(checkpointing_, tr("Activation checkpointing"),
            tr("Keeps only each block's input during the forward pass and recomputes the rest in the backward pass: "
               "much less memory for about one more forward pass per step."));
    checkpointing_->setText(tr("recompute activations in the backward pass"));

    for (const auto& [method, box] : settingBoxes_) {
        // "Q-GaLore: INT8 weights, ..." -> "Q-GaLore settings".
        const QString title = method_title(training_method(method));
        const qsizetype colon = title.indexOf(QRegularExpression(QStringLiteral("[:：]")));
        box->setTitle(tr("%1 settings").arg(colon > 0 ? title.left(colon) : title));
    }
    for (const SettingField& f : settingFields_)
        set_row(f.field, method_setting_label(*f.setting), method_setting_tooltip(*f.setting));

    schedule_->setItemText(0, tr("constant"));
    schedule_->setItemText(1, tr("linear decay"));
    schedule_->setItemText(2, tr("cosine decay"));
    revalidate();
}

void MethodPanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
