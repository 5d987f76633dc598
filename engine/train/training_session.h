#pragma once
// One fine-tuning run put together from a TrainConfig: the model opened with
// writable weights, the dataset read and split, the method's parameters (QZO
// scales or MeZO float weights), the trainer, checkpoints and export. The CLI
// and the GUI drive it step by step.
#include <memory>
#include <string>

#include "backend/backend.h"
#include "data/dataset.h"
#include "methods/zo_parameters.h"
#include "model/loaded_model.h"
#include "train/checkpoint.h"
#include "train/train_config.h"
#include "train/zo_trainer.h"

namespace qt {

// Opens a GGUF with its tokenizer and chat template like LoadedModel::open, with
// the weights in writable backend memory (training).
LoadedModel open_model_for_training(const std::string& path, Backend& backend);

// Reads `config.data` through data/ (chat template applied where the model has
// one, loss on completions) and splits it with the config's seed and fraction.
TrainData load_train_data(const TrainConfig& config, const LoadedModel& model, DatasetStats* stats = nullptr);

std::unique_ptr<ZoParameters> make_zo_parameters(const TrainConfig& config, LlamaModel& model);

class TrainingSession {
public:
    TrainingSession(const TrainConfig& config, Backend& backend);

    const TrainConfig& config() const { return config_; }
    LoadedModel& model() { return model_; }
    ZoParameters& params() { return *params_; }
    ZoTrainer& trainer() { return *trainer_; }
    const DatasetStats& data_stats() const { return stats_; }
    const TrainData& data() const { return data_; }

    void resume(const std::string& checkpoint_path);
    void save_checkpoint(const std::string& path);
    void export_gguf(const std::string& path);

private:
    TrainConfig config_;
    LoadedModel model_;
    DatasetStats stats_;
    TrainData data_;
    std::unique_ptr<ZoParameters> params_;
    std::unique_ptr<ZoTrainer> trainer_;
};

}  // namespace qt
