#pragma once
// The dataset page: open a data file; the format the engine found, counts,
// skipped rows with their reasons, a preview of the first examples and a
// histogram of their token lengths.
#include <QWidget>

#include "engine_events.h"

class QCustomPlot;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableView;

namespace qt::ui {

class DatasetPreviewModel;

class DatasetPanel : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPanel(QWidget* parent = nullptr);
    QString path() const;
    void setPath(const QString& path);
    const DatasetSummary& summary() const { return summary_; }
    DatasetPreviewModel* previewModel() const { return preview_; }
    QCustomPlot* histogram() const { return histogram_; }

public slots:
    void showSummary(const qt::ui::DatasetSummary& summary);

signals:
    void openRequested(const QString& path);

protected:
    void changeEvent(QEvent* e) override;

private:
    void retranslate();
    void browse();
    void plotHistogram();

    QGroupBox* fileBox_;
    QLineEdit* pathEdit_;
    QPushButton* browseButton_;
    QPushButton* loadButton_;
    QGroupBox* statsBox_;
    QLabel* stats_;
    QGroupBox* previewBox_;
    QTableView* table_;
    DatasetPreviewModel* preview_;
    QGroupBox* skippedBox_;
    QListWidget* skipped_;
    QGroupBox* histBox_;
    QCustomPlot* histogram_;
    DatasetSummary summary_;
};

}  // namespace qt::ui
