#include "device_capacity.h"

#include <QCoreApplication>
#include <QFile>
#include <QThread>

#include "byte_format.h"

namespace qt::ui {
namespace {

// A "Key:   123 kB" line of /proc/meminfo, in bytes; 0 when absent.
qint64 meminfo_bytes(const QByteArray& key) {
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (!line.startsWith(key + ':')) continue;
        const QList<QByteArray> parts = line.mid(key.size() + 1).simplified().split(' ');
        return parts.isEmpty() ? 0 : parts[0].toLongLong() * 1024;
    }
    return 0;
}

QString cpu_model_name() {
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : f.readAll().split('\n'))
            if (line.startsWith("model name")) return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
    }
    return QCoreApplication::translate("Devices", "CPU");
}

}  // namespace

qint64 device_capacity_bytes(const QString& device) {
    if (device == QLatin1String("cpu") || device == QLatin1String("auto")) return meminfo_bytes("MemTotal");
    return 0;
}

qint64 cpu_available_bytes() { return meminfo_bytes("MemAvailable"); }

QString cpu_description() {
    return QCoreApplication::translate("Devices", "%1, %2 cores, %3 free of %4")
        .arg(cpu_model_name())
        .arg(QThread::idealThreadCount())
        .arg(format_bytes(cpu_available_bytes()), format_bytes(meminfo_bytes("MemTotal")));
}

}  // namespace qt::ui
