#pragma once
// How much memory a device offers, for the capacity line of the memory view and
// the device panel. The CPU's comes from the operating system (/proc/meminfo);
// the engine does not yet report a GPU's total or free memory, so for "cuda:N"
// the answer is 0, which the views show as "unknown".
#include <QString>

namespace qt::ui {

qint64 device_capacity_bytes(const QString& device);
qint64 cpu_available_bytes();
// "AMD EPYC ... , 2 cores, 7.8 GB available of 16.0 GB".
QString cpu_description();

}  // namespace qt::ui
