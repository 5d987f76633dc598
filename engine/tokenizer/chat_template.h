#pragma once
// Chat formatting. A model's tokenizer.chat_template is Jinja source; rather than
// run Jinja, the template is recognised by its markers (as llama.cpp does) and
// rendered by a hand-written formatter for its family, producing the bytes the
// template itself would render (HF's Jinja settings: trim_blocks, lstrip_blocks).
#include <string>
#include <vector>

namespace qt {

class GgufFile;

struct ChatMessage {
    std::string role;  // "system", "user", "assistant"
    std::string content;
};

class ChatTemplate {
public:
    enum class Family { ChatML, Llama2, Llama3, Zephyr, Gemma, Phi3 };

    // Reads tokenizer.chat_template and the BOS/EOS token texts the template may
    // print; throws ModelFileError when the key is missing, std::invalid_argument
    // when the template is not one of the recognised families.
    static ChatTemplate from_gguf(const GgufFile& file);
    // bos_token / eos_token: the texts Jinja's bos_token / eos_token would hold;
    // empty picks the family's usual ones ("<s>", "</s>", "<|begin_of_text|>" ...).
    explicit ChatTemplate(std::string jinja_source, std::string bos_token = "", std::string eos_token = "");

    // Renders the conversation; the output includes the BOS text where the
    // template prints bos_token, so encode it with add_bos=false, parse_special=true.
    std::string apply(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const;
    std::string name() const;
    Family family() const { return family_; }
    const std::string& source() const { return source_; }

private:
    std::string render_chatml(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const;
    std::string render_llama2(const std::vector<ChatMessage>& msgs) const;
    std::string render_llama3(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const;
    std::string render_zephyr(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const;
    std::string render_gemma(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const;
    std::string render_phi3(const std::vector<ChatMessage>& msgs, bool add_generation_prompt) const;

    std::string source_;
    Family family_ = Family::ChatML;
    std::string bos_, eos_;
    bool prints_bos_ = false;  // the template prints bos_token at the start

    // ChatML: the system turn the template prints when the conversation has none
    // (SmolLM2: "You are a helpful AI assistant named SmolLM, ..."), verbatim.
    std::string default_system_turn_;
    // Llama-2 variants, as llama.cpp tells them apart.
    bool llama2_system_block_ = false;      // <<SYS>> ... <</SYS>> inside the first [INST]
    bool llama2_space_around_reply_ = false;  // ' ' + content + ' ' + eos_token
    bool llama2_bos_every_turn_ = false;    // bos_token + '[INST] ' on every user turn
    bool llama2_strip_ = false;             // content.strip()
    // Phi-3 variant that ends a finished conversation with eos_token.
    bool phi3_eos_without_prompt_ = false;
};

}  // namespace qt
