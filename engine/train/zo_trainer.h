#pragma once
// The step of a zeroth-order method (QZO, MeZO): the SPSA step of methods/zo_step.h
// on the mini-batch's loss, inside the shared loop of train/trainer.h.
#include "methods/zo_parameters.h"
#include "train/trainer.h"

namespace qt {

class ZoTrainer final : public Trainer {
public:
    // `model` computes with `params`; data must outlive the trainer.
    ZoTrainer(LlamaModel& model, ZoParameters& params, const TrainConfig& config, const TrainData& data);
    StepRecord step() override;

private:
    ZoParameters& params_;
};

}  // namespace qt
