#include "byte_format.h"

#include <QCoreApplication>
#include <cmath>

namespace qt::ui {

QString format_bytes(qint64 bytes) {
    const double b = static_cast<double>(bytes);
    if (std::abs(b) < 1000) return QCoreApplication::translate("Units", "%1 B").arg(bytes);
    if (std::abs(b) < 1e6) return QCoreApplication::translate("Units", "%1 kB").arg(b / 1e3, 0, 'f', 1);
    if (std::abs(b) < 1e9) return QCoreApplication::translate("Units", "%1 MB").arg(b / 1e6, 0, 'f', 1);
    return QCoreApplication::translate("Units", "%1 GB").arg(b / 1e9, 0, 'f', 2);
}

QString format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
    const qint64 s = static_cast<qint64>(std::llround(seconds));
    if (s < 60) return QCoreApplication::translate("Units", "%1 s").arg(s);
    if (s < 3600)
        return QCoreApplication::translate("Units", "%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("Units", "%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

}  // namespace qt::ui
