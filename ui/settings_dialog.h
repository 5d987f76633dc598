#pragma once
// Preferences kept in QSettings: the interface language (applied at once) and
// whether the preselected model opens by itself at start.
#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;

namespace qt::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(QWidget* parent = nullptr);
    void accept() override;

    static bool openModelAtStart();

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();

    QLabel* languageLabel_;
    QComboBox* language_;
    QCheckBox* autoOpen_;
};

}  // namespace qt::ui
