#pragma once
// Byte counts as people read them ("81.4 MB"), in decimal units like file managers.
#include <QString>

namespace qt::ui {

QString format_bytes(qint64 bytes);
// "1 h 02 min", "3 min 05 s", "12 s".
QString format_duration(double seconds);

}  // namespace qt::ui
