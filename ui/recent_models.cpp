#include "recent_models.h"

#include <QFileInfo>
#include <QSettings>

#include "model/loaded_model.h"

namespace qt::ui {
namespace {
constexpr int kKept = 8;
const char* const kKey = "recentModels";
}  // namespace

QStringList recent_models() { return QSettings().value(kKey).toStringList(); }

void remember_model(const QString& path) {
    QStringList list = recent_models();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kKept) list.removeLast();
    QSettings().setValue(kKey, list);
}

QString preselected_model() {
    for (const QString& p : recent_models())
        if (QFileInfo::exists(p)) return p;
    return QString::fromStdString(qt::default_model_path());
}

}  // namespace qt::ui
