#pragma once
// The model page: open a .gguf file or a Hugging Face folder (buttons, drag and
// drop, or the recent list), and what the engine says about it: architecture,
// size, quantization types, what each training method can train in it, and the
// memory each method would need beside the device's capacity.
#include <QWidget>

#include "engine_events.h"

class QComboBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
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
    // What the page says while a model is on its way: opening, or converting a folder.
    void showOpening(const QString& path);
    void showConverting(const QString& folder, const QString& type);
    // Opening failed (the window shows the engine's error): the status line clears.
    void showOpenFailed();

signals:
    void openRequested(const QString& path);

protected:
    void changeEvent(QEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void retranslate();
    void browse();
    void browseFolder();
    void refreshRecent();
    void openRecent(QListWidgetItem* item);
    void fillReach();
    void fillPlans();

    QGroupBox* fileBox_;
    QComboBox* pathCombo_;
    QPushButton* browseButton_;
    QPushButton* folderButton_;
    QPushButton* loadButton_;
    QGroupBox* infoBox_;
    QLabel* status_;
    QLabel* architecture_;
    QLabel* info_;
    QGroupBox* reachBox_;
    QListWidget* reachList_;
    QGroupBox* recentBox_;
    QListWidget* recentList_;
    QGroupBox* planBox_;
    QTableWidget* planTable_;
    QLabel* planNote_;
    ModelSummary summary_;
    MemoryPlans plans_;
    qint64 capacity_ = 0;
    QString device_;
    QString statusPath_;  // the model being opened or converted (empty: none)
    QString statusType_;  // the type a folder converts to; empty while only opening
};

}  // namespace qt::ui
