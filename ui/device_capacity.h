#pragma once
// How much memory the CPU side offers, for the capacity line of the memory view
// and the device panel, from the operating system (/proc/meminfo). A GPU's comes
// from the engine (cuda_memory_info); for "cuda:N" this answers 0 ("unknown").
#include <QString>

namespace qt::ui {

qint64 device_capacity_bytes(const QString& device);
qint64 cpu_available_bytes();
// "AMD EPYC ... , 2 cores, 7.8 GB available of 16.0 GB".
QString cpu_description();

}  // namespace qt::ui
