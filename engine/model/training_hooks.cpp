#include "model/training_hooks.h"

#include <stdexcept>

namespace qt {

const char* linear_slot_name(LinearSlot s) {
    static const char* const names[kLinearSlotCount] = {"q", "k", "v", "o", "gate", "up", "down", "head"};
    return names[static_cast<int>(s)];
}

LinearSlot parse_linear_slot(const std::string& name) {
    for (int i = 0; i < kLinearSlotCount; ++i)
        if (name == linear_slot_name(static_cast<LinearSlot>(i))) return static_cast<LinearSlot>(i);
    throw std::invalid_argument("unknown linear layer \"" + name + "\" (q, k, v, o, gate, up, down, head)");
}

}  // namespace qt
