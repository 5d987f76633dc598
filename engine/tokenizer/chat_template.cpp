#include "tokenizer/chat_template.h"

#include <stdexcept>

#include "gguf/gguf_file.h"
#include "tokenizer/unicode_text.h"

namespace qt {
namespace {

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// Reads the Jinja string literal whose opening quote is at `quote`; handles the
// escapes Jinja's (Python's) literals use. Empty when there is no closed literal.
std::string read_string_literal(const std::string& src, size_t quote) {
    const char q = src[quote];
    std::string out;
    for (size_t i = quote + 1; i < src.size(); ++i) {
        const char c = src[i];
        if (c == q) return out;
        if (c != '\\' || i + 1 >= src.size()) {
            out += c;
            continue;
        }
        const char e = src[++i];
        switch (e) {
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case 'r': out += '\r'; break;
            case '\\': out += '\\'; break;
            case '\'': out += '\''; break;
            case '"': out += '"'; break;
            default: out += '\\'; out += e; break;
        }
    }
    return {};
}

// A ChatML template that writes a whole system turn as one literal (SmolLM2,
// Qwen2: '<|im_start|>system\nYou are ...<|im_end|>\n') prints it when the first
// message is not a system message. Returns that literal, or "" if there is none.
std::string find_default_system_turn(const std::string& src) {
    const std::string head = "<|im_start|>system";
    for (size_t at = src.find(head); at != std::string::npos; at = src.find(head, at + 1)) {
        if (at == 0 || (src[at - 1] != '\'' && src[at - 1] != '"')) continue;
        const std::string literal = read_string_literal(src, at - 1);
        if (literal.rfind(head + "\n", 0) == 0 && literal.size() > head.size() + 1 &&
            literal.find("<|im_end|>") != std::string::npos)
            return literal;
    }
    return {};
}

bool has_system_first(const std::vector<ChatMessage>& msgs) { return !msgs.empty() && msgs[0].role == "system"; }

}  // namespace

ChatTemplate ChatTemplate::from_gguf(const GgufFile& file) {
    const std::string source = file.get_string("tokenizer.chat_template");
    std::string bos, eos;
    if (const GgufValue* tokens = file.find("tokenizer.ggml.tokens"); tokens && tokens->is_array()) {
        const auto& t = tokens->strings;
        const int64_t b = file.get_int("tokenizer.ggml.bos_token_id", -1);
        const int64_t e = file.get_int("tokenizer.ggml.eos_token_id", -1);
        if (b >= 0 && b < static_cast<int64_t>(t.size())) bos = t[b];
        if (e >= 0 && e < static_cast<int64_t>(t.size())) eos = t[e];
    }
    return ChatTemplate(source, bos, eos);
}

ChatTemplate::ChatTemplate(std::string jinja_source, std::string bos_token, std::string eos_token)
    : source_(std::move(jinja_source)), bos_(std::move(bos_token)), eos_(std::move(eos_token)) {
    const std::string& s = source_;
    const char* default_bos = "<s>";
    const char* default_eos = "</s>";
    if (contains(s, "<|im_start|>")) {
        family_ = Family::ChatML;
        default_system_turn_ = find_default_system_turn(s);
    } else if (contains(s, "[INST]")) {
        family_ = Family::Llama2;
        llama2_system_block_ = contains(s, "<<SYS>>");
        llama2_space_around_reply_ = contains(s, "' ' + eos_token");
        llama2_bos_every_turn_ = contains(s, "bos_token + '[INST]");
        llama2_strip_ = contains(s, "content.strip()");
    } else if (contains(s, "<|start_header_id|>") && contains(s, "<|end_header_id|>")) {
        family_ = Family::Llama3;
        default_bos = "<|begin_of_text|>";
        default_eos = "<|eot_id|>";
    } else if (contains(s, "<|assistant|>") && contains(s, "<|end|>")) {
        family_ = Family::Phi3;
        default_eos = "<|endoftext|>";
        phi3_eos_without_prompt_ = contains(s, "{% else %}{{ eos_token }}");
    } else if (contains(s, "<|user|>")) {
        family_ = Family::Zephyr;
    } else if (contains(s, "<start_of_turn>")) {
        family_ = Family::Gemma;
        default_bos = "<bos>";
        default_eos = "<eos>";
    } else {
        std::string head = s.substr(0, 80);
        for (char& c : head)
            if (c == '\n') c = ' ';
        throw std::invalid_argument("unrecognised chat template starting \"" + head + (s.size() > 80 ? "...\"" : "\"") +
                                    "; known families: ChatML, Llama-2/Mistral [INST], Llama-3, Zephyr, Gemma, Phi-3");
    }
    if (bos_.empty()) bos_ = default_bos;
    if (eos_.empty()) eos_ = default_eos;
    prints_bos_ = contains(s, "bos_token");
}

std::string ChatTemplate::name() const {
    switch (family_) {
        case Family::ChatML: return "chatml";
        case Family::Llama2: return "llama2";
        case Family::Llama3: return "llama3";
        case Family::Zephyr: return "zephyr";
        case Family::Gemma: return "gemma";
        case Family::Phi3: return "phi3";
    }
    return "unknown";
}

std::string ChatTemplate::apply(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const {
    switch (family_) {
        case Family::ChatML: return render_chatml(msgs, add_generation_prompt);
        case Family::Llama2: return render_llama2(msgs);
        case Family::Llama3: return render_llama3(msgs, add_generation_prompt);
        case Family::Zephyr: return render_zephyr(msgs, add_generation_prompt);
        case Family::Gemma: return render_gemma(msgs, add_generation_prompt);
        case Family::Phi3: return render_phi3(msgs, add_generation_prompt);
    }
    return {};
}

// <|im_start|>ROLE\nCONTENT<|im_end|>\n per message; "<|im_start|>assistant\n" to prompt.
std::string ChatTemplate::render_chatml(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const {
    std::string out;
    if (!msgs.empty() && !has_system_first(msgs)) out += default_system_turn_;
    for (const auto& m : msgs) out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
    if (add_generation_prompt) out += "<|im_start|>assistant\n";
    return out;
}

// [BOS][INST] (<<SYS>>\nSYSTEM\n<</SYS>>\n\n)USER [/INST] REPLY</s>... The
// templates have no generation prompt: the text already ends in "[/INST]".
std::string ChatTemplate::render_llama2(const std::vector<ChatMessage>& msgs) const {
    auto clean = [&](const std::string& t) { return llama2_strip_ ? unicode::python_strip(t) : t; };
    std::string out, system;
    size_t first = 0;
    if (has_system_first(msgs)) {
        system = msgs[0].content;
        first = 1;
    }
    bool first_user = true;
    for (size_t i = first; i < msgs.size(); ++i) {
        const auto& m = msgs[i];
        if (m.role == "user") {
            std::string content = m.content;
            if (first_user && first == 1) {
                // Templates without <<SYS>> reject a system message; like llama.cpp,
                // keep it as the first line of the first user turn instead.
                content = llama2_system_block_ ? "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content : system + "\n" + content;
            }
            if ((first_user && prints_bos_) || llama2_bos_every_turn_) out += bos_;
            out += "[INST] " + clean(content) + " [/INST]";
            first_user = false;
        } else {
            if (llama2_space_around_reply_) out += ' ';
            out += clean(m.content);
            if (llama2_space_around_reply_) out += ' ';
            out += eos_;
        }
    }
    return out;
}

// [BOS]<|start_header_id|>ROLE<|end_header_id|>\n\nCONTENT|trim<|eot_id|>...
std::string ChatTemplate::render_llama3(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const {
    std::string out = prints_bos_ && !msgs.empty() ? bos_ : "";
    for (const auto& m : msgs)
        out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + unicode::python_strip(m.content) + "<|eot_id|>";
    if (add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
    return out;
}

// <|ROLE|>\nCONTENT</s>\n per message; "<|assistant|>\n" to prompt.
std::string ChatTemplate::render_zephyr(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const {
    std::string out;
    for (const auto& m : msgs) out += "<|" + m.role + "|>\n" + m.content + eos_ + "\n";
    if (add_generation_prompt && !msgs.empty()) out += "<|assistant|>\n";
    return out;
}

// [BOS]<start_of_turn>user|model\nCONTENT|trim<end_of_turn>\n; Gemma has no
// system role, so (as llama.cpp and Gemma 3 do) a system message opens the first user turn.
std::string ChatTemplate::render_gemma(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const {
    std::string out = prints_bos_ ? bos_ : "";
    std::string system;
    for (const auto& m : msgs) {
        if (m.role == "system") {
            system = unicode::python_strip(m.content);
            continue;
        }
        const std::string role = m.role == "assistant" ? "model" : m.role;
        std::string content = unicode::python_strip(m.content);
        if (!system.empty() && role != "model") {
            content = system + "\n\n" + content;
            system.clear();
        }
        out += "<start_of_turn>" + role + "\n" + content + "<end_of_turn>\n";
    }
    if (add_generation_prompt) out += "<start_of_turn>model\n";
    return out;
}

// [BOS]<|ROLE|>\nCONTENT<|end|>\n per message; "<|assistant|>\n" to prompt.
std::string ChatTemplate::render_phi3(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const {
    std::string out = prints_bos_ ? bos_ : "";
    for (const auto& m : msgs) out += "<|" + m.role + "|>\n" + m.content + "<|end|>\n";
    if (add_generation_prompt) out += "<|assistant|>\n";
    else if (phi3_eos_without_prompt_) out += eos_;
    return out;
}

}  // namespace qt
