#pragma once
// A training method's own settings, described once in its registry row
// (train/training_methods.h) so that the GUI builds a field for each without
// knowing the method. Each names a
// TrainConfig field by its JSON key (train_config.h's to_json/from_json), so a
// field is read and written through the config's JSON, never by a switch on the
// key. Texts are plain English; the GUI translates them (ui/training_method_text.cpp).
namespace qt {

enum class MethodSettingKind { Int, Double, Bool };

struct MethodSetting {
    const char* key;      // TrainConfig's JSON key: "galore_rank"
    const char* label;    // a few words for the form: "Projection rank"
    const char* tooltip;  // what it does, in plain words
    MethodSettingKind kind;
    // The range validate() allows (a field offers no other value) and the step of
    // one arrow click; unused for Bool.
    double min = 0;
    double max = 0;
    double step = 1;
    // A Bool setting of the same method that must be on for this one to matter
    // (Q-GaLore's group sizes with galore_quantized); nullptr: always.
    const char* needs = nullptr;
};

}  // namespace qt
