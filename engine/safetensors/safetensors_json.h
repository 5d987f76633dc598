#pragma once
// Strict JSON for the safetensors header and model.safetensors.index.json.
// nlohmann::json lets the last of two equal keys win without a word; a file that
// names a tensor twice may mean either, so both readers refuse it instead.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace qt {

// Parses `text`; throws ModelFileError "PATH: PLACE: PROBLEM" when it is not
// JSON (with nlohmann's description of where), repeats a key in one object, or
// nests objects and arrays deeper than `max_depth`.
nlohmann::json parse_strict_json(std::string_view text, const std::string& path, std::string_view place,
                                 int max_depth = 16);

// "string", "number", "array" ...: a JSON value's kind for messages.
std::string json_kind(const nlohmann::json& j);

}  // namespace qt
