#include "engine_worker.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <QThread>
#include <algorithm>
#include <exception>
#include <stdexcept>
#include <map>
#include <nlohmann/json.hpp>

#include "byte_format.h"
#include "backend/backend_factory.h"
#include "backend/cpu_backend.h"
#include "backend/cuda_backend.h"
#include "data/dataset.h"
#include "device_capacity.h"
#include "generate/generator.h"
#include "hf/hf_import.h"
#include "memory/training_memory_plan.h"
#include "methods/quant_scale_fields.h"
#include "methods/sensitivity.h"
#include "methods/sparse_mask.h"
#include "model/loaded_model.h"
#include "train/calibration_text.h"
#include "train/metrics_log.h"
#include "train/run_folder.h"
#include "train/training_session.h"
#include "util/host_out_of_memory.h"

namespace qt::ui {
namespace {

QString qstr(const std::string& s) { return QString::fromStdString(s); }

// Preview rows shown in the dataset panel.
constexpr int kPreviewRows = 50;

}  // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {}

EngineWorker::~EngineWorker() {
    // The trainer refers to the model and the data, the model to the backend: free in that order.
    metrics_.reset();
    session_.reset();
    dataset_.reset();
    model_.reset();
    baseModel_.reset();
    baseBackend_.reset();
    backend_.reset();
}

void EngineWorker::publishMemory() {
    MemoryBars bars;
    if (backend_) {
        const MemorySnapshot s = backend_->ledger().snapshot();
        for (int c = 0; c < kMemoryCategoryCount; ++c) {
            bars.live[static_cast<size_t>(c)] = s.live[static_cast<size_t>(c)];
            bars.peak[static_cast<size_t>(c)] = s.peak[static_cast<size_t>(c)];
        }
        bars.total_live = s.total_live;
        bars.total_peak = s.total_peak;
        bars.device = qstr(backend_->name());
    }
    // The run's method names its categories its own way (Q-GaLore: "INT8 weights").
    if (session_) bars.labels = memory_labels_of(config_);
    // A GPU reports its own total (cudaMemGetInfo); the CPU's is the machine's memory.
    size_t gpu_free = 0, gpu_total = 0;
    if (backend_ && cuda_memory_info(*backend_, gpu_free, gpu_total))
        bars.capacity = static_cast<qint64>(gpu_total);
    else
        bars.capacity = device_capacity_bytes(QStringLiteral("cpu"));
    emit memoryChanged(bars);
}

void EngineWorker::loadModel(const QString& path, const QString& device) {
    if (state_ != TrainingState::Idle) {
        emit engineError(tr("Opening the model"), tr("Stop the training run before opening another model."));
        return;
    }
    emit busyChanged(true);
    emit logLine(tr("Opening %1 ...").arg(path));
    try {
        QString gguf = path;
        if (QFileInfo(path).isDir()) {
            if (!is_hf_folder(path.toStdString()))
                throw std::runtime_error(
                    tr("%1: this folder has no config.json, so it is no Hugging Face model folder").arg(path).toStdString());
            const HfImportOptions options;
            const QString type = qstr(std::string(ggml_type_name(options.type)));
            emit modelConverting(path, type);
            emit logLine(tr("Converting the Hugging Face folder %1 to GGUF (%2), once, into the cache ...").arg(path, type));
            gguf = qstr(open_model_path(path.toStdString(), options));
            emit logLine(tr("Converted: %1").arg(gguf));
        }
        // Open the new model before letting go of the old one, so that a file that
        // fails to open leaves the session as it was.
        std::unique_ptr<Backend> newBackend;
        Backend* target = backend_.get();
        if (!backend_ || device != device_) {
            BackendChoice choice = make_backend(device.toStdString());
            newBackend = std::move(choice.backend);
            target = newBackend.get();
            emit logLine(qstr(choice.message));
        }
        auto loaded = std::make_unique<LoadedModel>(LoadedModel::open(gguf.toStdString(), *target));
        session_.reset();
        dataset_.reset();  // tokenized by the old model
        model_.reset();
        baseModel_.reset();
        baseBackend_.reset();
        if (newBackend) {
            backend_ = std::move(newBackend);
            device_ = device;
        }
        model_ = std::move(loaded);
        const ModelSummary summary = summarize(path, gguf);
        emit logLine(tr("Loaded %1: %2 parameters on %3").arg(summary.name).arg(summary.parameters).arg(summary.backend));
        emit modelLoaded(summary);
        planMemory(planConfig_);
    } catch (const std::exception& e) {
        emit engineError(tr("Opening the model"), QString::fromStdString(qt::error_message(e)));
    }
    publishMemory();
    emit busyChanged(false);
}

ModelSummary EngineWorker::summarize(const QString& path, const QString& ggufPath) const {
    LoadedModel& m = current();
    const GgufFile& f = *m.file;
    const LlamaConfig& c = m.model->config();
    ModelSummary s;
    s.path = path;
    s.gguf_path = ggufPath;
    s.name = qstr(f.get_string("general.name", QFileInfo(path).completeBaseName().toStdString()));
    s.architecture = qstr(c.architecture);
    s.parameters = m.model->parameter_count();
    s.file_bytes = static_cast<qint64>(f.file_size());
    std::map<std::string, std::pair<int, qint64>> by_type;
    for (const GgufTensorInfo& t : f.tensors()) {
        s.weight_bytes += static_cast<qint64>(t.nbytes);
        auto& [count, bytes] = by_type[std::string(ggml_traits(t.type).name)];
        ++count;
        bytes += static_cast<qint64>(t.nbytes);
    }
    for (const auto& [type, cb] : by_type)
        s.tensor_types << tr("%1: %2 tensors, %3").arg(qstr(type)).arg(cb.first).arg(format_bytes(cb.second));
    s.layers = c.n_layers;
    s.embedding = c.dim;
    s.heads = c.n_heads;
    s.kv_heads = c.n_kv_heads;
    s.head_dim = c.head_dim;
    if (c.qkv_bias) s.features << tr("q/k/v biases");
    if (c.qk_norm) s.features << tr("q/k norm");
    if (c.post_norms) s.features << tr("post-norms");
    if (c.rope_mode == RopeMode::Neox) s.features << tr("neox rope");
    if (c.rope_freqs) s.features << tr("rope frequency factors");
    if (c.activation == FfnActivation::GeluTanh) s.features << tr("GeGLU");
    if (c.fused_qkv) s.features << tr("fused q/k/v");
    if (c.fused_gate_up) s.features << tr("fused gate/up");
    if (c.attn_softcap > 0) s.features << tr("attention softcap %1").arg(c.attn_softcap);
    if (c.final_softcap > 0) s.features << tr("final softcap %1").arg(c.final_softcap);
    if (c.sliding_window > 0 && c.swa_pattern > 1)
        s.features << tr("sliding window %1 (%2 of every %3 layers)").arg(c.sliding_window).arg(c.swa_pattern - 1).arg(c.swa_pattern);
    else if (c.sliding_window > 0)
        s.features << tr("sliding window %1").arg(c.sliding_window);
    if (c.tied_output) s.features << tr("tied output head");
    for (const WeightTensor* w : m.model->trainable_linears()) {
        const QString type = qstr(std::string(ggml_traits(w->type).name));
        auto it = std::find_if(s.linears.begin(), s.linears.end(), [&](const LinearTypeCount& l) { return l.type == type; });
        if (it == s.linears.end()) {
            s.linears.append(LinearTypeCount{type, 0, 0, quant_scale_fields(w->type).has_value()});
            it = s.linears.end() - 1;
        }
        ++it->count;
        it->weights += w->rows * w->cols;
    }
    s.context = c.context_length;
    s.vocabulary = c.vocab_size;
    s.chat_template = m.chat_template ? qstr(m.chat_template->name())
                                      : tr("none (%1)").arg(qstr(m.chat_template_error));
    s.backend = qstr(backend_->name());
    return s;
}

LoadedModel& EngineWorker::current() const { return session_ ? session_->model() : *model_; }

void EngineWorker::loadDataset(const QString& path, int maxLength) {
    if (!model_ && !session_) {
        emit engineError(tr("Opening the dataset"), tr("Open a model first: the dataset is read with its tokenizer."));
        return;
    }
    if (state_ != TrainingState::Idle) {
        emit engineError(tr("Opening the dataset"), tr("Stop the training run before opening another dataset."));
        return;
    }
    emit busyChanged(true);
    try {
        DatasetOptions options;
        options.max_length = static_cast<size_t>(maxLength);
        const LoadedModel& m = current();
        auto data = std::make_unique<Dataset>(
            load_dataset(path.toStdString(), *m.tokenizer, m.chat_template ? &*m.chat_template : nullptr, options));
        const DatasetStats& st = data->stats;
        DatasetSummary s;
        s.path = path;
        s.format = qstr(st.format);
        s.chat_template_applied = st.chat_template_applied;
        s.rows_read = static_cast<qint64>(st.rows_read);
        s.rows_kept = static_cast<qint64>(st.rows_kept);
        s.rows_skipped = static_cast<qint64>(st.rows_skipped);
        for (const std::string& m : st.skipped_messages) s.skipped_messages << qstr(m);
        s.rows_truncated = static_cast<qint64>(st.rows_truncated);
        s.total_tokens = static_cast<qint64>(st.total_tokens);
        s.target_tokens = static_cast<qint64>(st.target_tokens);
        for (const LengthBucket& b : st.lengths.buckets) {
            s.bucket_min << static_cast<int>(b.min_length);
            s.bucket_max << static_cast<int>(b.max_length);
            s.bucket_count << static_cast<int>(b.count);
        }
        s.length_min = static_cast<int>(st.lengths.min);
        s.length_max = static_cast<int>(st.lengths.max);
        s.length_median = static_cast<int>(st.lengths.median);
        s.length_p90 = static_cast<int>(st.lengths.p90);
        s.length_mean = st.lengths.mean;
        const Tokenizer& tok = *m.tokenizer;
        for (size_t i = 0; i < data->examples.size() && i < kPreviewRows; ++i) {
            const Example& e = data->examples[i];
            const auto cut = e.tokens.begin() + static_cast<std::ptrdiff_t>(std::min(e.prompt_length, e.tokens.size()));
            PreviewRow r;
            r.line = static_cast<int>(e.source_line);
            r.prompt = QString::fromUtf8(tok.decode(std::vector<int32_t>(e.tokens.begin(), cut)));
            r.completion = QString::fromUtf8(tok.decode(std::vector<int32_t>(cut, e.tokens.end())));
            r.tokens = static_cast<int>(e.tokens.size());
            r.targets = static_cast<int>(e.target_count());
            r.truncated = e.truncated_tokens > 0;
            s.preview << r;
        }
        dataset_ = std::move(data);
        datasetPath_ = path;
        datasetMaxLength_ = maxLength;
        emit logLine(tr("Dataset %1: %2 examples kept, %3 rows skipped").arg(path).arg(s.rows_kept).arg(s.rows_skipped));
        emit datasetLoaded(s);
    } catch (const std::exception& e) {
        emit engineError(tr("Opening the dataset"), QString::fromStdString(qt::error_message(e)));
    }
    emit busyChanged(false);
}

void EngineWorker::startTraining(const TrainConfig& config, const QString& resumeFrom) {
    if (state_ != TrainingState::Idle) return;
    if ((!model_ && !session_) || !dataset_) {
        emit engineError(tr("Starting training"), tr("Open a model and a dataset first."));
        return;
    }
    emit busyChanged(true);
    try {
        validate(config);
        // Every run starts from the file's weights. The session opens the model
        // with writable weights (QZO rewrites block scales); the read-only copy and
        // the last run are let go first so that the ledger shows this run alone.
        metrics_.reset();
        session_.reset();
        model_.reset();
        backend_->ledger().reset_peaks();
        session_ = std::make_unique<TrainingSession>(config, *backend_);
        // A run with a folder goes on from a checkpoint, or replaces the old one and
        // its log, as quanttune-cli train --restart does.
        metrics_ = open_run_folder(*session_, resumeFrom.toStdString(), true);
        config_ = config;
        clippedSteps_ = 0;
        doneSteps_ = 0;
        elapsed_ = 0;
        stop_requested_.store(false);
        state_ = TrainingState::Running;
        const DatasetStats& ds = session_->data_stats();
        emit logLine(tr("Training %1 for %2 steps: %3 trainable values (%4 training, %5 held-out examples; %6 rows skipped)")
                         .arg(QString::fromStdString(session_->params().method_name()))
                         .arg(config.steps)
                         .arg(session_->params().size())
                         .arg(session_->data().train.size())
                         .arg(session_->data().validation.size())
                         .arg(ds.rows_skipped));
        if (!resumeFrom.isEmpty())
            emit logLine(tr("resumed from %1 after step %2").arg(resumeFrom).arg(session_->trainer().state().next_step));
        if (!config.out_dir.empty())
            emit logLine(tr("Run folder: %1 (checkpoint and metrics.jsonl)").arg(qstr(config.out_dir)));
        for (const StartupMessage& m : session_->messages())
            emit logLine((m.warning ? tr("Warning: %1") : tr("Note: %1")).arg(qstr(m.text)));
        emit trainingStateChanged(state_);
        publishMemory();
        scheduleNextStep();
    } catch (const std::exception& e) {
        metrics_.reset();
        session_.reset();
        state_ = TrainingState::Idle;
        emit engineError(tr("Starting training"), QString::fromStdString(qt::error_message(e)));
        // Reopen the model read-only so that nothing is lost.
        try {
            if (!model_) model_ = std::make_unique<LoadedModel>(LoadedModel::open(config.model, *backend_));
        } catch (const std::exception& e2) {
            emit engineError(tr("Opening the model"), QString::fromStdString(qt::error_message(e2)));
        }
        publishMemory();
    }
    emit busyChanged(false);
}

void EngineWorker::scheduleNextStep() {
    if (stepQueued_) return;
    stepQueued_ = true;
    QMetaObject::invokeMethod(this, &EngineWorker::runNextStep, Qt::QueuedConnection);
}

void EngineWorker::runNextStep() {
    stepQueued_ = false;
    if (!session_ || state_ == TrainingState::Idle) return;
    if (stop_requested_.load()) {
        finishTraining(tr("stopped"));
        return;
    }
    if (state_ != TrainingState::Running) return;  // paused: resume() queues the next step
    try {
        Trainer& trainer = session_->trainer();
        SessionStep done;
        try {
            done = session_->step();
        } catch (const TrainingDiverged& e) {
            // The guard gave up: the session holds the last state that passed, and the
            // run's checkpoint (if any) the last one written.
            if (metrics_) metrics_->write(stopped_json(e.what()));
            emit engineError(tr("Training step %1").arg(doneSteps_ + 1), QString::fromStdString(qt::error_message(e)));
            finishTraining(tr("stopped: training diverged"), false);
            return;
        }
        const StepRecord& r = done.record;
        ++doneSteps_;
        if (metrics_) metrics_->write(step_json(r));
        if (done.rollback) {
            const RollbackEvent& rb = *done.rollback;
            if (metrics_) metrics_->write(rollback_json(rb));
            // The engine counts steps from 0; the plots and the log from 1.
            emit logLine(tr("step %1: rolled back to the state before step %2 (%3); learning rate now %4 times the setting")
                             .arg(rb.step + 1)
                             .arg(rb.to_step + 1)
                             .arg(qstr(rb.reason))
                             .arg(rb.lr_scale, 0, 'g', 3));
            emit rolledBack(static_cast<int>(rb.step + 1), static_cast<int>(rb.to_step + 1), qstr(rb.reason));
        }
        if (!done.checkpoint_written.empty())
            emit logLine(tr("checkpoint written: %1").arg(qstr(done.checkpoint_written)));
        if (!done.checkpoint_error.empty())
            emit logLine(tr("Warning: checkpoint not written: %1; training goes on and tries again at the next one")
                             .arg(qstr(done.checkpoint_error)));
        const bool clipped = r.first_order ? r.grad_clipped : r.result.clipped;
        clippedSteps_ += clipped ? 1 : 0;
        elapsed_ += r.seconds;
        StepMetrics m = step_metrics_of(r);  // with the method's own per-layer numbers
        m.total_steps = static_cast<int>(config_.steps);
        m.clip_rate = static_cast<double>(clippedSteps_) / doneSteps_;
        if (trainer.evaluation_due()) {
            const EvalRecord e = trainer.evaluate();
            if (metrics_) metrics_->write(eval_json(e));
            elapsed_ += e.seconds;
            m.has_val_loss = true;
            m.val_loss = e.val_loss;
            emit logLine(tr("step %1: validation loss %2%3")
                             .arg(e.step)
                             .arg(e.val_loss, 0, 'f', 4)
                             .arg(e.accuracy ? tr(", accuracy %1%").arg(*e.accuracy * 100, 0, 'f', 1) : QString()));
        }
        m.elapsed_seconds = elapsed_;
        emit stepFinished(m);
        publishMemory();
        if (trainer.finished()) {
            finishTraining(trainer.state().stopped_early ? tr("stopped early: the validation loss stopped improving")
                                                           : tr("finished"));
            return;
        }
        scheduleNextStep();
    } catch (const std::exception& e) {
        emit engineError(tr("Training step %1").arg(doneSteps_ + 1), QString::fromStdString(qt::error_message(e)));
        finishTraining(tr("stopped by an error"), false);
    }
}

void EngineWorker::pauseTraining() {
    if (state_ != TrainingState::Running) return;
    state_ = TrainingState::Paused;
    emit logLine(tr("paused after step %1").arg(doneSteps_));
    emit trainingStateChanged(state_);
}

void EngineWorker::resumeTraining() {
    if (state_ != TrainingState::Paused) return;
    state_ = TrainingState::Running;
    emit logLine(tr("resumed"));
    emit trainingStateChanged(state_);
    scheduleNextStep();
}

void EngineWorker::stopTraining() {
    if (state_ == TrainingState::Idle) return;
    finishTraining(tr("stopped"));
}

void EngineWorker::finishTraining(const QString& why, bool keepState) {
    // The session stays: its model is the "fine-tuned" side of Compare.
    state_ = TrainingState::Idle;
    stop_requested_.store(false);
    emit logLine(tr("training %1 after %2 steps").arg(why).arg(doneSteps_));
    // The state as the run leaves it, so that a stopped run can be resumed (and a
    // finished one is not offered again).
    const std::string checkpoint = session_ ? session_->checkpoint_path() : std::string();
    if (keepState && !checkpoint.empty()) {
        try {
            session_->save_checkpoint(checkpoint);
            emit logLine(tr("checkpoint written: %1").arg(qstr(checkpoint)));
        } catch (const std::exception& e) {
            emit logLine(tr("Warning: checkpoint not written: %1").arg(QString::fromStdString(qt::error_message(e))));
        }
    }
    metrics_.reset();
    emit trainingStateChanged(state_);
    emit trainingFinished(why);
    publishMemory();
}

LlamaModel& EngineWorker::baseModel() {
    if (!baseModel_) {
        baseBackend_ = make_cpu_backend();
        baseModel_ = LlamaModel::load(current().file, *baseBackend_);
    }
    return *baseModel_;
}

void EngineWorker::generateCompare(const CompareRequest& request) {
    if (!model_ && !session_) {
        emit engineError(tr("Comparing answers"), tr("Open a model first."));
        return;
    }
    emit busyChanged(true);
    try {
        SamplingParams sp;
        sp.max_new_tokens = request.max_new_tokens;
        sp.temperature = static_cast<float>(request.temperature);
        sp.top_k = request.top_k;
        sp.top_p = static_cast<float>(request.top_p);
        sp.seed = static_cast<uint64_t>(request.seed);
        validate(sp);
        LoadedModel& tuned = current();
        const std::vector<int32_t> prompt = tuned.encode_prompt(request.prompt.toStdString(), request.chat);
        for (CompareSide side : {CompareSide::Base, CompareSide::FineTuned}) {
            LlamaModel& m = side == CompareSide::Base ? baseModel() : *tuned.model;
            Utf8Assembler text;
            const GenerationStats st = generate(m, *tuned.tokenizer, prompt, sp, [&](int32_t, const std::string& piece) {
                const std::string whole = text.push(piece);
                if (!whole.empty()) emit compareText(side, QString::fromUtf8(whole));
                return !stop_requested_.load();
            });
            const std::string rest = text.flush();
            if (!rest.empty()) emit compareText(side, QString::fromUtf8(rest));
            emit compareFinished(side, tr("%1 tokens, %2 tokens/s").arg(st.generated_tokens).arg(st.decode_tokens_per_second(), 0, 'f', 1));
        }
    } catch (const std::exception& e) {
        emit engineError(tr("Comparing answers"), QString::fromStdString(qt::error_message(e)));
    }
    emit busyChanged(false);
}

void EngineWorker::findDevices() {
    QStringList ids, details;
    ids << QStringLiteral("cpu");
    details << cpu_description();
    std::string why;
    const int n = cuda_device_count(why);
    for (int i = 0; i < n; ++i) {
        const QString id = QStringLiteral("cuda:%1").arg(i);
        try {
            const auto b = make_cuda_backend(i);
            size_t free_bytes = 0, total_bytes = 0;
            if (cuda_memory_info(*b, free_bytes, total_bytes))
                details << tr("%1, %2 free of %3")
                               .arg(qstr(b->name()), format_bytes(static_cast<qint64>(free_bytes)),
                                    format_bytes(static_cast<qint64>(total_bytes)));
            else
                details << qstr(b->name());
        } catch (const std::exception& e) {
            details << tr("unusable: %1").arg(QString::fromStdString(qt::error_message(e)));
        }
        ids << id;
    }
    emit devicesFound(ids, details, n == 0 ? tr("No GPU: %1").arg(qstr(why)) : QString());
}

void EngineWorker::planMemory(const TrainConfig& config) {
    planConfig_ = config;
    const int maxTokens = config.max_length, batchSize = config.batch_size;
    if ((!model_ && !session_) || maxTokens < 2 || batchSize < 1) return;
    try {
        // As training on this device will run: side by side, with the tensor cores' scratch, on a GPU.
        const MemoryPlanShape shape = memory_plan_shape(config, backend_ ? backend_->preferred_batch_tokens() : 0);
        MemoryPlans out;
        out.max_tokens = maxTokens;
        out.batch_size = batchSize;
        for (const TrainingMemoryPlan& p : plan_training_memory(*current().file, shape)) {
            MethodMemoryPlan m;
            m.method = qstr(p.method);
            for (size_t i = 0; i < m.bytes.size(); ++i) m.bytes[i] = p.bytes[i];
            m.source = qstr(p.basis);
            // A row named after a registry method is that method as the engine plans it,
            // in its default form (variants such as plain GaLore are rows of their own):
            // its names for the categories are those of its default config.
            TrainConfig asPlanned;
            asPlanned.method = p.method;
            m.labels = memory_labels_of(asPlanned);
            out.plans << m;
        }
        emit plansReady(out);
    } catch (const std::exception& e) {
        emit engineError(tr("Planning memory"), QString::fromStdString(qt::error_message(e)));
    }
}

void EngineWorker::exportModel(const QString& path) {
    if (!session_ || state_ != TrainingState::Idle) {
        emit engineError(tr("Exporting the model"), tr("Train first, and wait until the run has ended."));
        return;
    }
    emit busyChanged(true);
    try {
        // QLoRA writes the merged, re-quantized model and the adapter alone, and says what rounding cost.
        const TrainingSession::ExportReport report = session_->export_gguf(path.toStdString());
        emit logLine(tr("fine-tuned model written to %1").arg(path));
        for (const std::string& file : report.files)
            if (qstr(file) != path) emit logLine(tr("also written: %1").arg(qstr(file)));
        for (const std::string& note : report.notes) emit logLine(tr("Note: %1").arg(qstr(note)));
    } catch (const std::exception& e) {
        emit engineError(tr("Exporting the model"), QString::fromStdString(qt::error_message(e)));
    }
    emit busyChanged(false);
}

void EngineWorker::cancelSparseMask(quint64 id) {
    // Raise the bar to `id`, never lower it (a late cancel of an older run must not revive this one's).
    quint64 was = mask_cancelled_up_to_.load();
    while (was < id && !mask_cancelled_up_to_.compare_exchange_weak(was, id)) {
    }
}

void EngineWorker::loadSparseMask(const QString& path) {
    const QString context = tr("Loading the mask");
    if (!model_ && !session_) {
        emit sparseMaskFailed(context, tr("Open a model first: a mask is checked against the model it is used with."),
                              false);
        return;
    }
    try {
        const SparseMask mask = load_sparse_mask(path.toStdString());
        // The trained model of a finished run has the opened model's identity and shapes.
        check_sparse_mask_fits(mask, *current().model, path.toStdString());
        const SparseMaskSummary s = sparse_mask_summary_of(mask, path);
        emit logLine(
            tr("Mask %1: %2 sensitive entries (%3%)").arg(path).arg(s.layout.entries).arg(100.0 * s.fraction, 0, 'g', 3));
        emit sparseMaskReady(s);
    } catch (const std::exception& e) {
        emit sparseMaskFailed(context, QString::fromStdString(qt::error_message(e)), false);
    }
}

void EngineWorker::computeSparseMask(const SparseMaskRequest& request) {
    const QString context = tr("Computing the mask");
    if (!model_ && !session_) {
        emit sparseMaskFailed(context, tr("Open a model first."), false);
        return;
    }
    if (state_ != TrainingState::Idle) {
        emit sparseMaskFailed(context, tr("Stop the training run before computing a mask."), false);
        return;
    }
    emit busyChanged(true);
    try {
        SensitivityOptions o;
        o.criterion = parse_sensitivity_criterion(request.criterion.toStdString());
        o.scope = parse_mask_scope(request.scope.toStdString());
        o.fraction = request.fraction;
        std::vector<Example> calibration;
        if (o.criterion == SensitivityCriterion::Gradient) {
            std::vector<std::string> files;
            for (const QString& f : request.files) files.push_back(f.toStdString());
            if (files.empty())
                throw std::invalid_argument(
                    tr("no calibration text: choose plain-text files, or run scripts/setup.sh, which puts Jane "
                       "Austen's novels in %1")
                        .arg(qstr(default_data_dir() + "/austen"))
                        .toStdString());
            CalibrationOptions cal;
            cal.sequences = request.sequences;
            cal.length = request.length;
            calibration = load_calibration_text(files, *current().tokenizer, cal);
            emit logLine(tr("Calibration: %1 windows of %2 tokens from %3 file(s)")
                             .arg(calibration.size())
                             .arg(cal.length)
                             .arg(files.size()));
        }
        // The weights as opened: after a run, the untouched copy (its own CPU backend) rather than the trained model.
        LlamaModel& model = model_ ? *model_->model : baseModel();
        const SparseMask mask = compute_sparse_mask(model, calibration, o, [&](const SensitivityProgress& p) {
            emit sparseMaskProgress({p.pass, p.passes, p.sequence, p.sequences});
            return request.id > mask_cancelled_up_to_.load();
        });
        const QString folder = QFileInfo(request.path).absolutePath();
        if (!QDir().mkpath(folder))
            throw std::runtime_error(tr("cannot create the folder %1").arg(folder).toStdString());
        save_sparse_mask(request.path.toStdString(), mask);
        const SparseMaskSummary s = sparse_mask_summary_of(mask, request.path);
        emit logLine(tr("Mask written to %1: %2 sensitive entries in %3 s")
                         .arg(request.path)
                         .arg(s.layout.entries)
                         .arg(s.seconds, 0, 'f', 1));
        emit sparseMaskReady(s);
    } catch (const SensitivityCancelled&) {
        emit sparseMaskFailed(context, tr("Cancelled: no mask was written."), true);
    } catch (const std::exception& e) {
        emit sparseMaskFailed(context, QString::fromStdString(qt::error_message(e)), false);
    }
    publishMemory();
    emit busyChanged(false);
}

}  // namespace qt::ui
