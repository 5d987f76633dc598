// JSON lines and JSON arrays: each row an object in one of the schemas that
// dataset_rows.h lists.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "data/dataset_error.h"
#include "data/json_array_splitter.h"
#include "data/row_readers.h"

namespace qt::detail {
namespace {

using nlohmann::json;

std::string type_name(const json& v) {
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_null()) return "null";
    if (v.is_array()) return "an array";
    return "an object";
}

// The string field `key`; nullopt when absent (and not required).
std::optional<std::string> string_field(const json& obj, const char* key, bool required) {
    const auto it = obj.find(key);
    if (it == obj.end()) {
        if (required) throw RowProblem(std::string("missing field '") + key + "'");
        return std::nullopt;
    }
    if (!it->is_string()) throw RowProblem(std::string("field '") + key + "' must be a string, not " + type_name(*it));
    return it->get<std::string>();
}

std::optional<std::string> label_field(const json& obj) {
    const auto it = obj.find("label");
    if (it == obj.end() || it->is_null()) return std::nullopt;
    std::string label;
    if (it->is_string())
        label = it->get<std::string>();
    else if (it->is_number_integer() || it->is_boolean())
        label = it->dump();
    else
        throw RowProblem("field 'label' must be a string or an integer, not " + type_name(*it));
    if (label.empty()) throw RowProblem("field 'label' is empty");
    return label;
}

std::optional<RowSchema> schema_of(const json& obj) {
    if (obj.contains("messages")) return RowSchema::Chat;
    if (obj.contains("instruction")) return RowSchema::Alpaca;
    if (obj.contains("prompt")) return RowSchema::PromptCompletion;
    if (obj.contains("text")) return RowSchema::Text;
    return std::nullopt;
}

std::vector<ChatMessage> chat_messages(const json& obj) {
    const json& msgs = obj.at("messages");
    if (!msgs.is_array() || msgs.empty())
        throw RowProblem("field 'messages' must be a non-empty array, not " +
                         (msgs.is_array() ? std::string("an empty one") : type_name(msgs)));
    std::vector<ChatMessage> out;
    for (size_t i = 0; i < msgs.size(); ++i) {
        const json& m = msgs[i];
        const std::string where = "messages[" + std::to_string(i) + "]";
        if (!m.is_object()) throw RowProblem(where + " must be an object, not " + type_name(m));
        const auto role = m.find("role");
        const auto content = m.find("content");
        if (role == m.end() || !role->is_string()) throw RowProblem(where + " needs a string 'role'");
        if (content == m.end() || !content->is_string()) throw RowProblem(where + " needs a string 'content'");
        ChatMessage msg{role->get<std::string>(), content->get<std::string>()};
        if (msg.role != "system" && msg.role != "user" && msg.role != "assistant")
            throw RowProblem(where + ".role '" + msg.role + "' is not system, user or assistant");
        if (msg.role == "assistant" && msg.content.empty()) throw RowProblem(where + " (assistant) has empty content");
        out.push_back(std::move(msg));
    }
    if (out.back().role != "assistant")
        throw RowProblem("the last message must be the assistant's, to have something to learn (messages[" +
                         std::to_string(out.size() - 1) + "] is '" + out.back().role + "')");
    return out;
}

// Turns one parsed JSON value into a row; `schema` is fixed by the first row
// that has one. Throws RowProblem.
DatasetRow row_from_json(const json& value, std::optional<RowSchema>& schema) {
    if (!value.is_object()) throw RowProblem("expected a JSON object, not " + type_name(value));
    if (!schema) {
        schema = schema_of(value);
        if (!schema) {
            std::string keys;
            for (const auto& [k, v] : value.items()) keys += (keys.empty() ? "" : ", ") + k;
            throw RowProblem(
                "no known fields (expected prompt/completion, instruction/output, messages or text); "
                "the object has: " +
                (keys.empty() ? std::string("nothing") : keys));
        }
    }
    DatasetRow row;
    row.schema = *schema;
    row.label = label_field(value);
    std::string completion_name = "completion";
    switch (*schema) {
        case RowSchema::PromptCompletion:
            row.prompt = *string_field(value, "prompt", true);
            row.completion = string_field(value, "completion", !row.label).value_or("");
            break;
        case RowSchema::Alpaca: {
            row.prompt = *string_field(value, "instruction", true);
            if (row.prompt.empty()) throw RowProblem("field 'instruction' is empty");
            const std::string input = string_field(value, "input", false).value_or("");
            if (!input.empty()) row.prompt += "\n\n" + input;
            row.completion = string_field(value, "output", !row.label).value_or("");
            completion_name = "output";
            break;
        }
        case RowSchema::Chat:
            if (!value.contains("messages")) throw RowProblem("missing field 'messages'");
            row.messages = chat_messages(value);
            break;
        case RowSchema::Text:
            row.text = *string_field(value, "text", true);
            break;
    }
    complete_and_check_row(row, completion_name);
    return row;
}

// Parses `text` as one JSON value; a parse error becomes a RowProblem whose
// line is moved to where the error is (for multi-line array elements).
json parse_value(std::string_view text, size_t first_line, size_t& problem_line) {
    problem_line = first_line;
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        const size_t at = std::min<size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
        problem_line = first_line + static_cast<size_t>(std::count(text.begin(), text.begin() + at, '\n'));
        std::string what = e.what();
        // nlohmann's message starts "[json.exception.parse_error.101] parse error at line 1, column 5: "
        if (const size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
        throw RowProblem("bad JSON: " + what);
    } catch (const json::out_of_range& e) {
        // A number too large for a double (1E999) throws out_of_range, not parse_error.
        std::string what = e.what();
        if (const size_t colon = what.find("] "); colon != std::string::npos) what = what.substr(colon + 2);
        throw RowProblem("bad JSON: " + what);
    }
}

}  // namespace

void complete_and_check_row(DatasetRow& row, const std::string& completion_name) {
    const bool wants_completion = row.schema == RowSchema::PromptCompletion || row.schema == RowSchema::Alpaca;
    if (wants_completion) {
        if (row.completion.empty() && row.label) row.completion = *row.label;
        if (row.completion.empty()) throw RowProblem("field '" + completion_name + "' is empty");
    }
    if (row.schema == RowSchema::Text && row.text.empty()) throw RowProblem("field 'text' is empty");
}

void read_jsonl_rows(std::string_view text, const RowReadOptions& options, RowProblemLog& problems, RowFile& out) {
    size_t line = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view row_text = text.substr(pos, end - pos);
        pos = end + 1;
        ++line;
        if (!row_text.empty() && row_text.back() == '\r') row_text.remove_suffix(1);
        if (row_text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
        if (options.max_rows && out.rows_read >= options.max_rows) break;
        ++out.rows_read;
        size_t problem_line = line;
        try {
            DatasetRow row = row_from_json(parse_value(row_text, line, problem_line), out.schema);
            row.line = line;
            out.rows.push_back(std::move(row));
        } catch (const RowProblem& p) {
            problems.skip(problem_line, p.what());
        }
    }
}

void read_json_array_rows(std::string_view text, const RowReadOptions& options, RowProblemLog& problems, RowFile& out) {
    const JsonArraySplit split = split_json_array(text);
    // A broken array is a file-level problem unless some elements came before it:
    // those are kept and the break is reported as a problem with the rest.
    if (!split.error.empty() && split.elements.empty())
        throw DatasetError(problems.message(split.error_line, "cannot read the JSON array: " + split.error));
    for (const JsonElementSpan& span : split.elements) {
        if (options.max_rows && out.rows_read >= options.max_rows) return;
        ++out.rows_read;
        size_t problem_line = span.line;
        try {
            DatasetRow row = row_from_json(
                parse_value(text.substr(span.begin, span.end - span.begin), span.line, problem_line), out.schema);
            row.line = span.line;
            out.rows.push_back(std::move(row));
        } catch (const RowProblem& p) {
            problems.skip(problem_line, p.what());
        }
    }
    if (!split.error.empty())
        problems.skip(split.error_line, "the JSON array breaks off here (" + split.error + "); the rest is not read");
}

}  // namespace qt::detail
