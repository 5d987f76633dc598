#include "train/training_session.h"

#include <stdexcept>

#include "data/dataset_split.h"
#include "train/fo_trainer.h"
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
        trainer_ = std::make_unique<FoTrainer>(*model_.model, *first_order_, config_, data_);
    } else {
        zo_ = method.make_zo(config_, *model_.model);
        trainer_ = std::make_unique<ZoTrainer>(*model_.model, *zo_, config_, data_);
    }
}

TrainingSession::~TrainingSession() {
    if (model_.model) model_.model->set_training_hooks(nullptr);
}

void TrainingSession::resume(const std::string& checkpoint_path) {
    const CheckpointInfo info = load_checkpoint(checkpoint_path, params());
    trainer_->set_state(info.state);
}

void TrainingSession::save_checkpoint(const std::string& path) {
    CheckpointInfo info;
    info.method = params().method_name();
    info.state = trainer_->state();
    info.config = config_;
    info.parameter_count = params().size();
    write_checkpoint(path, info, params());
}

void TrainingSession::export_gguf(const std::string& path) {
    export_trained_gguf(*model_.model, path, params().method_name());
}

}  // namespace qt
