#pragma once
// The method page: the engine's training methods (train/training_methods.h) and
// their hyperparameters, each with a tooltip in plain words, two presets, and
// validation by the engine's own rules (qt::validate(TrainConfig)) so that
// impossible values are named before Start. Settings shared by every method sit
// on the left; on the right, those of the chosen method's kind: zeroth-order
// (perturbation, clipping) or first-order (LoRA, AdamW, gradient clipping), and
// below them the method's own settings, one field for each entry of its registry
// row (TrainingMethodInfo::settings), read and written through TrainConfig's JSON
// keys: a method added to the engine brings its fields without code here.
// Sparse ZO's mask file, which is no number or switch, has a box of its own
// (sparse_mask_panel.h). Below the shared settings, "Safety": how often a run
// writes its checkpoint and the divergence guard (train/divergence_guard.h).
#include <QList>
#include <QWidget>
#include <string>
#include <vector>

#include "train/method_settings.h"
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

class SparseMaskPanel;

class MethodPanel : public QWidget {
    Q_OBJECT
public:
    explicit MethodPanel(QWidget* parent = nullptr);

    // The method and hyperparameter fields of a TrainConfig (model and data paths
    // are the other pages'); `error` receives why the values are impossible.
    bool readConfig(TrainConfig& config, QString* error = nullptr) const;
    void setConfig(const TrainConfig& config);
    QString validationMessage() const;

    // The field of the method's own setting `key` (a TrainConfig JSON key), or nullptr.
    QWidget* settingField(const std::string& method, const std::string& key) const;
    // Sparse ZO's mask box (TrainConfig::sparse_mask), shown while that method is chosen.
    SparseMaskPanel* sparseMaskPanel() const { return sparseMask_; }

    // The GUI writes a checkpoint every this many steps unless a config asks for
    // another number (TrainConfig::checkpoint_every; 0 there means "not set" here),
    // and every this many minutes (Safe defaults).
    static constexpr int kDefaultCheckpointEvery = 50;
    static constexpr double kDefaultCheckpointMinutes = 5;

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
    void buildMethodSettings();
    // Every method's own fields into `c` (the chosen method's last, should two share a key).
    bool readMethodSettings(TrainConfig& c, QString* error) const;
    void setMethodSettings(const TrainConfig& c);
    // A field whose MethodSetting::needs is off is disabled.
    void enableMethodSettings();

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

    // Checkpoints and the divergence guard.
    QGroupBox* safetyBox_;
    QSpinBox* checkpointEvery_;
    QDoubleSpinBox* checkpointMinutes_;
    QCheckBox* guard_;
    QDoubleSpinBox* spikeFactor_;
    QDoubleSpinBox* guardLrFactor_;
    QSpinBox* maxRollbacks_;
    // The guard's and the checkpoints' settings not shown: kept from the last setConfig.
    double guardDriftFactor_ = TrainConfig{}.guard_drift_factor;
    int64_t guardWarmup_ = TrainConfig{}.guard_warmup;
    int64_t guardSnapshotEvery_ = TrainConfig{}.guard_snapshot_every;
    std::string onWriteError_ = TrainConfig{}.on_write_error;

    // Zeroth-order methods.
    QGroupBox* zoBox_;
    QLineEdit* eps_;
    QLineEdit* clip_;
    QCheckBox* trainMin_;
    QCheckBox* relativeEps_;
    QCheckBox* autoEpsUnit_;  // TrainConfig::auto_eps_unit

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

    // Each method's own settings (TrainingMethodInfo::settings), in a box per method
    // that has any; only the chosen method's box is shown.
    struct SettingField {
        std::string method;
        const MethodSetting* setting;
        QWidget* field;  // QSpinBox, QDoubleSpinBox or QCheckBox, by setting->kind
    };
    std::vector<std::pair<std::string, QGroupBox*>> settingBoxes_;
    QList<SettingField> settingFields_;

    SparseMaskPanel* sparseMask_;

    QLabel* validation_;
};

}  // namespace qt::ui
