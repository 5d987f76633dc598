#include "hf/hf_tokenizer.h"

#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "tokenizer/pre_tokenizer.h"
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
        // Byte-level BPE never produces an unknown token; one not in the vocabulary is dropped.
        if (const std::string unk = token_text(c, "unk_token"); !unk.empty())
            for (size_t id = 0; id < t.tokens.size() && t.unk_id < 0; ++id)
                if (t.tokens[id] == unk) t.unk_id = static_cast<int32_t>(id);
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
    if (unk_id >= 0) out.set_u32("tokenizer.ggml.unknown_token_id", static_cast<uint32_t>(unk_id));
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

HfTokenizer HfTokenizer::from_gguf(const GgufFile& f) {
    const std::string model = f.get_string("tokenizer.ggml.model");
    if (model != "gpt2")
        f.fail("metadata \"tokenizer.ggml.model\"",
               "tokenizer \"" + model + "\" cannot be exported to tokenizer.json yet (only byte-level BPE, \"gpt2\")");
    HfTokenizer t;
    t.pre = f.get_string("tokenizer.ggml.pre", "default");
    try {
        hf_pre_tokenizer_json(t.pre);
    } catch (const std::invalid_argument&) {
        f.fail("metadata \"tokenizer.ggml.pre\"", "pre-tokenizer \"" + t.pre +
                                                      "\" has no tokenizer.json form here yet (gpt-2, smollm, "
                                                      "llama-bpe and qwen2 have)");
    }
    t.tokens = f.get_array("tokenizer.ggml.tokens").strings;
    if (t.tokens.empty()) f.fail("metadata \"tokenizer.ggml.tokens\"", "expected a non-empty array of strings");
    t.types.assign(t.tokens.size(), 1);
    if (f.find("tokenizer.ggml.token_type")) {
        const std::vector<int64_t>& types = f.get_array("tokenizer.ggml.token_type").ints;
        if (types.size() != t.tokens.size())
            f.fail("metadata \"tokenizer.ggml.token_type\"", std::to_string(types.size()) + " types for " +
                                                                 std::to_string(t.tokens.size()) + " tokens");
        t.types.assign(types.begin(), types.end());
    }
    if (f.find("tokenizer.ggml.merges")) t.merges = f.get_array("tokenizer.ggml.merges").strings;
    auto id = [&](const char* key) {
        const int64_t v = f.get_int(key, -1);
        return v >= 0 && v < static_cast<int64_t>(t.tokens.size()) ? static_cast<int32_t>(v) : -1;
    };
    t.bos_id = id("tokenizer.ggml.bos_token_id");
    t.eos_id = id("tokenizer.ggml.eos_token_id");
    t.pad_id = id("tokenizer.ggml.padding_token_id");
    t.unk_id = id("tokenizer.ggml.unknown_token_id");
    bool adds_bos = false;
    try {
        adds_bos = pre_tokenizer_from_name(t.pre).adds_bos;
    } catch (const std::invalid_argument&) {
    }
    t.add_bos = f.get_bool("tokenizer.ggml.add_bos_token", adds_bos) && t.bos_id >= 0;
    t.chat_template = f.get_string("tokenizer.chat_template", "");
    return t;
}

std::string HfTokenizer::tokenizer_json() const {
    json vocab = json::object(), added = json::array();
    std::map<std::string, size_t> first_id;
    for (size_t id = 0; id < tokens.size(); ++id) {
        if (auto [it, fresh] = first_id.emplace(tokens[id], id); !fresh)
            throw ModelFileError("tokenizer.ggml.tokens: ids " + std::to_string(it->second) + " and " +
                                 std::to_string(id) + " are the same text; tokenizer.json's vocab cannot hold both");
        vocab[tokens[id]] = id;
        // Control (3) and user-defined (4) tokens are cut out of the text whole: added tokens.
        if (types[id] == 3 || types[id] == 4)
            added.push_back({{"id", id},
                             {"content", tokens[id]},
                             {"single_word", false},
                             {"lstrip", false},
                             {"rstrip", false},
                             {"normalized", types[id] == 4},
                             {"special", types[id] == 3}});
    }
    json merge_pairs = json::array();
    for (const std::string& m : merges) {
        const size_t space = m.find(' ');
        if (space == std::string::npos || m.find(' ', space + 1) != std::string::npos)
            throw ModelFileError("tokenizer.ggml.merges: \"" + m + "\" is not two tokens separated by one space");
        merge_pairs.push_back({m.substr(0, space), m.substr(space + 1)});
    }
    bool ignore_merges = false;
    try {
        ignore_merges = pre_tokenizer_from_name(pre).ignore_merges;
    } catch (const std::invalid_argument&) {
    }
    // The post-processor adds BOS when add_bos (read_folder reads add_bos back from it).
    json single = json::array({{{"Sequence", {{"id", "A"}, {"type_id", 0}}}}});
    json pair = json::array({{{"Sequence", {{"id", "A"}, {"type_id", 0}}}}, {{"Sequence", {{"id", "B"}, {"type_id", 1}}}}});
    json specials = json::object();
    if (add_bos) {
        const json bos = {{"SpecialToken", {{"id", tokens[bos_id]}, {"type_id", 0}}}};
        single.insert(single.begin(), bos);
        pair.insert(pair.begin(), bos);
        pair.insert(pair.begin() + 2, {{"SpecialToken", {{"id", tokens[bos_id]}, {"type_id", 1}}}});
        specials[tokens[bos_id]] = {{"id", tokens[bos_id]}, {"ids", {bos_id}}, {"tokens", {tokens[bos_id]}}};
    }
    const json j = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer", json::parse(hf_pre_tokenizer_json(pre))},
        {"post_processor", {{"type", "TemplateProcessing"}, {"single", single}, {"pair", pair}, {"special_tokens", specials}}},
        {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", ""},
          {"end_of_word_suffix", ""},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", ignore_merges},
          {"vocab", vocab},
          {"merges", merge_pairs}}},
    };
    try {
        return j.dump() + "\n";
    } catch (const json::type_error& e) {  // 316: a token that is not UTF-8
        throw ModelFileError(std::string("tokenizer.ggml.tokens: a token is not valid UTF-8, which tokenizer.json "
                                         "cannot hold (") + e.what() + ")");
    }
}

std::string HfTokenizer::tokenizer_config_json(int context_length) const {
    json added = json::object();
    for (size_t id = 0; id < tokens.size(); ++id)
        if (types[id] == 3 || types[id] == 4)
            added[std::to_string(id)] = {{"content", tokens[id]}, {"lstrip", false},  {"normalized", types[id] == 4},
                                         {"rstrip", false},       {"single_word", false}, {"special", types[id] == 3}};
    json j = {
        {"tokenizer_class", "PreTrainedTokenizerFast"},
        {"add_bos_token", add_bos},
        {"add_eos_token", false},
        {"clean_up_tokenization_spaces", false},
        {"model_max_length", context_length},
        {"added_tokens_decoder", added},
    };
    auto text = [&](const char* key, int32_t id) {
        if (id >= 0) j[key] = tokens[id];
    };
    text("bos_token", bos_id);
    text("eos_token", eos_id);
    text("pad_token", pad_id);
    text("unk_token", unk_id);
    if (!chat_template.empty()) j["chat_template"] = chat_template;
    try {
        return j.dump(2) + "\n";
    } catch (const json::type_error& e) {
        throw ModelFileError(std::string("tokenizer.chat_template or a special token is not valid UTF-8 (") + e.what() +
                             ")");
    }
}

}  // namespace qt
