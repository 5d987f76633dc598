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
    QT_TRANSLATE_NOOP("TrainingMethod", "Q-GaLore: INT8 weights, low-rank gradients, 8-bit Adam"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "Trains every linear weight, held as INT8 in groups and updated by stochastic rounding, from "
                      "gradients projected to a low rank by INT4 projections that each layer refreshes lazily, with "
                      "8-bit Adam states (Zhang et al. 2024). Each layer's gradient is applied and freed during the "
                      "backward. galore_quantized off gives plain GaLore (float32 weights and projections, 32-bit "
                      "Adam)."),

    QT_TRANSLATE_NOOP("TrainingMethod", "Sparse ZO: zeroth-order on 0.1% sensitive weights"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "Trains a float32 value S at a small set of sensitive weights, chosen once from squared "
                      "gradients on generic text (a mask file: quanttune-cli sensitivity), added to the frozen 4-bit "
                      "model: W = dequant(Q) + S. Two forward passes per step as in QZO, with the same perturbation, "
                      "clipping and schedules (Guo et al. 2025). Optionally the 4-bit block scales train too."),

    // Sparse ZO's setting and its names for its ledger categories.
    QT_TRANSLATE_NOOP("TrainingMethod", "Also train the 4-bit scales"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "Train QZO's block scales beside the sparse values, with the same perturbation: more of the "
                      "model adapts, at no extra memory but the scales' float32 copies."),
    QT_TRANSLATE_NOOP("TrainingMethod", "QZO scale masters"),
    QT_TRANSLATE_NOOP("TrainingMethod", "sparse values S (float32)"),
    QT_TRANSLATE_NOOP("TrainingMethod", "sensitive-entry mask"),

    // Q-GaLore's settings (TrainingMethodInfo::settings).
    QT_TRANSLATE_NOOP("TrainingMethod", "Projection rank"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "The rank r each weight's gradient is projected to before Adam sees it, so that Adam keeps r "
                      "values per row or column instead of the whole matrix (capped at the weight's smaller side). A "
                      "larger rank learns more like full fine-tuning and needs more memory; the paper uses 128 to 512."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Steps between SVDs"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "How many steps a layer keeps its projection before an SVD of its gradient computes a new one, "
                      "at first. Once a layer's subspace has settled (see the similarity threshold) its gap doubles: "
                      "the lazy rule that saves SVDs. GaLore refreshes every 200 steps."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Similarity threshold"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "When the mean |cosine| between a layer's successive subspaces reaches this, the subspace counts "
                      "as settled and the layer's gap between SVDs doubles. Lower skips more SVDs; 1 hardly ever skips "
                      "one."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Similarity window"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "How many of a layer's latest subspace changes the mean for the similarity threshold covers."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Update scale (alpha)"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "The update, projected back to the weight's full size, is multiplied by this before it is added "
                      "(GaLore's alpha; 0.25 in the papers)."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Weight group size"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "How many weights share one INT8 scale and zero point. Smaller groups round more precisely and "
                      "store a little more."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Projection group size"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "How many values of a projection matrix share one INT4 scale and zero point; even, since two "
                      "4-bit codes share a byte."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Stochastic rounding"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "Round each updated INT8 weight up or down at random, in proportion to how near it is, so that "
                      "updates smaller than one INT8 step still add up over many steps. Off: round to nearest, and "
                      "such updates are lost."),
    QT_TRANSLATE_NOOP("TrainingMethod", "Quantized (off: plain GaLore)"),
    QT_TRANSLATE_NOOP("TrainingMethod",
                      "On: Q-GaLore, with INT8 weights, INT4 projections and 8-bit Adam states. Off: plain GaLore, "
                      "with float32 weights and projections and 32-bit Adam states: more memory, the reference to "
                      "compare with."),

    // Q-GaLore's names for its ledger categories (TrainingMethodInfo::memory_label).
    QT_TRANSLATE_NOOP("TrainingMethod", "INT8 weights"),
    QT_TRANSLATE_NOOP("TrainingMethod", "INT4 projections"),
    QT_TRANSLATE_NOOP("TrainingMethod", "8-bit Adam states"),
    QT_TRANSLATE_NOOP("TrainingMethod", "float32 weights"),
    QT_TRANSLATE_NOOP("TrainingMethod", "float32 projections"),
    QT_TRANSLATE_NOOP("TrainingMethod", "Adam states"),

    // Q-GaLore's per-layer metrics (Qgalore::metrics(), methods/method_metrics.h).
    QT_TRANSLATE_NOOP("TrainingMethod", "SVDs done"),
    QT_TRANSLATE_NOOP("TrainingMethod", "SVDs the lazy rule saved"),
    QT_TRANSLATE_NOOP("TrainingMethod", "Subspace similarity"),
};

}  // namespace

QString method_title(const TrainingMethodInfo& method) {
    return QCoreApplication::translate("TrainingMethod", method.title);
}

QString method_summary(const TrainingMethodInfo& method) {
    return QCoreApplication::translate("TrainingMethod", method.summary);
}

QString method_setting_label(const MethodSetting& setting) {
    return QCoreApplication::translate("TrainingMethod", setting.label);
}

QString method_setting_tooltip(const MethodSetting& setting) {
    return QCoreApplication::translate("TrainingMethod", setting.tooltip);
}

QString method_text(const QString& english) {
    return english.isEmpty() ? english : QCoreApplication::translate("TrainingMethod", english.toUtf8().constData());
}

}  // namespace qt::ui
