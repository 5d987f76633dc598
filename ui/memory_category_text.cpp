#include "memory_category_text.h"

#include <QCoreApplication>
#include <iterator>

#include "training_method_text.h"

namespace qt::ui {

QString category_title(MemoryCategory c) {
    switch (c) {
        case MemoryCategory::Weights: return QCoreApplication::translate("Memory", "Weights");
        case MemoryCategory::TrainableParameters: return QCoreApplication::translate("Memory", "Trainable parameters");
        case MemoryCategory::Gradients: return QCoreApplication::translate("Memory", "Gradients");
        case MemoryCategory::OptimizerStates: return QCoreApplication::translate("Memory", "Optimizer states");
        case MemoryCategory::Activations: return QCoreApplication::translate("Memory", "Activations");
        case MemoryCategory::KvCache: return QCoreApplication::translate("Memory", "KV cache");
        case MemoryCategory::Projections: return QCoreApplication::translate("Memory", "Projections");
        case MemoryCategory::SparseValues: return QCoreApplication::translate("Memory", "Sparse values");
        case MemoryCategory::SparseMask: return QCoreApplication::translate("Memory", "Sparse mask");
        case MemoryCategory::RollbackCopies: return QCoreApplication::translate("Memory", "Rollback copies");
        case MemoryCategory::Count: break;
    }
    return QString();
}

QString category_label(MemoryCategory c, const MemoryLabels& labels) {
    return method_text(labels[static_cast<size_t>(c)]);
}

QString category_description(MemoryCategory c) {
    switch (c) {
        case MemoryCategory::Weights:
            return QCoreApplication::translate("Memory", "The model's weights as stored: quantized blocks, norms, embedding.");
        case MemoryCategory::TrainableParameters:
            return QCoreApplication::translate(
                "Memory", "What training changes, in full precision: QZO's block scales, MeZO's float32 weights, "
                          "QLoRA's adapters, or the fp32 master copy of full fine-tuning.");
        case MemoryCategory::Gradients:
            return QCoreApplication::translate("Memory", "One gradient value per trained parameter (back-propagation only).");
        case MemoryCategory::OptimizerStates:
            return QCoreApplication::translate("Memory", "AdamW's two running averages per trained parameter.");
        case MemoryCategory::Activations:
            return QCoreApplication::translate(
                "Memory", "Intermediate results of the forward pass and the logits the loss is computed from; "
                          "with a first-order method, also what the backward pass reads.");
        case MemoryCategory::KvCache:
            return QCoreApplication::translate("Memory", "Keys and values of earlier tokens, kept for attention.");
        case MemoryCategory::Projections:
            return QCoreApplication::translate(
                "Memory", "GaLore's low-rank projection matrices, one per trained weight (INT4 in Q-GaLore).");
        case MemoryCategory::SparseValues:
            return QCoreApplication::translate(
                "Memory", "Sparse ZO's trained values S, one float per sensitive weight, added to the 4-bit weights.");
        case MemoryCategory::SparseMask:
            return QCoreApplication::translate(
                "Memory", "Where sparse ZO's sensitive weights sit: their column indices and row starts.");
        case MemoryCategory::RollbackCopies:
            return QCoreApplication::translate(
                "Memory", "Two copies of the training state in main memory: the last one that passed the divergence "
                          "guard, which a rollback returns to, and the one being checked.");
        case MemoryCategory::Count: break;
    }
    return QString();
}

QString method_plan_title(const QString& method) {
    if (method == QLatin1String("qzo")) return QCoreApplication::translate("Memory", "QZO (planned)");
    if (method == QLatin1String("mezo")) return QCoreApplication::translate("Memory", "MeZO (planned)");
    if (method == QLatin1String("full-bf16-adamw"))
        return QCoreApplication::translate("Memory", "Full fine-tuning, bf16 + AdamW (planned)");
    if (method == QLatin1String("qlora")) return QCoreApplication::translate("Memory", "QLoRA (planned)");
    if (method == QLatin1String("adamw"))
        return QCoreApplication::translate("Memory", "Full fine-tuning, float32 AdamW (planned)");
    if (method == QLatin1String("qgalore")) return QCoreApplication::translate("Memory", "Q-GaLore (planned)");
    if (method == QLatin1String("galore"))
        return QCoreApplication::translate("Memory", "Plain GaLore, float32 (planned)");
    if (method == QLatin1String("sparse-zo")) return QCoreApplication::translate("Memory", "Sparse ZO (planned)");
    return method;
}

QColor category_color(MemoryCategory c) {
    static const QColor colors[] = {QColor(0x4c, 0x72, 0xb0), QColor(0xdd, 0x84, 0x52), QColor(0xc4, 0x4e, 0x52),
                                    QColor(0x81, 0x72, 0xb3), QColor(0x55, 0xa8, 0x68), QColor(0x93, 0x78, 0x60),
                                    QColor(0xda, 0x8b, 0xc3), QColor(0x8c, 0x8c, 0x8c), QColor(0xcc, 0xb9, 0x74),
                                    QColor(0x64, 0xb5, 0xcd)};
    static_assert(std::size(colors) == kMemoryCategoryCount, "one colour per ledger category");
    return colors[static_cast<int>(c)];
}

}  // namespace qt::ui
