#include "train/training_session.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <stdexcept>

#include "data/dataset_split.h"
#include "methods/lora_adapters.h"
#include "methods/sparse_zo.h"
#include "quant/dequantize.h"
#include "train/fo_trainer.h"
#include "train/lora_gguf_export.h"
#include "train/merged_export.h"
#include "train/gguf_export.h"
#include "train/training_methods.h"
#include "train/zo_trainer.h"

namespace qt {

LoadedModel open_model_for_training(const std::string& path, Backend& backend) {
    LoadedModel m;
    m.file = std::shared_ptr<const GgufFile>(GgufFile::open(path));
    LlamaLoadOptions options;
    options.writable_weights = true;
    m.model = LlamaModel::load(m.file, backend, options);
    m.tokenizer = Tokenizer::from_gguf(*m.file);
    if (m.tokenizer->vocab_size() != m.model->config().vocab_size)
        m.file->fail("tokenizer", "vocabulary has " + std::to_string(m.tokenizer->vocab_size()) +
                                      " tokens but the embedding has " + std::to_string(m.model->config().vocab_size) +
                                      " rows");
    try {
        m.chat_template = ChatTemplate::from_gguf(*m.file);
    } catch (const std::exception& e) {
        m.chat_template_error = e.what();
    }
    return m;
}

TrainData load_train_data(const TrainConfig& config, const LoadedModel& model, DatasetStats* stats) {
    DatasetOptions options;
    options.max_length = static_cast<size_t>(config.max_length);
    Dataset ds = load_dataset(config.data, *model.tokenizer, model.chat_template ? &*model.chat_template : nullptr,
                              options);
    SplitOptions so;
    so.validation_fraction = config.validation_fraction;
    so.seed = config.seed;
    const DatasetSplit split = split_dataset(ds.examples.size(), so);
    TrainData d;
    for (size_t i : split.train) d.train.push_back(std::move(ds.examples[i]));
    for (size_t i : split.validation) d.validation.push_back(std::move(ds.examples[i]));
    if (stats) *stats = std::move(ds.stats);
    return d;
}

std::unique_ptr<ZoParameters> make_zo_parameters(const TrainConfig& config, LlamaModel& model) {
    const TrainingMethodInfo& m = training_method(config.method);
    if (!m.make_zo) throw std::invalid_argument("method \"" + config.method + "\" is not a zeroth-order method");
    return m.make_zo(config, model);
}

TrainingSession::TrainingSession(const TrainConfig& config, Backend& backend) : config_(config) {
    validate(config_);
    const TrainingMethodInfo& method = training_method(config_.method);
    model_ = open_model_for_training(config_.model, backend);
    data_ = load_train_data(config_, model_, &stats_);
    if (method.first_order) {
        first_order_ = method.make_first_order(config_, *model_.model);
        model_.model->set_training_hooks(first_order_.get());
        auto fo = std::make_unique<FoTrainer>(*model_.model, *first_order_, config_, data_);
        first_order_checkpoint_ = std::make_unique<FirstOrderCheckpointState>(*first_order_, fo->optimizer());
        trainer_ = std::move(fo);
    } else {
        zo_ = method.make_zo(config_, *model_.model);
        if (config_.auto_eps_unit) choose_eps_unit();
        for (StartupMessage& m : zo_->startup_messages(config_.eps)) messages_.push_back(std::move(m));
        if (zo_->relative_eps()) {
            char text[256];
            std::snprintf(text, sizeof text,
                          "relative perturbation: eps %g, lr %g and clip %g in units of each weight's median |scale|",
                          config_.eps, config_.lr, config_.clip);
            messages_.push_back({false, text});
        }
        trainer_ = std::make_unique<ZoTrainer>(*model_.model, *zo_, config_, data_);
    }
    guard_ = guard_settings(config_);
    last_checkpoint_ = std::chrono::steady_clock::now();
    if (guard_.enabled) {
        // Two float32 copies of the checkpoint state; not where they would take more
        // than a quarter of the machine's memory (full fine-tuning of a large model).
        const double copy_bytes = 2.0 * 4.0 * static_cast<double>(checkpoint_state().size());
        const double host_bytes = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
        copies_on_ = host_bytes <= 0 || copy_bytes <= 0.25 * host_bytes;
        if (copies_on_) {
            good_ = std::make_unique<StateCopy>(params().method_name(), model_.model->backend().ledger());
            staged_ = std::make_unique<StateCopy>(params().method_name(), model_.model->backend().ledger());
        } else {
            char text[256];
            std::snprintf(text, sizeof text,
                          "divergence guard: its two copies of the training state (%.1f GiB) would not fit in a quarter "
                          "of this machine's memory, so a rejected step lowers the learning rate without a rollback",
                          copy_bytes / (1 << 30));
            messages_.push_back({false, text});
        }
    }
}

void TrainingSession::choose_eps_unit() {
    if (zo_->relative_eps()) return;
    const ZoStepDefaults& d = kAbsoluteQzoDefaults;
    // Steps the user set stay as given (with the warnings): they were meant as absolute.
    if (config_.eps != d.eps || config_.lr != d.lr || config_.clip != d.clip) return;
    const std::vector<std::string> over = zo_->eps_warnings(config_.eps);
    if (over.empty()) return;
    zo_->use_relative_eps();
    use_relative_eps(config_);
    messages_.push_back({false, "this model's block scales are too small for an absolute perturbation: " +
                                    std::to_string(over.size()) + " weight(s) would move by more than 10% of their "
                                    "scales at the default eps (worst: " + over.front() +
                                    "), so QZO perturbs and updates each weight in units of its own median scale "
                                    "(relative eps; K-quant super-block scales are 10 to 300 times smaller than "
                                    "Q4_1's)"});
}

TrainingSession::~TrainingSession() {
    if (model_.model) model_.model->set_training_hooks(nullptr);
}

void TrainingSession::resume(const std::string& checkpoint_path) {
    const CheckpointInfo info = load_checkpoint(checkpoint_path, checkpoint_state());
    trainer_->set_state(info.state);
    if (good_) good_->capture(checkpoint_state(), trainer_->state());  // the checkpoint passed the guard
    last_checkpoint_ = std::chrono::steady_clock::now();
}

std::string TrainingSession::checkpoint_path() const {
    return config_.out_dir.empty() ? std::string() : config_.out_dir + "/checkpoint.qtck";
}

CheckpointInfo TrainingSession::checkpoint_info(const TrainerState& state) {
    CheckpointInfo info;
    info.method = params().method_name();
    info.state = state;
    info.config = config_;
    info.parameter_count = checkpoint_state().size();
    return info;
}

void TrainingSession::write_run_checkpoint(TrainableState& values, const TrainerState& state, SessionStep& out) {
    const std::string path = checkpoint_path();
    last_checkpoint_ = std::chrono::steady_clock::now();
    try {
        std::filesystem::create_directories(config_.out_dir);
        write_checkpoint(path, checkpoint_info(state), values);
        out.checkpoint_written = path;
    } catch (const std::exception& e) {
        if (config_.on_write_error == "stop")
            throw std::runtime_error(std::string(e.what()) +
                                     " (the run stops, as on_write_error asks; the previous checkpoint is intact)");
        out.checkpoint_error = e.what();
    }
}

SessionStep TrainingSession::step() {
    SessionStep out;
    const TrainerState before = trainer_->state();
    const int64_t t = before.next_step;
    const bool can_checkpoint = !config_.out_dir.empty();
    const bool checkpoint_due =
        can_checkpoint && t > 0 &&
        ((config_.checkpoint_every > 0 && t % config_.checkpoint_every == 0) ||
         (config_.checkpoint_minutes > 0 &&
          std::chrono::steady_clock::now() - last_checkpoint_ >=
              std::chrono::duration<double>(config_.checkpoint_minutes * 60.0)));
    if (copies_on_) {
        // The state the run started from (the file, or a checkpoint) is trusted.
        if (!good_->holds()) good_->capture(checkpoint_state(), before);
        checkpoint_staged_ = false;
        if (good_->trainer_state().next_step != t && (t % guard_.snapshot_every == 0 || checkpoint_due)) {
            staged_->capture(checkpoint_state(), before);
            checkpoint_staged_ = checkpoint_due;
        }
    } else if (checkpoint_due) {
        // No copies to verify against (they would not fit): the state as it stands,
        // written from where it lives (finite, or the write refuses it).
        write_run_checkpoint(checkpoint_state(), before, out);
    }

    out.record = trainer_->step();
    const StepRecord& r = out.record;
    if (!guard_.enabled) {
        if (r.non_finite)
            throw std::runtime_error("step " + std::to_string(r.step) + ": the loss is not finite (" +
                                     std::to_string(r.loss) + "); lower the learning rate, or turn the divergence guard on");
        return out;
    }
    const GuardVerdict verdict = judge_step(r, before, guard_);
    TrainerState after = trainer_->state();
    if (!verdict.reject) {
        accept_loss(after, r.loss, guard_);
        if (copies_on_ && staged_->holds() && staged_->trainer_state().next_step == t) {
            good_->swap(*staged_);  // the state before this step passed
            after.rollbacks_in_a_row = 0;
            if (checkpoint_staged_) write_run_checkpoint(*good_, good_->trainer_state(), out);
        }
        trainer_->set_state(after);
        return out;
    }
    // Rejected: back to the last state that passed, with a lower learning rate, and
    // with the running average it had then (the losses since led here; the lows stay).
    if (copies_on_) {
        good_->restore_into(checkpoint_state());
        after.loss_average = good_->trainer_state().loss_average;
        after.losses_seen = good_->trainer_state().losses_seen;
    }
    after.lr_scale *= guard_.lr_factor;
    ++after.rollbacks;
    ++after.rollbacks_in_a_row;
    trainer_->set_state(after);
    RollbackEvent ev;
    ev.step = r.step;
    ev.to_step = copies_on_ ? good_->trainer_state().next_step : r.step;
    ev.reason = verdict.reason;
    ev.lr_scale = after.lr_scale;
    ev.in_a_row = after.rollbacks_in_a_row;
    out.rollback = ev;
    if (after.rollbacks_in_a_row > guard_.max_rollbacks) {
        char text[512];
        std::snprintf(text, sizeof text,
                      "training diverged: %lld rollbacks in a row (the last at step %lld: %s); the state of step %lld "
                      "is kept. Lower the learning rate (now %g x the setting) or, for QZO on K-quant or Q8_0 "
                      "weights, turn on relative eps",
                      static_cast<long long>(after.rollbacks_in_a_row), static_cast<long long>(r.step + 1),
                      verdict.reason.c_str(), static_cast<long long>(ev.to_step), after.lr_scale);
        throw TrainingDiverged(text);
    }
    return out;
}

void TrainingSession::save_checkpoint(const std::string& path) {
    write_checkpoint(path, checkpoint_info(trainer_->state()), checkpoint_state());
}

namespace {

// "run/model.gguf" -> "run/model": what the files written beside an export are named after.
std::string gguf_stem(const std::string& path) {
    return path.size() > 5 && path.ends_with(".gguf") ? path.substr(0, path.size() - 5) : path;
}

}  // namespace

std::string lora_adapter_path(const std::string& model_path) {
    return gguf_stem(model_path) + ".lora.gguf";
}

namespace {

// What re-quantizing the written weights costs, summed over the changed tensors, as
// lines for the user; returns the share of the update kept.
double add_requant_notes(const std::vector<RequantReport>& cost, const char* what, std::vector<std::string>& notes) {
    double update = 0, error = 0, kept = 0;
    int fell_back = 0;
    const RequantReport* worst = nullptr;
    for (const RequantReport& r : cost) {
        const double u2 = r.rms_update * r.rms_update;
        update += u2;
        error += r.rms_requant_error * r.rms_requant_error;
        kept += r.update_kept * u2;  // weighted by each tensor's share of the update
        fell_back += r.fell_back_to_q8_0;
        if (!worst || r.update_kept < worst->update_kept) worst = &r;
    }
    kept = update > 0 ? kept / update : 1.0;
    char line[512];
    std::snprintf(line, sizeof line,
                  "re-quantization keeps %.0f%% of %s (update RMS %.3g, rounding error RMS %.3g, over %zu tensors)",
                  100.0 * kept, what, std::sqrt(update / cost.size()), std::sqrt(error / cost.size()), cost.size());
    notes.push_back(line);
    if (worst) {
        std::snprintf(line, sizeof line, "least kept: %s, %.0f%% of its update", worst->tensor.c_str(),
                      100.0 * worst->update_kept);
        notes.push_back(line);
    }
    if (fell_back > 0)
        notes.push_back(std::to_string(fell_back) +
                        " K-quant tensor(s) were written as Q8_0 (the engine cannot quantize K-quants)");
    return kept;
}

}  // namespace

TrainingSession::ExportReport TrainingSession::export_trained_weights(const std::string& path) {
    ExportReport report;
    std::vector<TrainedTensor> tensors;
    for (const LinearId id : first_order_->trained_linears()) {
        // A fused tensor's part (Phi-3) is written back at its rows of the file's tensor.
        const LinearSource src = model_.model->linear_source(id);
        const int64_t rows = model_.model->linear(id).rows;
        tensors.push_back({src.tensor, [this, id] { return first_order_->trained_values(id); }, src.first_row, rows});
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<RequantReport> cost =
        export_trained_weights_gguf(*model_.file, path, tensors, merge_type_of(config_.merge_type));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.files.push_back(path);
    const double kept = add_requant_notes(cost, "the training's update", report.notes);
    char line[256];
    std::snprintf(line, sizeof line, "written as %s in %.1f s", config_.merge_type == "same" ? "each tensor's own type"
                                                                                              : config_.merge_type.c_str(),
                  seconds);
    report.notes.push_back(line);
    if (kept < 0.5)
        report.notes.push_back("most of the training is lost to rounding in this type; export with --merge-type q8_0");
    return report;
}

std::string sparse_side_path(const std::string& model_path) {
    return gguf_stem(model_path) + ".sparse.qtsparse";
}

TrainingSession::ExportReport TrainingSession::export_sparse(const SparseZo& sparse, const std::string& path) {
    ExportReport report;
    // What S is added to: the loaded file, or with trained scales the model's blocks as trained, written first.
    std::shared_ptr<const GgufFile> base = model_.file;
    std::string base_path = config_.model;
    if (sparse.scales()) {
        base_path = gguf_stem(path) + ".scales.gguf";
        export_trained_gguf(*model_.model, base_path, params().method_name());
        base = std::shared_ptr<const GgufFile>(GgufFile::open(base_path));
        report.files.push_back(base_path);
    }
    SparseMask trained = sparse.trained_mask();
    trained.details["base"] = base_path;
    std::vector<TrainedTensor> tensors;
    for (const SparseMaskMatrix& m : trained.matrices) {
        // m.tensor names the linear; a fused tensor's part (Phi-3) lies at its rows of the file's tensor.
        const LinearSource src = model_.model->linear_source(m.tensor);
        tensors.push_back({src.tensor,
                           [&base, &m, src] {
                               const GgufTensorInfo& t = base->tensor(src.tensor);
                               std::vector<float> w(static_cast<size_t>(m.rows * m.cols));
                               dequantize_row(t.type, t.data + ggml_row_size(t.type, m.cols) * static_cast<size_t>(src.first_row),
                                              w.data(), m.rows * m.cols);
                               for (size_t j = 0; j < m.index.size(); ++j) w[m.index[j]] += m.values[j];
                               return w;
                           },
                           src.first_row, m.rows});
    }
    const std::vector<RequantReport> cost =
        export_trained_weights_gguf(*base, path, tensors, merge_type_of(config_.merge_type));
    report.files.push_back(path);
    const std::string side = sparse_side_path(path);
    save_sparse_mask(side, trained);
    report.files.push_back(side);
    const double kept = add_requant_notes(cost, "the sparse values' update", report.notes);
    if (kept < 0.5)
        report.notes.push_back("the merged file loses most of the training to rounding; the side file keeps it exactly");
    report.notes.push_back("the training exactly: " + base_path + " with the side file " + side +
                           " (quanttune-cli generate/eval --sparse FILE)");
    return report;
}

TrainingSession::ExportReport TrainingSession::export_gguf(const std::string& path) {
    // No diverged value reaches an exported file (the previous export, if any, stays).
    {
        TrainableState& state = params();
        std::vector<float> chunk(1 << 20);
        for (int64_t at = 0; at < state.size(); at += static_cast<int64_t>(chunk.size())) {
            const int64_t n = std::min<int64_t>(static_cast<int64_t>(chunk.size()), state.size() - at);
            state.read(at, n, chunk.data());
            for (int64_t i = 0; i < n; ++i)
                if (!std::isfinite(chunk[static_cast<size_t>(i)]))
                    throw std::runtime_error(path + ": not exported: trained value " + std::to_string(at + i) +
                                             " is not finite");
        }
    }
    ExportReport report;
    const auto* lora = dynamic_cast<const LoraAdapters*>(first_order_.get());
    if (first_order_ && !first_order_->trained_linears().empty()) return export_trained_weights(path);
    if (const auto* sparse = dynamic_cast<const SparseZo*>(zo_.get())) return export_sparse(*sparse, path);
    if (!lora) {
        export_trained_gguf(*model_.model, path, params().method_name());
        report.files.push_back(path);
        return report;
    }
    const std::vector<LoraAdapters::HostAdapter> adapters = lora->download();
    const int rank = lora->settings().rank;
    const auto alpha = static_cast<float>(lora->settings().alpha);
    std::vector<LoraTensorExport> tensors;
    std::vector<LoraMergeInput> merge;
    for (const auto& a : adapters) {
        // An adapter of a fused tensor's part (Phi-3's q, k, v; gate, up) adapts its rows of the file's tensor.
        const LinearSource src = model_.model->linear_source(a.base_name);
        const bool part = src.tensor != a.base_name;
        tensors.push_back({src.tensor, a.in, a.out, a.a, a.b, part, src.first_row});
        merge.push_back({src.tensor, a.in, a.out, a.a.data(), a.b.data(), part, src.first_row});
    }
    const std::vector<RequantReport> cost =
        export_merged_gguf(*model_.file, path, rank, alpha, merge, merge_type_of(config_.merge_type));
    report.files.push_back(path);
    const std::string adapter_path = lora_adapter_path(path);
    export_lora_gguf(adapter_path, *model_.file, rank, alpha, tensors);
    report.files.push_back(adapter_path);
    const double kept = add_requant_notes(cost, "the adapters' update", report.notes);
    if (kept < 0.5)
        report.notes.push_back("the merged file loses most of the training to rounding (the update is "
                               "smaller than the blocks' quantization step); use the adapter file with the base "
                               "model, or merge into a finer type (merge_type q8_0: --merge-type q8_0)");
    report.notes.push_back("the adapter alone, exact, for llama.cpp's --lora with the base file: " + adapter_path);
    return report;
}

}  // namespace qt
