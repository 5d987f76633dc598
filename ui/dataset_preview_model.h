#pragma once
// The first examples of a dataset as the model sees them (chat template applied),
// one row each: the prompt, and the completion highlighted as the part the loss
// is computed on.
#include <QAbstractTableModel>

#include "engine_events.h"

namespace qt::ui {

class DatasetPreviewModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Line, Prompt, Completion, Tokens, Targets, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setRows(const QList<PreviewRow>& rows);
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<PreviewRow> rows_;
};

}  // namespace qt::ui
