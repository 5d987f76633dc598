#pragma once
// The small value types the engine worker sends to the window through queued
// signals. They copy engine numbers into Qt types so that nothing on the GUI
// thread ever touches an engine object that the worker's thread owns.
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>
#include <array>

#include "memory/memory_ledger.h"
#include "methods/sparse_mask_layout.h"
#include "train/train_config.h"

namespace qt {
struct StepRecord;
struct SparseMask;
}

namespace qt::ui {

// The engine's plain-English names for ledger categories in one method's run, by
// category (TrainingMethodInfo::memory_label: "INT8 weights"); empty where the
// category's usual title applies. Translated where shown (method_memory_label()).
using MemoryLabels = std::array<QString, kMemoryCategoryCount>;
// The labels of config.method's registry row for this config; all empty for a
// method without names of its own, or a name that is no registry method.
MemoryLabels memory_labels_of(const TrainConfig& config);

// Bytes a training method would hold, by ledger category (planned, not measured).
struct MethodMemoryPlan {
    QString method;  // the engine's name: "qzo", "mezo", "full-bf16-adamw", "qlora", "adamw" (method_plan_title() shows it)
    std::array<qint64, kMemoryCategoryCount> bytes{};
    QString source;  // where the numbers come from, said in words
    MemoryLabels labels;  // the method's own names for its categories, where it has them
    qint64 total() const {
        qint64 t = 0;
        for (qint64 b : bytes) t += b;
        return t;
    }
};

// The model's trainable linears (LlamaModel::trainable_linears()) of one GGUF type.
struct LinearTypeCount {
    QString type;                   // "Q4_1"
    int count = 0;                  // linears of this type
    qint64 weights = 0;             // their weights
    bool has_block_scales = false;  // quant_scale_fields(type): QZO can train its blocks' scales
};

struct ModelSummary {
    QString path;       // what was opened: a .gguf file or a Hugging Face folder
    QString gguf_path;  // the GGUF file read: `path`, or the folder's converted copy in the cache
    QString name;          // general.name
    QString architecture;  // general.architecture
    qint64 parameters = 0;
    qint64 file_bytes = 0;
    qint64 weight_bytes = 0;  // bytes of all tensors as stored
    QStringList tensor_types; // "Q4_1: 210 tensors, 81.4 MB"
    int layers = 0;
    int embedding = 0;
    int heads = 0;
    int kv_heads = 0;
    int head_dim = 0;
    QStringList features;         // the architecture's features in words ("q/k norm", "sliding window 4096")
    QList<LinearTypeCount> linears;  // trainable linears by type, in the order first met
    int context = 0;
    int vocabulary = 0;
    QString chat_template;    // "ChatML", or why there is none
    QString backend;          // the backend the model was loaded on
};

// The engine's memory plans for the open model at one sequence length and batch size.
struct MemoryPlans {
    QList<MethodMemoryPlan> plans;  // QZO, MeZO, bf16 full fine-tuning, QLoRA, float32 AdamW
    int max_tokens = 0;
    int batch_size = 0;
};

struct MemoryBars {
    std::array<qint64, kMemoryCategoryCount> live{};
    std::array<qint64, kMemoryCategoryCount> peak{};
    qint64 total_live = 0;
    qint64 total_peak = 0;
    qint64 capacity = 0;  // bytes the device has (0: unknown)
    QString device;
    MemoryLabels labels;  // the running (or last) method's names for its categories
};

// One row of the dataset preview: the example as the model sees it.
struct PreviewRow {
    int line = 0;
    QString prompt;      // text of tokens[0, prompt_length)
    QString completion;  // the rest: the part the loss is computed on
    int tokens = 0;
    int targets = 0;
    bool truncated = false;
};

struct DatasetSummary {
    QString path;
    QString format;
    bool chat_template_applied = false;
    qint64 rows_read = 0;
    qint64 rows_kept = 0;
    qint64 rows_skipped = 0;
    QStringList skipped_messages;
    qint64 rows_truncated = 0;
    qint64 total_tokens = 0;
    qint64 target_tokens = 0;
    // Token-length histogram: bucket [min, max] -> count.
    QVector<int> bucket_min, bucket_max, bucket_count;
    int length_min = 0, length_max = 0, length_median = 0, length_p90 = 0;
    double length_mean = 0;
    QList<PreviewRow> preview;
};

// One of a method's own numbers, one value per layer, after a step
// (methods/method_metrics.h's LayerSeries): Q-GaLore's SVDs done and saved, its
// subspace similarity.
struct LayerSeriesValues {
    QString name;             // "svds_done": a key for the CSV
    QString title;            // "SVDs done", in the engine's English (translated where shown)
    bool cumulative = false;  // a running count (bars by layer), else a current value (over steps)
    QVector<double> values;   // one per layer; NaN where a layer has none yet
};

// One finished optimisation step as the trainer reports it.
struct StepMetrics {
    int step = 0;        // 1-based
    int total_steps = 0;
    double loss = 0;     // training loss of the step's batch (ZO: mean of l+ and l-)
    // Zeroth-order steps (QZO, MeZO): the projected gradient.
    double projected_grad = 0;  // d, raw
    double clipped_grad = 0;    // d' after clipping
    bool clipped = false;
    // First-order steps (QLoRA, AdamW): the gradient from the backward pass.
    bool first_order = false;
    double grad_norm = 0;       // global norm before clipping
    bool grad_clipped = false;  // scaled down to max_grad_norm
    double clip_rate = 0;       // fraction of steps so far that were clipped (d, or the gradient's norm)
    double lr = 0;
    double tokens_per_second = 0;
    double elapsed_seconds = 0;
    bool has_val_loss = false;
    double val_loss = 0;
    QList<LayerSeriesValues> method_series;  // empty for methods that report none
};

// The numbers of a StepMetrics that the step's record holds (all but total_steps,
// clip_rate, elapsed_seconds and the validation loss, which the run keeps).
StepMetrics step_metrics_of(const StepRecord& r);

enum class TrainingState { Idle, Running, Paused, Stopping };

enum class CompareSide { Base = 0, FineTuned = 1 };

// Sampling settings of a comparison: both sides use the same.
struct CompareRequest {
    QString prompt;
    bool chat = true;
    int max_new_tokens = 64;
    double temperature = 0.0;
    int top_k = 0;
    double top_p = 1.0;
    qint64 seed = 0;
};

// How to compute sparse ZO's mask (methods/sensitivity.h, train/calibration_text.h).
struct SparseMaskRequest {
    QString criterion = QStringLiteral("gradient");  // the engine's names: "gradient", "magnitude", "random"
    QString scope = QStringLiteral("global");        // "global", "per-matrix"
    double fraction = 1e-3;
    qint64 sequences = 64;  // calibration windows (gradient criterion)
    int length = 256;       // tokens per window
    QStringList files;      // plain-text calibration files (gradient criterion)
    QString path;           // where the mask is saved (its folder is created)
    quint64 id = 0;         // EngineWorker::cancelSparseMask(id) cancels this one and earlier ones
};

// The compute's progress as the engine reports it: pass `pass` (0-based) of
// `passes`, `done` of `total` sequences (the gradient criterion) or matrices (the others).
struct SparseMaskProgress {
    int pass = 0, passes = 1;
    qint64 done = 0, total = 0;
};

// A mask the worker loaded (and checked against the open model) or computed and saved.
struct SparseMaskSummary {
    QString path;
    QString criterion;  // the engine's names, as the file says
    QString scope;
    double fraction = 0;  // entries / weights of the linears it covers
    bool has_values = false;  // carries trained values S
    // The squared gradient's share its entries carry (gradient criterion; details.captured_share).
    bool has_captured_share = false;
    double captured_share = 0;
    qint64 sequences = 0;  // calibration windows, where the file says
    double seconds = 0;    // the compute's time, where the file says
    SparseMaskLayout layout;  // entries and weights per layer and slot (totals too)
};
SparseMaskSummary sparse_mask_summary_of(const SparseMask& mask, const QString& path);

void register_engine_event_types();

}  // namespace qt::ui

Q_DECLARE_METATYPE(qt::ui::ModelSummary)
Q_DECLARE_METATYPE(qt::ui::MemoryPlans)
Q_DECLARE_METATYPE(qt::ui::MemoryBars)
Q_DECLARE_METATYPE(qt::ui::DatasetSummary)
Q_DECLARE_METATYPE(qt::ui::StepMetrics)
Q_DECLARE_METATYPE(qt::ui::TrainingState)
Q_DECLARE_METATYPE(qt::ui::CompareSide)
Q_DECLARE_METATYPE(qt::ui::CompareRequest)
Q_DECLARE_METATYPE(qt::ui::SparseMaskRequest)
Q_DECLARE_METATYPE(qt::ui::SparseMaskProgress)
Q_DECLARE_METATYPE(qt::ui::SparseMaskSummary)
Q_DECLARE_METATYPE(qt::TrainConfig)  // the settings of a run, sent to the worker
