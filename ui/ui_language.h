#pragma once
// The interface languages and switching between them at run time. The source
// strings are English; the others are compiled .qm files embedded under :/i18n
// (translations/*.ts). Switching installs a QTranslator, which sends every widget
// a LanguageChange event; each panel then sets its texts again (retranslate()).
#include <QList>
#include <QString>

namespace qt::ui {

struct UiLanguage {
    QString code;    // "en", "pt_BR", "zh_CN", "fr"
    QString native;  // the language's name in itself
};

QList<UiLanguage> ui_languages();
// Installs the translator for `code` (removing the previous one); returns false
// when no translation for it is embedded. "en" removes any translation.
bool apply_ui_language(const QString& code);
// The language saved in QSettings ("language"), "en" when none is.
QString saved_ui_language();
void save_ui_language(const QString& code);

}  // namespace qt::ui
