#pragma once
// The model page: open a .gguf file (or a recent one), and what the engine says
// about it: architecture, size, quantization types, and the memory each training
// method would need beside the device's capacity.
#include <QWidget>

#include "engine_events.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;
class QGroupBox;

namespace qt::ui {

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(QWidget* parent = nullptr);
    QString selectedPath() const;
    void setSelectedPath(const QString& path);
    void setCapacity(qint64 bytes, const QString& device);
    const ModelSummary& summary() const { return summary_; }
    const MemoryPlans& plans() const { return plans_; }

public slots:
    void showSummary(const qt::ui::ModelSummary& summary);
    void showPlans(const qt::ui::MemoryPlans& plans);

signals:
    void openRequested(const QString& path);

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void browse();
    void refreshRecent();
    void fillPlans();

    QGroupBox* fileBox_;
    QComboBox* pathCombo_;
    QPushButton* browseButton_;
    QPushButton* loadButton_;
    QGroupBox* infoBox_;
    QLabel* info_;
    QGroupBox* planBox_;
    QTableWidget* planTable_;
    QLabel* planNote_;
    ModelSummary summary_;
    MemoryPlans plans_;
    qint64 capacity_ = 0;
    QString device_;
};

}  // namespace qt::ui
