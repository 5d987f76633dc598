#pragma once
// The device page: the processors the engine can train on (the CPU and every
// usable CUDA GPU) with what is known about their memory; one is chosen.
#include <QWidget>

class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace qt::ui {

class DevicePanel : public QWidget {
    Q_OBJECT
public:
    explicit DevicePanel(QWidget* parent = nullptr);
    QString selectedDevice() const;  // "cpu", "cuda:0", ...
    int deviceCount() const;

public slots:
    void showDevices(const QStringList& ids, const QStringList& details, const QString& gpuNote = QString());

signals:
    void refreshRequested();
    void deviceChosen(const QString& id);

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();

    QGroupBox* box_;
    QListWidget* list_;
    QPushButton* refresh_;
    QLabel* note_;
    QLabel* gpuNote_;
};

}  // namespace qt::ui
