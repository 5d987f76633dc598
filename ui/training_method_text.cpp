#include "training_method_text.h"

#include <QCoreApplication>

namespace qt::ui {
namespace {

// The table's texts as lupdate must see them: the engine has no Qt, so its
// strings are listed here once more. When the engine changes one, the GUI shows
// the new English text until this list and the .ts files follow
// (MainWindowTest::switchesLanguage checks that every title is translated).
[[maybe_unused]] constexpr const char* kEngineTexts[] = {
    QT_TRANSLATE_NOOP("TrainingMethod", "QZO: zeroth-order on the 4-bit scales"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "Trains only the continuous scales of the quantized blocks from two forward passes per step "
                      "with a seeded random perturbation, the projected gradient clipped (Shang et al. 2025). No "
                      "gradients, no optimizer states: inference memory."),
    QT_TRANSLATE_NOOP("TrainingMethod", "MeZO: zeroth-order on float32 weights"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "SPSA on every linear weight expanded to float32 (Malladi et al. 2023): the zeroth-order "
                      "baseline."),
    QT_TRANSLATE_NOOP("TrainingMethod", "QLoRA: low-rank adapters on the frozen 4-bit model"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "Trains small float32 adapters B A beside chosen linears of the frozen quantized model with "
                      "AdamW, from the backward pass (Hu et al. 2021; Dettmers et al. 2023). Memory: the quantized "
                      "weights, the adapters and their optimizer states, and the activations the backward needs."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Full fine-tuning with AdamW (float32)"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "Every linear weight as a float32 master copy trained by AdamW: the reference point, 16 bytes "
                      "a weight; only for small models."),
};

}  // namespace

QString method_title(const TrainingMethodInfo& method) {
    return QCoreApplication::translate("TrainingMethod", method.title);
}

QString method_summary(const TrainingMethodInfo& method) {
    return QCoreApplication::translate("TrainingMethod", method.summary);
}

}  // namespace qt::ui
