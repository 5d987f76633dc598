// Chat templates: our renderings must be byte-identical to Jinja2's rendering of
// the template source (HF settings), for SmolLM2's real template read from the
// default model and for one representative template per other family
// (tests/fixtures/chat_templates.json).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <nlohmann/json.hpp>

#include "gguf/gguf_file.h"
#include "test_support.h"
#include "tokenizer/chat_template.h"

namespace {

using nlohmann::json;

json load_fixture() {
    std::ifstream in(qt::test::source_dir() + "/tests/fixtures/chat_templates.json");
    return json::parse(in);
}

std::vector<qt::ChatMessage> to_messages(const json& conv) {
    std::vector<qt::ChatMessage> out;
    for (const auto& m : conv) out.push_back({m.at("role").get<std::string>(), m.at("content").get<std::string>()});
    return out;
}

bool has_system(const json& conv) { return !conv.empty() && conv[0].at("role") == "system"; }

// Renders every conversation (with and without the generation prompt) with
// Jinja2 and with `tmpl`; returns how many renderings were compared.
size_t expect_same_as_jinja(const qt::ChatTemplate& tmpl, const std::string& source, const std::string& bos,
                            const std::string& eos, const std::vector<json>& conversations) {
    json request = {{"template", source}, {"bos_token", bos}, {"eos_token", eos}, {"cases", json::array()}};
    for (const auto& conv : conversations)
        for (const bool gen : {false, true})
            request["cases"].push_back({{"messages", conv}, {"add_generation_prompt", gen}});
    const std::string path = qt::test::make_temp_dir("chat") + "/request.json";
    std::ofstream(path) << request.dump();
    const json rendered = json::parse(qt::test::run_oracle("tokenize_chat_template.py", {path}));
    size_t i = 0;
    for (const auto& conv : conversations) {
        for (const bool gen : {false, true}) {
            const std::string want = rendered.at(i++).get<std::string>();
            EXPECT_EQ(tmpl.apply(to_messages(conv), gen), want)
                << tmpl.name() << " conversation " << conv.dump() << " add_generation_prompt=" << gen;
        }
    }
    return i;
}

}  // namespace

TEST(ChatTemplate, RendersSmolLM2TemplateExactlyAsJinja) {
    QT_REQUIRE_MODEL_AND_ORACLE(model);
    auto file = qt::GgufFile::open(model);
    const qt::ChatTemplate tmpl = qt::ChatTemplate::from_gguf(*file);
    EXPECT_EQ(tmpl.name(), "chatml");
    const json fixture = load_fixture();
    std::vector<json> conversations(fixture.at("conversations").begin(), fixture.at("conversations").end());
    const size_t n = expect_same_as_jinja(tmpl, file->get_string("tokenizer.chat_template"), "<|im_start|>",
                                          "<|im_end|>", conversations);
    EXPECT_EQ(n, 2 * conversations.size());
    // The default system turn comes from the template text itself.
    const std::string out = tmpl.apply({{"user", "Hi"}}, true);
    EXPECT_EQ(out,
              "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
              "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, RendersEachRecognisedFamilyExactlyAsJinja) {
    if (qt::test::oracle_python().empty()) {
        if (qt::test::oracles_required()) FAIL() << "oracle python missing";
        GTEST_SKIP() << "oracle python missing (run scripts/setup.sh); skipping";
    }
    const json fixture = load_fixture();
    std::set<std::string> families;
    size_t compared = 0;
    for (const auto& t : fixture.at("templates")) {
        const std::string source = t.at("source"), bos = t.at("bos_token"), eos = t.at("eos_token");
        const qt::ChatTemplate tmpl(source, bos, eos);
        EXPECT_EQ(tmpl.name(), t.at("family").get<std::string>()) << t.at("model");
        families.insert(tmpl.name());
        std::vector<json> conversations;
        for (const auto& conv : fixture.at("conversations"))
            if (t.at("supports_system").get<bool>() || !has_system(conv)) conversations.push_back(conv);
        compared += expect_same_as_jinja(tmpl, source, bos, eos, conversations);
    }
    EXPECT_EQ(families, (std::set<std::string>{"chatml", "llama2", "llama3", "zephyr", "gemma", "phi3"}));
    std::cout << "[chat templates] " << compared << " renderings compared with Jinja2\n";
}

TEST(ChatTemplate, RejectsUnknownTemplateNamingItsStart) {
    try {
        qt::ChatTemplate tmpl("{% for m in messages %}### {{ m['role'] }}: {{ m['content'] }}{% endfor %}");
        FAIL() << "unknown template accepted as " << tmpl.name();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("{% for m in messages %}### "), std::string::npos) << e.what();
    }
}
