#pragma once
// How the window names and colours the engine's memory categories
// (memory/memory_ledger.h), and what each holds, in plain words for tooltips.
#include <QColor>
#include <QString>

#include "engine_events.h"
#include "memory/memory_ledger.h"

namespace qt::ui {

QString category_title(MemoryCategory c);
// What a method's run calls the category ("INT8 weights"), translated; empty where
// `labels` has no name for it (TrainingMethodInfo::memory_label).
QString category_label(MemoryCategory c, const MemoryLabels& labels);
QString category_description(MemoryCategory c);
QColor category_color(MemoryCategory c);
// "QZO (planned)" ... for the engine's plan names (memory/training_memory_plan.h).
QString method_plan_title(const QString& method);

}  // namespace qt::ui
