#pragma once
// The compare page: one prompt, answered by the model as it came from the file
// (base) and as training left it (fine-tuned), side by side, streaming, with the
// same sampling settings. Earlier prompts stay in a list; everything can be
// exported as Markdown.
#include <QWidget>

#include "engine_events.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTextEdit;

namespace qt::ui {

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    explicit ComparePanel(QWidget* parent = nullptr);
    void setPrompt(const QString& text);
    CompareRequest request() const;
    QString answer(CompareSide side) const;
    int historyCount() const;
    bool exportMarkdown(const QString& path) const;

public slots:
    void appendText(qt::ui::CompareSide side, const QString& text);
    void finishSide(qt::ui::CompareSide side, const QString& stats);
    void setBusy(bool busy);

signals:
    void compareRequested(const qt::ui::CompareRequest& request);

protected:
    void changeEvent(QEvent* e) override;

private:
    struct Entry {
        CompareRequest request;
        QString base, tuned;
    };
    void retranslate();
    void start();
    void showEntry(int row);

    QPlainTextEdit* prompt_;
    QComboBox* examples_;
    QPushButton* run_;
    QPushButton* export_;
    QGroupBox* samplingBox_;
    QLabel* tokensLabel_;
    QLabel* tempLabel_;
    QLabel* topKLabel_;
    QLabel* topPLabel_;
    QLabel* seedLabel_;
    QSpinBox* maxTokens_;
    QDoubleSpinBox* temperature_;
    QSpinBox* topK_;
    QDoubleSpinBox* topP_;
    QSpinBox* seed_;
    QCheckBox* chat_;
    QGroupBox* baseBox_;
    QGroupBox* tunedBox_;
    QTextEdit* base_;
    QTextEdit* tuned_;
    QLabel* baseStats_;
    QLabel* tunedStats_;
    QGroupBox* historyBox_;
    QListWidget* history_;
    QList<Entry> entries_;
};

}  // namespace qt::ui
