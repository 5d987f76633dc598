#include "hf/hf_tokenizer.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "gguf/gguf_writer.h"
#include "util/model_file_error.h"

namespace qt {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The split patterns of the byte-level pre-tokenizers we know by name (tokenizers'
// Split(Regex) ahead of ByteLevel(use_regex=false)); the engine's pre_tokenizer.cpp
// implements each under that name.
constexpr const char* kLlama3Regex =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kQwen2Regex =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

[[noreturn]] void fail(const std::string& path, const std::string& key, const std::string& problem) {
    throw ModelFileError(path + ": key \"" + key + "\": " + problem);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ModelFileError(path + ": cannot open");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

json parse_json(const std::string& path, const std::string& text) {
    try {
        json j = json::parse(text);
        if (!j.is_object()) throw ModelFileError(path + ": expected a JSON object at the top level");
        return j;
    } catch (const json::exception& e) {
        throw ModelFileError(path + ": not valid JSON (" + e.what() + ")");
    }
}

bool is_byte_level(const json& p, bool regex) {
    return p.is_object() && p.value("type", "") == "ByteLevel" && p.value("use_regex", true) == regex;
}

// The GGUF pre-tokenizer name for a tokenizer.json "pre_tokenizer".
std::string pre_tokenizer_name(const std::string& path, const json& p) {
    if (is_byte_level(p, true)) return "gpt-2";
    if (p.is_object() && p.value("type", "") == "Sequence" && p.contains("pretokenizers") &&
        p["pretokenizers"].is_array() && p["pretokenizers"].size() == 2) {
        const json& first = p["pretokenizers"][0];
        const json& second = p["pretokenizers"][1];
        if (first.value("type", "") == "Digits" && first.value("individual_digits", false) &&
            is_byte_level(second, true))
            return "smollm";
        if (first.value("type", "") == "Split" && is_byte_level(second, false) && first.contains("pattern") &&
            first["pattern"].is_object() && first["pattern"].contains("Regex") &&
            first["pattern"]["Regex"].is_string()) {
            const std::string regex = first["pattern"]["Regex"].get<std::string>();
            if (regex == kLlama3Regex) return "llama-bpe";
            if (regex == kQwen2Regex) return "qwen2";
        }
    }
    fail(path, "pre_tokenizer",
         "not a pre-tokenizer QuantTune knows (byte-level BPE with GPT-2's, SmolLM's digit, Llama 3's or "
         "Qwen2's split); found " + p.dump().substr(0, 200));
}

// A special token in tokenizer_config.json: "text" or {"content": "text", ...}.
std::string token_text(const json& config, const char* key) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
        return (*it)["content"].get<std::string>();
    return {};
}

}  // namespace

HfTokenizer HfTokenizer::read_folder(const std::string& folder) {
    const fs::path dir(folder);
    const std::string tok_path = (dir / "tokenizer.json").string();
    if (!fs::exists(tok_path)) {
        if (fs::exists(dir / "tokenizer.model"))
            throw ModelFileError((dir / "tokenizer.model").string() +
                                 ": SentencePiece tokenizers (tokenizer.model without tokenizer.json) are not "
                                 "supported yet; QuantTune reads byte-level BPE tokenizer.json");
        throw ModelFileError(tok_path + ": missing (a Hugging Face folder needs tokenizer.json)");
    }
    const std::string cfg_path = (dir / "tokenizer_config.json").string();
    const std::string cfg_text = fs::exists(cfg_path) ? read_text(cfg_path) : std::string();
    HfTokenizer t = parse(tok_path, read_text(tok_path), cfg_path, cfg_text);
    if (t.chat_template.empty() && fs::exists(dir / "chat_template.jinja"))
        t.chat_template = read_text((dir / "chat_template.jinja").string());
    return t;
}

HfTokenizer HfTokenizer::parse(const std::string& tokenizer_path, const std::string& tokenizer_text,
                               const std::string& config_path, const std::string& config_text) {
    const std::string& p = tokenizer_path;
    const json j = parse_json(p, tokenizer_text);
    if (!j.contains("model") || !j["model"].is_object()) fail(p, "model", "missing or not an object");
    const json& model = j["model"];
    if (model.value("type", "") != "BPE")
        fail(p, "model.type", "\"" + model.value("type", std::string("?")) +
                                  "\" is not supported (QuantTune reads byte-level \"BPE\")");
    if (model.value("byte_fallback", false))
        fail(p, "model.byte_fallback",
             "SentencePiece-style BPE (byte fallback) is not supported yet; only byte-level BPE");
    HfTokenizer t;
    t.pre = pre_tokenizer_name(p, j.contains("pre_tokenizer") ? j["pre_tokenizer"] : json());

    if (!model.contains("vocab") || !model["vocab"].is_object() || model["vocab"].empty())
        fail(p, "model.vocab", "missing, empty or not an object of token -> id");
    const json* added = j.contains("added_tokens") && !j["added_tokens"].is_null() ? &j["added_tokens"] : nullptr;
    if (added && !added->is_array()) fail(p, "added_tokens", "expected an array");
    const size_t limit = model["vocab"].size() + (added ? added->size() : 0);
    auto place = [&](const std::string& key, const std::string& text, const json& id_json, int32_t type) {
        if (!id_json.is_number_integer() || id_json.get<int64_t>() < 0 ||
            static_cast<uint64_t>(id_json.get<int64_t>()) >= limit)
            fail(p, key, "token \"" + text + "\" has id " + id_json.dump() + ", expected an integer in [0, " +
                             std::to_string(limit) + ")");
        const size_t id = static_cast<size_t>(id_json.get<int64_t>());
        if (id >= t.tokens.size()) {
            t.tokens.resize(id + 1);
            t.types.resize(id + 1, 0);
        }
        if (t.types[id] != 0 && t.tokens[id] != text)
            fail(p, key, "id " + std::to_string(id) + " is given to both \"" + t.tokens[id] + "\" and \"" + text + "\"");
        t.tokens[id] = text;
        t.types[id] = type;
    };
    for (const auto& [text, id] : model["vocab"].items()) place("model.vocab", text, id, 1);
    if (added) {
        for (const json& a : *added) {
            if (!a.is_object() || !a.contains("content") || !a["content"].is_string() || !a.contains("id"))
                fail(p, "added_tokens", "an entry lacks a string \"content\" or an \"id\": " + a.dump());
            // Special added tokens are control tokens (never produced by merges, cut
            // out of text whole); others are user-defined, as llama.cpp's converter writes.
            place("added_tokens", a["content"].get<std::string>(), a["id"], a.value("special", false) ? 3 : 4);
        }
    }
    for (size_t id = 0; id < t.tokens.size(); ++id)
        if (t.types[id] == 0) fail(p, "model.vocab", "no token has id " + std::to_string(id) + " (ids must be dense)");

    if (!model.contains("merges") || !model["merges"].is_array()) fail(p, "model.merges", "missing or not an array");
    t.merges.reserve(model["merges"].size());
    for (const json& m : model["merges"]) {
        // tokenizers writes "left right" (before 0.20) or ["left", "right"] (since).
        if (m.is_string()) {
            const std::string s = m.get<std::string>();
            const size_t space = s.find(' ');
            if (space == std::string::npos || space == 0 || space + 1 == s.size() ||
                s.find(' ', space + 1) != std::string::npos)
                fail(p, "model.merges", "\"" + s + "\" is not two tokens separated by one space");
            t.merges.push_back(s);
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
            const std::string a = m[0].get<std::string>(), b = m[1].get<std::string>();
            if (a.empty() || b.empty() || a.find(' ') != std::string::npos || b.find(' ') != std::string::npos)
                fail(p, "model.merges", m.dump() + ": byte-level tokens are non-empty and hold no space");
            t.merges.push_back(a + " " + b);
        } else {
            fail(p, "model.merges", "entry " + m.dump().substr(0, 80) + " is neither \"a b\" nor [\"a\", \"b\"]");
        }
    }

    // Whether a BOS is added: tokenizer_config's add_bos_token, else whether the
    // post-processor's single-sequence template starts with a special token.
    if (const json& post = j.value("post_processor", json()); post.is_object() &&
                                                              post.value("type", "") == "TemplateProcessing" &&
                                                              post.contains("single") && post["single"].is_array() &&
                                                              !post["single"].empty())
        t.add_bos = post["single"][0].contains("SpecialToken");

    if (!config_text.empty()) {
        const json c = parse_json(config_path, config_text);
        auto id_of = [&](const char* key) -> int32_t {
            const std::string text = token_text(c, key);
            if (text.empty()) return -1;
            for (size_t id = 0; id < t.tokens.size(); ++id)
                if (t.tokens[id] == text) return static_cast<int32_t>(id);
            fail(config_path, key, "token \"" + text + "\" is not in " + p);
        };
        t.bos_id = id_of("bos_token");
        t.eos_id = id_of("eos_token");
        t.pad_id = id_of("pad_token");
        if (c.contains("add_bos_token")) {
            if (!c["add_bos_token"].is_boolean()) fail(config_path, "add_bos_token", "expected true or false");
            t.add_bos = c["add_bos_token"].get<bool>();
        }
        if (c.contains("chat_template") && !c["chat_template"].is_null()) {
            const json& ct = c["chat_template"];
            if (ct.is_string()) {
                t.chat_template = ct.get<std::string>();
            } else if (ct.is_array()) {  // [{"name": "default", "template": ...}, ...]
                for (const json& e : ct)
                    if (e.is_object() && e.value("name", "") == "default" && e.contains("template") &&
                        e["template"].is_string())
                        t.chat_template = e["template"].get<std::string>();
                if (t.chat_template.empty())
                    fail(config_path, "chat_template", "a list of templates without one named \"default\"");
            } else {
                fail(config_path, "chat_template", "expected a string or a list of named templates");
            }
        }
    }
    return t;
}

void HfTokenizer::write_gguf_metadata(GgufWriter& out) const {
    out.set_string("tokenizer.ggml.model", "gpt2");
    out.set_string("tokenizer.ggml.pre", pre);
    out.set_string_array("tokenizer.ggml.tokens", tokens);
    out.set_i32_array("tokenizer.ggml.token_type", std::vector<int64_t>(types.begin(), types.end()));
    out.set_string_array("tokenizer.ggml.merges", merges);
    if (bos_id >= 0) out.set_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(bos_id));
    if (eos_id >= 0) out.set_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(eos_id));
    if (pad_id >= 0) out.set_u32("tokenizer.ggml.padding_token_id", static_cast<uint32_t>(pad_id));
    out.set_bool("tokenizer.ggml.add_bos_token", add_bos);
    if (!chat_template.empty()) out.set_string("tokenizer.chat_template", chat_template);
}

std::string hf_pre_tokenizer_json(const std::string& pre) {
    json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    if (pre == "gpt-2" || pre == "default") return byte_level.dump();
    if (pre == "smollm") {
        json digits = {{"type", "Digits"}, {"individual_digits", true}};
        return json{{"type", "Sequence"}, {"pretokenizers", json::array({digits, byte_level})}}.dump();
    }
    if (pre == "llama-bpe" || pre == "llama3" || pre == "llama-v3" || pre == "qwen2") {
        const char* regex = pre == "qwen2" ? kQwen2Regex : kLlama3Regex;
        json split = {{"type", "Split"}, {"pattern", {{"Regex", regex}}}, {"behavior", "Isolated"}, {"invert", false}};
        byte_level["use_regex"] = false;
        return json{{"type", "Sequence"}, {"pretokenizers", json::array({split, byte_level})}}.dump();
    }
    throw std::invalid_argument("no tokenizer.json pre-tokenizer is known for GGUF pre-tokenizer \"" + pre + "\"");
}

}  // namespace qt
