#pragma once
// The settings of a sparse ZO mask computation (methods/sensitivity.h): the share
// of weights to keep, over all linears or per matrix, by which criterion (squared
// gradients, or the paper's baselines: weight magnitude, random), the calibration
// text and windows, and the file to save to. It only collects them: the engine
// worker computes, the Method page shows the progress.
#include <QDialog>

#include "engine_events.h"

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace qt::ui {

// The words for a mask's criterion and scope (the engine's names: "gradient",
// "per-matrix" ...), as the dialog offers them; the name itself for one it does not know.
QString mask_criterion_text(const QString& criterion);
QString mask_scope_text(const QString& scope);

class SparseMaskDialog : public QDialog {
    Q_OBJECT
public:
    // `modelPath`: the open model's file, whose name the default mask file takes.
    explicit SparseMaskDialog(const QString& modelPath, QWidget* parent = nullptr);

    SparseMaskRequest request() const;
    void setCalibrationFiles(const QStringList& files);
    // Why OK is off ("" when the settings can be computed).
    QString problem() const;

    // <default_data_dir()>/masks/<model file stem>.<criterion>.<fraction>.qtsparse
    static QString defaultMaskPath(const QString& modelPath, const QString& criterion, double fraction);

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void refresh();
    void chooseFiles();
    void choosePath();

    QString modelPath_;
    QFormLayout* form_;
    QDoubleSpinBox* fraction_;
    QComboBox* scope_;
    QComboBox* criterion_;
    QSpinBox* sequences_;
    QSpinBox* length_;
    QListWidget* files_;
    QPushButton* chooseFiles_;
    QPushButton* defaultFiles_;
    QLabel* filesNote_;
    QLineEdit* path_;
    QPushButton* browsePath_;
    bool pathTyped_ = false;  // the user chose the path: criterion and fraction no longer rename it
    QLabel* problem_;
    QDialogButtonBox* buttons_;
};

}  // namespace qt::ui
