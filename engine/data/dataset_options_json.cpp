#include "data/dataset_options_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "data/dataset_error.h"

namespace qt {
namespace {

using nlohmann::json;

// A JSON value or key as JSON text, so a newline or a control byte in it
// cannot split the one-line message.
std::string as_json_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A key as it was typed when it is plain, else quoted and escaped.
std::string key_text(const std::string& k) {
    const bool plain = !k.empty() && std::none_of(k.begin(), k.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f || c == '"';
    });
    return plain ? k : as_json_text(k);
}

// Reads the keys of one JSON object into fields, refusing keys nobody reads.
class ObjectReader {
public:
    ObjectReader(const json& j, std::string where) : j_(j), where_(std::move(where)) {
        if (!j_.is_object()) throw DatasetError(where_ + ": expected an object, not " + std::string(j_.type_name()));
    }
    template <typename T>
    void get(const char* key, T& field) {
        seen_.push_back(key);
        const auto it = j_.find(key);
        if (it == j_.end()) return;
        bool ok;
        if constexpr (std::is_same_v<T, bool>)
            ok = it->is_boolean();
        else if constexpr (std::is_integral_v<T>)
            ok = it->is_number_unsigned();  // no silent wrap of -1
        else if constexpr (std::is_floating_point_v<T>)
            ok = it->is_number();
        else if constexpr (std::is_same_v<T, std::string>)
            ok = it->is_string();
        else
            ok = it->is_array() && std::all_of(it->begin(), it->end(), [](const json& e) { return e.is_string(); });
        if (!ok) throw DatasetError(path(key) + ": expected " + expected<T>() + ", not " + as_json_text(*it));
        field = it->get<T>();
    }
    // A key read by hand.
    void mark(const char* key) { seen_.push_back(key); }
    // An enum given by name.
    template <typename E>
    void get_enum(const char* key, E& field, std::initializer_list<std::pair<const char*, E>> names) {
        std::string name;
        get(key, name);
        if (!j_.contains(key)) return;
        std::string all;
        for (const auto& [n, v] : names) {
            if (name == n) {
                field = v;
                return;
            }
            all += (all.empty() ? "" : ", ") + std::string(n);
        }
        throw DatasetError(path(key) + ": expected one of " + all + ", not " + as_json_text(name));
    }
    void reject_unknown() const {
        for (const auto& [k, v] : j_.items())
            if (std::find(seen_.begin(), seen_.end(), k) == seen_.end())
                throw DatasetError(where_ + "." + key_text(k) + ": unknown key");
    }
    std::string path(const char* key) const { return where_ + "." + key; }

private:
    template <typename T>
    static std::string expected() {
        if constexpr (std::is_same_v<T, bool>)
            return "true or false";
        else if constexpr (std::is_integral_v<T>)
            return "a non-negative integer";
        else if constexpr (std::is_floating_point_v<T>)
            return "a number";
        else if constexpr (std::is_same_v<T, std::string>)
            return "a string";
        else
            return "a list of strings";
    }
    const json& j_;
    std::string where_;
    std::vector<std::string> seen_;
};

const char* name_of(LossOn v) { return v == LossOn::Completion ? "completion" : "all"; }
const char* name_of(ChatTemplateUse v) {
    return v == ChatTemplateUse::Auto ? "auto" : v == ChatTemplateUse::Always ? "always" : "never";
}
const char* name_of(OverlongRows v) { return v == OverlongRows::TruncatePrompt ? "truncate" : "skip"; }

}  // namespace

void to_json(json& j, const DatasetOptions& o) {
    j = json{{"format", o.read.format ? json(to_string(*o.read.format)) : json(nullptr)},
             {"max_rows", o.read.max_rows},
             {"csv",
              {{"prompt", o.read.csv.prompt},
               {"completion", o.read.csv.completion},
               {"text", o.read.csv.text},
               {"label", o.read.csv.label},
               {"delimiter", o.read.csv.delimiter ? std::string(1, o.read.csv.delimiter) : std::string()}}},
             {"strict", o.strict},
             {"loss_on", name_of(o.loss_on)},
             {"chat_template", name_of(o.chat_template)},
             {"system_prompt", o.system_prompt},
             {"max_length", o.max_length},
             {"overlong", name_of(o.overlong)},
             {"window_length", o.windows.length},
             {"window_stride", o.windows.stride},
             {"add_eos_to_text", o.add_eos_to_text},
             {"label_words", o.label_words}};
}

void from_json(const json& j, DatasetOptions& o) {
    ObjectReader r(j, "data");
    r.mark("format");
    if (j.contains("format") && !j.at("format").is_null()) {
        std::string name;
        r.get("format", name);
        o.read.format = data_file_format_from_string(name);
        if (!o.read.format)
            throw DatasetError("data.format: expected one of jsonl, json-array, csv, text, not \"" + name + "\"");
    }
    r.get("max_rows", o.read.max_rows);
    if (j.contains("csv")) {
        ObjectReader c(j.at("csv"), "data.csv");
        c.get("prompt", o.read.csv.prompt);
        c.get("completion", o.read.csv.completion);
        c.get("text", o.read.csv.text);
        c.get("label", o.read.csv.label);
        std::string delimiter;
        c.get("delimiter", delimiter);
        if (delimiter.size() > 1)
            throw DatasetError("data.csv.delimiter: expected one character, not \"" + delimiter + "\"");
        o.read.csv.delimiter = delimiter.empty() ? '\0' : delimiter[0];
        c.reject_unknown();
    }
    r.mark("csv");
    r.get("strict", o.strict);
    r.get_enum("loss_on", o.loss_on, {{"completion", LossOn::Completion}, {"all", LossOn::AllTokens}});
    r.get_enum(
        "chat_template", o.chat_template,
        {{"auto", ChatTemplateUse::Auto}, {"always", ChatTemplateUse::Always}, {"never", ChatTemplateUse::Never}});
    r.get("system_prompt", o.system_prompt);
    r.get("max_length", o.max_length);
    r.get_enum("overlong", o.overlong, {{"truncate", OverlongRows::TruncatePrompt}, {"skip", OverlongRows::Skip}});
    r.get("window_length", o.windows.length);
    r.get("window_stride", o.windows.stride);
    r.get("add_eos_to_text", o.add_eos_to_text);
    r.get("label_words", o.label_words);
    r.reject_unknown();
}

void to_json(json& j, const SplitOptions& o) {
    j = json{
        {"validation_fraction", o.validation_fraction}, {"validation_count", o.validation_count}, {"seed", o.seed}};
}

void from_json(const json& j, SplitOptions& o) {
    ObjectReader r(j, "split");
    r.get("validation_fraction", o.validation_fraction);
    r.get("validation_count", o.validation_count);
    r.get("seed", o.seed);
    r.reject_unknown();
}

void to_json(json& j, const LengthBatchOptions& o) {
    j = json{{"batch_size", o.batch_size}, {"pool_batches", o.pool_batches}, {"seed", o.seed}};
}

void from_json(const json& j, LengthBatchOptions& o) {
    ObjectReader r(j, "batches");
    r.get("batch_size", o.batch_size);
    r.get("pool_batches", o.pool_batches);
    r.get("seed", o.seed);
    r.reject_unknown();
}

}  // namespace qt
