#include "engine_events.h"

#include "methods/sparse_mask.h"
#include "train/trainer.h"
#include "train/training_methods.h"

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
    qRegisterMetaType<SparseMaskRequest>();
    qRegisterMetaType<SparseMaskProgress>();
    qRegisterMetaType<SparseMaskSummary>();
}

MemoryLabels memory_labels_of(const TrainConfig& config) {
    MemoryLabels labels;
    const TrainingMethodInfo* method = find_training_method(config.method);
    if (!method || !method->memory_label) return labels;
    for (int c = 0; c < kMemoryCategoryCount; ++c)
        if (const char* label = method->memory_label(config, static_cast<MemoryCategory>(c)))
            labels[static_cast<size_t>(c)] = QString::fromUtf8(label);
    return labels;
}

StepMetrics step_metrics_of(const StepRecord& r) {
    StepMetrics m;
    m.step = static_cast<int>(r.step + 1);
    m.loss = r.loss;
    m.projected_grad = r.result.projected_grad;
    m.clipped_grad = r.result.clipped_grad;
    m.clipped = r.result.clipped;
    m.first_order = r.first_order;
    m.grad_norm = r.grad_norm;
    m.grad_clipped = r.grad_clipped;
    m.lr = r.lr;
    m.tokens_per_second = r.seconds > 0 ? static_cast<double>(r.tokens) / r.seconds : 0;
    for (const LayerSeries& s : r.method_metrics.per_layer) {
        LayerSeriesValues v;
        v.name = QString::fromStdString(s.name);
        v.title = QString::fromStdString(s.title);
        v.cumulative = s.cumulative;
        v.values = QVector<double>(s.values.begin(), s.values.end());
        m.method_series << v;
    }
    return m;
}

SparseMaskSummary sparse_mask_summary_of(const SparseMask& mask, const QString& path) {
    SparseMaskSummary s;
    s.path = path;
    s.criterion = QString::fromStdString(mask.criterion);
    s.scope = QString::fromStdString(mask.scope);
    s.fraction = mask.fraction;
    s.has_values = mask.has_values();
    // details is for people and may lack any key, or hold another type (a file written by hand).
    const nlohmann::json& d = mask.details;
    if (const auto it = d.find("captured_share"); it != d.end() && it->is_number()) {
        s.has_captured_share = true;
        s.captured_share = it->get<double>();
    }
    if (const auto it = d.find("sequences"); it != d.end() && it->is_number_integer()) s.sequences = it->get<qint64>();
    if (const auto it = d.find("seconds"); it != d.end() && it->is_number()) s.seconds = it->get<double>();
    s.layout = sparse_mask_layout(mask);
    return s;
}

}  // namespace qt::ui
