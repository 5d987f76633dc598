// quanttune: the desktop application. Starts the main window on the preselected
// model (the last one opened, or the default model on a first start).
#include <QApplication>
#include <QIcon>

#include "main_window.h"
#include "ui_language.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("QuantTune"));
    QApplication::setApplicationName(QStringLiteral("QuantTune"));
    QApplication::setApplicationVersion(QStringLiteral(QUANTTUNE_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/quanttune.svg")));
    qt::ui::apply_ui_language(qt::ui::saved_ui_language());
    qt::ui::MainWindow window;
    window.show();
    return app.exec();
}
