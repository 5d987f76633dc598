#include "method_reach_text.h"

#include <QCoreApplication>
#include <QLocale>

namespace qt::ui {
namespace {

// The texts below are wrapped in QT_TRANSLATE_(N_)NOOP so that lupdate lists
// them under "MethodReach".
QString tr_reach(const char* text, int n = -1) { return QCoreApplication::translate("MethodReach", text, nullptr, n); }

QString types_of(const QList<LinearTypeCount>& linears) {
    QStringList t;
    for (const LinearTypeCount& l : linears) t << l.type;
    return t.join(QStringLiteral(", "));
}

int count_of(const QList<LinearTypeCount>& linears) {
    int n = 0;
    for (const LinearTypeCount& l : linears) n += l.count;
    return n;
}

qint64 weights_of(const QList<LinearTypeCount>& linears) {
    qint64 n = 0;
    for (const LinearTypeCount& l : linears) n += l.weights;
    return n;
}

QString millions(qint64 n) { return QLocale().toString(n / 1e6, 'f', 2); }

// What the method changes, from TrainedPart and the linears' types.
QString what(TrainedPart part, const ModelSummary& m) {
    const int all = count_of(m.linears);
    if (all == 0) return tr_reach(QT_TRANSLATE_NOOP("MethodReach", "nothing: the model has no trainable linears"));
    switch (part) {
        case TrainedPart::BlockScales: {
            QList<LinearTypeCount> scaled, plain;
            for (const LinearTypeCount& l : m.linears) (l.has_block_scales ? scaled : plain).append(l);
            if (scaled.isEmpty())
                return tr_reach(QT_TRANSLATE_NOOP("MethodReach",
                                                  "nothing: its linears are %1, which have no "
                                                  "block scale (only block-quantized "
                                                  "types such as Q8_0, Q4_1 or Q4_K do)"))
                    .arg(types_of(plain));
            QString s =
                tr_reach(QT_TRANSLATE_N_NOOP("MethodReach", "block scales of %n linears (types %1)"), count_of(scaled))
                    .arg(types_of(scaled));
            if (!plain.isEmpty())
                s += tr_reach(QT_TRANSLATE_N_NOOP("MethodReach", "; %n linears stay frozen (%1: no block scale)"),
                              count_of(plain))
                         .arg(types_of(plain));
            return s;
        }
        case TrainedPart::LinearWeights:
            return tr_reach(QT_TRANSLATE_N_NOOP("MethodReach", "every linear: %n linears, %1 M weights (types %2)"),
                            all)
                .arg(millions(weights_of(m.linears)), types_of(m.linears));
        case TrainedPart::SparseEntries:
            return tr_reach(QT_TRANSLATE_N_NOOP("MethodReach",
                                                "a float32 value at each masked entry of the %n "
                                                "linears (types %1); a sensitivity mask "
                                                "chooses the entries"),
                            all)
                .arg(types_of(m.linears));
        case TrainedPart::Adapters:
            return tr_reach(QT_TRANSLATE_N_NOOP("MethodReach",
                                                "low-rank adapters beside the chosen ones of the %n "
                                                "linears (types %1), which stay frozen"),
                            all)
                .arg(types_of(m.linears));
    }
    return QString();
}

}  // namespace

QString method_reach(const TrainingMethodInfo& method, const ModelSummary& model) {
    return (method.first_order ? tr_reach(QT_TRANSLATE_NOOP("MethodReach", "%1, from the backward pass"))
                               : tr_reach(QT_TRANSLATE_NOOP("MethodReach", "%1, from two forward passes a step")))
        .arg(what(method.trains, model));
}

QString architecture_line(const ModelSummary& m) {
    QString s = tr_reach(QT_TRANSLATE_NOOP("MethodReach", "%1, %2 layers, width %3, %4 heads (%5 KV), head %6"))
                    .arg(m.architecture)
                    .arg(m.layers)
                    .arg(m.embedding)
                    .arg(m.heads)
                    .arg(m.kv_heads)
                    .arg(m.head_dim);
    if (!m.features.isEmpty())
        s += tr_reach(QT_TRANSLATE_NOOP("MethodReach", "; %1")).arg(m.features.join(QStringLiteral(", ")));
    return s;
}

}  // namespace qt::ui
