#include "device_panel.h"

#include <QEvent>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

#include "device_capacity.h"

namespace qt::ui {

DevicePanel::DevicePanel(QWidget* parent) : QWidget(parent) {
    box_ = new QGroupBox(this);
    list_ = new QListWidget(box_);
    list_->setObjectName("deviceList");
    list_->setMaximumHeight(160);
    refresh_ = new QPushButton(box_);
    note_ = new QLabel(box_);
    note_->setWordWrap(true);
    gpuNote_ = new QLabel(box_);
    gpuNote_->setObjectName("gpuNote");
    gpuNote_->setWordWrap(true);
    auto* bl = new QVBoxLayout(box_);
    bl->addWidget(list_);
    bl->addWidget(gpuNote_);
    bl->addWidget(refresh_, 0, Qt::AlignLeft);
    bl->addWidget(note_);
    bl->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(box_);
    layout->addStretch(1);
    connect(refresh_, &QPushButton::clicked, this, &DevicePanel::refreshRequested);
    connect(list_, &QListWidget::itemChanged, this, [this](QListWidgetItem* changed) {
        if (changed->checkState() != Qt::Checked) return;
        const QSignalBlocker block(list_);
        for (int i = 0; i < list_->count(); ++i)
            if (list_->item(i) != changed) list_->item(i)->setCheckState(Qt::Unchecked);
        QSettings().setValue("device", changed->data(Qt::UserRole));
        emit deviceChosen(changed->data(Qt::UserRole).toString());
    });
    // Until the worker has looked for GPUs, the CPU is there.
    showDevices({QStringLiteral("cpu")}, {cpu_description()});
    retranslate();
}

QString DevicePanel::selectedDevice() const {
    for (int i = 0; i < list_->count(); ++i)
        if (list_->item(i)->checkState() == Qt::Checked) return list_->item(i)->data(Qt::UserRole).toString();
    return QStringLiteral("cpu");
}

int DevicePanel::deviceCount() const { return list_->count(); }

void DevicePanel::showDevices(const QStringList& ids, const QStringList& details, const QString& gpuNote) {
    gpuNote_->setText(gpuNote);
    gpuNote_->setVisible(!gpuNote.isEmpty());
    const QString want = QSettings().value("device", selectedDevice()).toString();
    const QSignalBlocker block(list_);
    list_->clear();
    for (int i = 0; i < ids.size(); ++i) {
        auto* item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(ids[i], details.value(i)), list_);
        item->setData(Qt::UserRole, ids[i]);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(ids[i] == want ? Qt::Checked : Qt::Unchecked);
    }
    if (selectedDevice() != want && list_->count() > 0) list_->item(0)->setCheckState(Qt::Checked);
}

void DevicePanel::retranslate() {
    box_->setTitle(tr("Where the model runs"));
    refresh_->setText(tr("Look for GPUs again"));
    note_->setText(tr("The chosen device is used the next time a model is opened. Free memory is measured when "
                      "the list is made: a GPU's by its driver, the CPU's by the operating system."));
}

void DevicePanel::changeEvent(QEvent* e) {
    if (e->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(e);
}

}  // namespace qt::ui
