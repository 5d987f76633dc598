#include "safetensors/safetensors_json.h"

#include <set>
#include <vector>

#include "gguf/gguf_strings.h"
#include "util/model_file_error.h"

namespace qt {
namespace {

// One open object or array while parsing: its keys so far, and the key being read.
struct OpenValue {
    bool is_object = false;
    std::set<std::string, std::less<>> keys;
    std::string key;
};

// "" at the top level, else ` in "KEY"` for the innermost key that holds the value.
std::string inside(const std::vector<OpenValue>& open) {
    for (auto it = open.rbegin() + 1; it < open.rend(); ++it)
        if (it->is_object) return " in " + quote_for_message(it->key);
    return "";
}

}  // namespace

nlohmann::json parse_strict_json(std::string_view text, const std::string& path, std::string_view place,
                                 int max_depth) {
    // nlohmann's lexer takes a NUL byte for the end of the input and ignores what
    // follows, which would let a file hide bytes behind its JSON. JSON text holds
    // no raw NUL (inside strings it must be escaped), so any NUL is refused.
    if (const size_t at = text.find('\0'); at != std::string_view::npos)
        throw_model_error(path, place, "not valid JSON: NUL byte at offset " + std::to_string(at));
    std::vector<OpenValue> open;
    const auto callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using E = nlohmann::json::parse_event_t;
        switch (event) {
            case E::object_start:
            case E::array_start:
                if (static_cast<int>(open.size()) >= max_depth)
                    throw_model_error(path, place, "JSON nests deeper than " + std::to_string(max_depth) + " levels");
                open.push_back(OpenValue{event == E::object_start, {}, {}});
                break;
            case E::object_end:
            case E::array_end: open.pop_back(); break;
            case E::key: {
                OpenValue& o = open.back();
                std::string key = parsed.get<std::string>();
                if (o.keys.count(key)) throw_model_error(path, place, "duplicate key " + quote_for_message(key) + inside(open));
                o.keys.insert(key);
                o.key = std::move(key);
                break;
            }
            case E::value: break;
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), callback);
    } catch (const nlohmann::json::exception& e) {
        // A syntax error (parse_error), or a number too large for a double
        // (out_of_range 406, "number overflow parsing '1e400'"). what() is
        // "[json.exception.parse_error.101] parse error at line 1, column 5: ...";
        // the id is noise to a user, and the rest may quote bytes of the file.
        std::string detail = e.what();
        if (const size_t at = detail.find("] "); at != std::string::npos) detail = detail.substr(at + 2);
        throw_model_error(path, place, "not valid JSON: " + quote_for_message(detail, 200));
    }
}

std::string json_kind(const nlohmann::json& j) {
    if (j.is_number_float()) return "a floating-point number";
    if (j.is_number_integer()) return "an integer";
    if (j.is_object()) return "an object";
    if (j.is_array()) return "an array";
    if (j.is_string()) return "a string";
    if (j.is_boolean()) return "a boolean";
    return "null";
}

}  // namespace qt
