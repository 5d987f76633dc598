#pragma once
// One fine-tuning run put together from a TrainConfig: the model opened with
// writable weights, the dataset read and split, the method's parameters (QZO
// scales or MeZO float weights), the trainer, checkpoints and export. The CLI
// and the GUI drive it step by step.
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "data/dataset.h"
#include "methods/first_order_method.h"
#include "methods/zo_parameters.h"
#include "model/loaded_model.h"
#include "train/checkpoint.h"
#include "train/divergence_guard.h"
#include "train/state_copy.h"
#include "train/first_order_checkpoint.h"
#include "train/train_config.h"
#include "train/trainer.h"

namespace qt {

class SparseZo;

// Opens a GGUF with its tokenizer and chat template like LoadedModel::open, with
// the weights in writable backend memory (training).
LoadedModel open_model_for_training(const std::string& path, Backend& backend);

// Reads `config.data` through data/ (chat template applied where the model has
// one, loss on completions) and splits it with the config's seed and fraction.
TrainData load_train_data(const TrainConfig& config, const LoadedModel& model, DatasetStats* stats = nullptr);

// The trained state of a zeroth-order method (train/training_methods.h); throws for a first-order one.
std::unique_ptr<ZoParameters> make_zo_parameters(const TrainConfig& config, LlamaModel& model);

// Where export_gguf puts a sparse-ZO run's exact values: "run/model.gguf" -> "run/model.sparse.qtsparse".
std::string sparse_side_path(const std::string& model_path);

// Where export_gguf puts a QLoRA run's adapter: "run/model.gguf" -> "run/model.lora.gguf".
std::string lora_adapter_path(const std::string& model_path);

// The run was stopped by the guard: guard_max_rollbacks rollbacks in a row. The
// session holds the last state that passed; the message says what to change.
struct TrainingDiverged : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// One step as the session ran it (TrainingSession::step).
struct SessionStep {
    StepRecord record;
    std::optional<RollbackEvent> rollback;
    std::string checkpoint_written;  // the path, when this step's end wrote a checkpoint
    std::string checkpoint_error;    // a checkpoint that could not be written (the old one stays)
};

class TrainingSession {
public:
    TrainingSession(const TrainConfig& config, Backend& backend);
    ~TrainingSession();
    TrainingSession(const TrainingSession&) = delete;
    TrainingSession& operator=(const TrainingSession&) = delete;

    // The config as the session runs it (auto_eps_unit may have made QZO relative: choose_eps_unit).
    const TrainConfig& config() const { return config_; }
    LoadedModel& model() { return model_; }
    // What the method trains (QZO's scales, MeZO's weights, LoRA's adapters, ...).
    TrainableState& params() { return zo_ ? static_cast<TrainableState&>(*zo_) : *first_order_; }
    // The first-order method, or nullptr for a zeroth-order one.
    FirstOrderMethod* first_order_method() { return first_order_.get(); }
    Trainer& trainer() { return *trainer_; }
    const DatasetStats& data_stats() const { return stats_; }
    const TrainData& data() const { return data_; }

    void resume(const std::string& checkpoint_path);
    // The state as it stands now (the end of a run); refuses non-finite values.
    void save_checkpoint(const std::string& path);
    // config.out_dir + "/checkpoint.qtck", or "" without an out_dir.
    std::string checkpoint_path() const;

    // One training step under the divergence guard, with the checkpoints that
    // config.checkpoint_every / checkpoint_minutes ask for. A step the guard rejects
    // restores the copy of the state taken before it (at most guard_snapshot_every
    // steps back) and lowers the learning rate; after guard_max_rollbacks in a row
    // it throws TrainingDiverged. In-run checkpoints hold a state that passed the
    // guard: the copy taken before a step, written once that step has passed.
    // Without the guard, a non-finite loss throws.
    SessionStep step();
    // What to tell the user before the first step: the method's notes and warnings
    // (ZoParameters::startup_messages), the perturbation unit chosen for QZO, and
    // the guard's (e.g. why its copies are off). The CLI prints them, the GUI logs them.
    const std::vector<StartupMessage>& messages() const { return messages_; }

    // Writes the trained model to `path` (GGUF, atomically) and says what was
    // written. QZO and MeZO/AdamW: the model as trained (train/gguf_export.h).
    // QLoRA: the adapters merged into the base and re-quantized to each tensor's
    // type (train/merged_export.h), and beside it the adapter alone as a LoRA GGUF
    // that llama.cpp loads with the base file (PATH minus ".gguf" + ".lora.gguf").
    // Sparse ZO: S merged into its linears by re-quantization, and S exactly in a
    // side file (sparse_side_path) that generate and eval load beside the base.
    struct ExportReport {
        std::vector<std::string> files;
        // One line each: what the re-quantization cost (QLoRA), for the user.
        std::vector<std::string> notes;
    };
    ExportReport export_gguf(const std::string& path);

private:
    ExportReport export_trained_weights(const std::string& path);  // full-parameter methods (Q-GaLore)
    // Sparse ZO: S merged by re-quantization, and exactly as a side file (with trained
    // scales, beside the model as trained without S: PATH minus .gguf + .scales.gguf).
    ExportReport export_sparse(const SparseZo& sparse, const std::string& path);

    TrainConfig config_;
    LoadedModel model_;
    DatasetStats stats_;
    TrainData data_;
    std::unique_ptr<ZoParameters> zo_;
    std::unique_ptr<FirstOrderMethod> first_order_;
    std::unique_ptr<Trainer> trainer_;
    // What checkpoints hold for a first-order method: its values and AdamW's moments.
    std::unique_ptr<FirstOrderCheckpointState> first_order_checkpoint_;
    GuardSettings guard_;
    bool copies_on_ = false;  // the guard keeps state copies (off when they would not fit in host memory)
    std::unique_ptr<StateCopy> good_;    // the last state that passed
    std::unique_ptr<StateCopy> staged_;  // taken before this step; passes with it
    bool checkpoint_staged_ = false;     // the staged copy is to be written once it passes
    std::chrono::steady_clock::time_point last_checkpoint_;
    std::vector<StartupMessage> messages_;
    // config.auto_eps_unit: the relative unit where the absolute eps would wreck some
    // weight's scales (K-quant files) and eps, lr and clip are at their absolute defaults.
    void choose_eps_unit();
    // The header of a checkpoint of the method's state at `state`.
    CheckpointInfo checkpoint_info(const TrainerState& state);
    // An in-run checkpoint of `values` (a copy that passed, or the state itself) at
    // `state`; a failed write is out.checkpoint_error, or throws as on_write_error says.
    void write_run_checkpoint(TrainableState& values, const TrainerState& state, SessionStep& out);
    TrainableState& checkpoint_state() {
        return first_order_checkpoint_ ? static_cast<TrainableState&>(*first_order_checkpoint_) : params();
    }
};

}  // namespace qt
