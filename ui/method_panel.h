#pragma once
// The method page: QZO or MeZO and their hyperparameters, each with a tooltip in
// plain words, two presets, and validation by the engine's own rules
// (qt::validate(TrainConfig)) so that impossible values are named before Start.
#include <QWidget>

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

    QGroupBox* methodBox_;
    QComboBox* method_;
    QLabel* methodNote_;
    QPushButton* safeButton_;
    QPushButton* paperButton_;
    QGroupBox* paramBox_;
    QFormLayout* form_;
    QSpinBox* steps_;
    QSpinBox* batch_;
    QLineEdit* lr_;
    QLineEdit* eps_;
    QLineEdit* clip_;
    QComboBox* schedule_;
    QSpinBox* warmup_;
    QDoubleSpinBox* minLr_;
    QSpinBox* seed_;
    QSpinBox* maxLength_;
    QDoubleSpinBox* valFraction_;
    QSpinBox* evalEvery_;
    QSpinBox* evalExamples_;
    QSpinBox* patience_;
    QCheckBox* trainMin_;
    QCheckBox* relativeEps_;
    QLabel* validation_;
};

}  // namespace qt::ui
