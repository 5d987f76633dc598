#include "settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>

#include "ui_language.h"

namespace qt::ui {

SettingsDialog::SettingsDialog(QWidget* parent) : QDialog(parent) {
    languageLabel_ = new QLabel(this);
    language_ = new QComboBox(this);
    language_->setObjectName("languageCombo");
    for (const UiLanguage& l : ui_languages()) language_->addItem(l.native, l.code);
    language_->setCurrentIndex(qMax(0, language_->findData(saved_ui_language())));
    autoOpen_ = new QCheckBox(this);
    autoOpen_->setChecked(openModelAtStart());
    auto* form = new QFormLayout;
    form->addRow(languageLabel_, language_);
    form->addRow(autoOpen_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
    retranslate();
}

bool SettingsDialog::openModelAtStart() { return QSettings().value("openModelAtStart", true).toBool(); }

void SettingsDialog::accept() {
    const QString code = language_->currentData().toString();
    save_ui_language(code);
    apply_ui_language(code);
    QSettings().setValue("openModelAtStart", autoOpen_->isChecked());
    QDialog::accept();
}

void SettingsDialog::retranslate() {
    setWindowTitle(tr("Settings"));
    languageLabel_->setText(tr("Language:"));
    autoOpen_->setText(tr("Open the last model (or the default model) when QuantTune starts"));
}

void SettingsDialog::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QDialog::changeEvent(e);
}

}  // namespace qt::ui
