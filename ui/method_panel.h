#pragma once
// The method page: the engine's training methods (train/training_methods.h) and
// their hyperparameters, each with a tooltip in plain words, two presets, and
// validation by the engine's own rules (qt::validate(TrainConfig)) so that
// impossible values are named before Start. Settings shared by every method sit
// on the left; on the right, those of the chosen method's kind: zeroth-order
// (perturbation, clipping) or first-order (LoRA, AdamW, gradient clipping).
#include <QWidget>
#include <string>

#include "train/train_config.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace qt::ui {

class MethodPanel : public QWidget {
    Q_OBJECT
public:
    explicit MethodPanel(QWidget* parent = nullptr);

    // The method and hyperparameter fields of a TrainConfig (model and data paths
    // are the other pages'); `error` receives why the values are impossible.
    bool readConfig(TrainConfig& config, QString* error = nullptr) const;
    void setConfig(const TrainConfig& config);
    QString validationMessage() const;

    void applySafeDefaults();
    void applyPaperSettings();

signals:
    void changed();

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void revalidate();
    void switchStepUnits(bool relative);
    void methodChosen();
    void showMethodSettings();
    std::string methodName() const;
    QString loraTargets() const;
    void setLoraTargets(const std::string& list);
    // The published settings of the chosen method, where the page knows them.
    bool paperSettings(TrainConfig& c) const;

    QGroupBox* methodBox_;
    QComboBox* method_;
    QLabel* methodNote_;
    QPushButton* safeButton_;
    QPushButton* paperButton_;
    std::string shownMethod_;  // the method whose defaults the fields were filled for

    // Every method.
    QGroupBox* paramBox_;
    QSpinBox* steps_;
    QSpinBox* batch_;
    QLineEdit* lr_;
    QComboBox* schedule_;
    QSpinBox* warmup_;
    QDoubleSpinBox* minLr_;
    QSpinBox* seed_;
    QSpinBox* maxLength_;
    QDoubleSpinBox* valFraction_;
    QSpinBox* evalEvery_;
    QSpinBox* evalExamples_;
    QSpinBox* patience_;

    // Zeroth-order methods.
    QGroupBox* zoBox_;
    QLineEdit* eps_;
    QLineEdit* clip_;
    QCheckBox* trainMin_;
    QCheckBox* relativeEps_;

    // First-order methods.
    QGroupBox* foBox_;
    QSpinBox* loraRank_;
    QLineEdit* loraAlpha_;
    QWidget* loraTargetsBox_;
    QList<QCheckBox*> loraTargetChecks_;
    QLabel* otherTargets_;
    QStringList otherTargetNames_;  // names a config gave that have no box here (kept as they are)
    QLineEdit* weightDecay_;
    QLineEdit* maxGradNorm_;
    QCheckBox* checkpointing_;
    // AdamW's moments, not shown: kept from the last setConfig.
    double adamBeta1_ = TrainConfig{}.adam_beta1;
    double adamBeta2_ = TrainConfig{}.adam_beta2;
    double adamEps_ = TrainConfig{}.adam_eps;

    QLabel* validation_;
};

}  // namespace qt::ui
