#include "dataset_preview_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace qt::ui {
namespace {
// Special tokens and line breaks shown visibly, so the template's structure is readable in one cell.
QString one_line(const QString& s) {
    QString t = s;
    t.replace(QLatin1Char('\n'), QStringLiteral("⏎"));
    return t;
}
}  // namespace

void DatasetPreviewModel::setRows(const QList<PreviewRow>& rows) {
    beginResetModel();
    rows_ = rows;
    endResetModel();
}

int DatasetPreviewModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : rows_.size(); }

int DatasetPreviewModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DatasetPreviewModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) return {};
    const PreviewRow& r = rows_[index.row()];
    const int col = index.column();
    if (role == Qt::DisplayRole) {
        switch (col) {
            case Line: return r.line;
            case Prompt: return one_line(r.prompt);
            case Completion: return one_line(r.completion);
            case Tokens: return r.truncated ? tr("%1 (cut)").arg(r.tokens) : QString::number(r.tokens);
            case Targets: return r.targets;
        }
    }
    if (role == Qt::ToolTipRole && (col == Prompt || col == Completion)) {
        return tr("<b>Prompt</b> (the model reads it, no loss):<pre>%1</pre><b>Completion</b> (the model learns to "
                  "write it):<pre style='background:#d8f0d8'>%2</pre>")
            .arg(r.prompt.toHtmlEscaped(), r.completion.toHtmlEscaped());
    }
    if (role == Qt::BackgroundRole && col == Completion) return QBrush(QColor(0xd8, 0xf0, 0xd8));
    if (role == Qt::ForegroundRole && col == Prompt) return QBrush(QColor(0x55, 0x55, 0x55));
    if (role == Qt::FontRole && col == Completion) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::TextAlignmentRole && (col == Line || col == Tokens || col == Targets))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant DatasetPreviewModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Line: return tr("Line");
        case Prompt: return tr("Prompt (as the model sees it)");
        case Completion: return tr("Completion (trained on)");
        case Tokens: return tr("Tokens");
        case Targets: return tr("Targets");
    }
    return {};
}

}  // namespace qt::ui
