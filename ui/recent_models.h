#pragma once
// The model files opened lately, newest first, kept in QSettings ("recentModels").
#include <QStringList>

namespace qt::ui {

QStringList recent_models();
void remember_model(const QString& path);
// The model to preselect: the newest recent one that still exists, else the
// engine's default model path (qt::default_model_path()) on a first start.
QString preselected_model();

}  // namespace qt::ui
