#include "engine_events.h"

namespace qt::ui {

// Types crossing threads in queued signals must be known to the meta-type system.
void register_engine_event_types() {
    qRegisterMetaType<ModelSummary>();
    qRegisterMetaType<MemoryPlans>();
    qRegisterMetaType<MemoryBars>();
    qRegisterMetaType<DatasetSummary>();
    qRegisterMetaType<StepMetrics>();
    qRegisterMetaType<TrainingState>();
    qRegisterMetaType<CompareSide>();
    qRegisterMetaType<CompareRequest>();
}

}  // namespace qt::ui
