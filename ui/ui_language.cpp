#include "ui_language.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTranslator>

namespace qt::ui {
namespace {
QTranslator* g_translator = nullptr;  // owned by the application object
}  // namespace

QList<UiLanguage> ui_languages() {
    return {{QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("pt_BR"), QStringLiteral("Português (Brasil)")},
            {QStringLiteral("zh_CN"), QStringLiteral("简体中文")},
            {QStringLiteral("fr"), QStringLiteral("Français")}};
}

bool apply_ui_language(const QString& code) {
    if (g_translator) {
        QCoreApplication::removeTranslator(g_translator);
        delete g_translator;
        g_translator = nullptr;
    }
    // Removing a translator sends LanguageChange too, so English comes back by itself.
    if (code == QLatin1String("en")) return true;
    auto* t = new QTranslator(QCoreApplication::instance());
    if (!t->load(QStringLiteral(":/i18n/quanttune_%1.qm").arg(code))) {
        delete t;
        return false;
    }
    QCoreApplication::installTranslator(t);
    g_translator = t;
    return true;
}

QString saved_ui_language() { return QSettings().value("language", QStringLiteral("en")).toString(); }

void save_ui_language(const QString& code) { QSettings().setValue("language", code); }

}  // namespace qt::ui
