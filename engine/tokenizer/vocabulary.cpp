#include "tokenizer/vocabulary.h"

#include <algorithm>

#include "gguf/gguf_file.h"

namespace qt {
namespace {

// Token texts that end a turn in the chat formats llama.cpp knows; a vocabulary
// containing one stops generation on it as well as on its EOS.
const char* const kEndOfGenerationTexts[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>", "<|endoftext|>",
    "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
};

// Fill-in-the-middle pad / repository / file-separator tokens also end
// generation in llama.cpp; files that lack their *_token_id keys are searched for
// these texts (the first one present counts).
struct FimEndToken {
    const char* key;
    std::vector<const char*> texts;
};
const FimEndToken kFimEndTokens[] = {
    {"tokenizer.ggml.fim_pad_token_id", {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"}},
    {"tokenizer.ggml.fim_rep_token_id", {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"}},
    {"tokenizer.ggml.fim_sep_token_id", {"<|file_sep|>"}},
};

int32_t read_token_id(const GgufFile& file, const char* key, int32_t fallback, int32_t vocab_size) {
    const int64_t v = file.get_int(key, fallback);
    if (v == -1 || v == fallback) return static_cast<int32_t>(v);
    if (v < 0 || v >= vocab_size)
        file.fail("metadata", "key \"" + std::string(key) + "\" = " + std::to_string(v) +
                                  " is outside the vocabulary of " + std::to_string(vocab_size) + " tokens");
    return static_cast<int32_t>(v);
}

}  // namespace

Vocabulary Vocabulary::from_gguf(const GgufFile& file) {
    Vocabulary v;
    v.source = file.path();
    v.model = file.get_string("tokenizer.ggml.model");

    const GgufValue& tokens = file.get_array("tokenizer.ggml.tokens");
    if (tokens.elem_type != GgufValueType::STRING)
        file.fail("metadata", "key \"tokenizer.ggml.tokens\" must be an array of strings");
    if (tokens.strings.empty()) file.fail("metadata", "key \"tokenizer.ggml.tokens\" is an empty array");
    v.tokens = tokens.strings;
    const size_t n = v.tokens.size();

    v.types.assign(n, TokenType::Normal);
    if (const GgufValue* tt = file.find("tokenizer.ggml.token_type")) {
        if (!tt->is_array() || tt->ints.size() != n)
            file.fail("metadata", "key \"tokenizer.ggml.token_type\" must be an integer array of " +
                                      std::to_string(n) + " entries (one per token)");
        for (size_t i = 0; i < n; ++i) {
            const int64_t t = tt->ints[i];
            if (t < 0 || t > 6)
                file.fail("metadata", "key \"tokenizer.ggml.token_type\"[" + std::to_string(i) + "] = " +
                                          std::to_string(t) + " is not a token type (0..6)");
            v.types[i] = static_cast<TokenType>(t);
        }
    }
    if (const GgufValue* sc = file.find("tokenizer.ggml.scores")) {
        if (!sc->is_array() || sc->reals.size() != n)
            file.fail("metadata", "key \"tokenizer.ggml.scores\" must be a float array of " + std::to_string(n) +
                                      " entries (one per token)");
        v.scores.assign(sc->reals.begin(), sc->reals.end());
    }

    v.token_to_id.reserve(n);
    for (size_t i = 0; i < n; ++i) v.token_to_id.emplace(v.tokens[i], static_cast<int32_t>(i));  // first wins

    const int32_t vs = v.size();
    const bool spm = v.model == "llama";
    v.bos_id = read_token_id(file, "tokenizer.ggml.bos_token_id", spm ? 1 : -1, vs);
    v.eos_id = read_token_id(file, "tokenizer.ggml.eos_token_id", spm ? 2 : -1, vs);
    v.unk_id = read_token_id(file, "tokenizer.ggml.unknown_token_id", spm ? 0 : -1, vs);
    if (!v.valid_id(v.bos_id)) v.bos_id = -1;
    if (!v.valid_id(v.eos_id)) v.eos_id = -1;
    if (!v.valid_id(v.unk_id)) v.unk_id = -1;
    v.add_bos = file.get_bool("tokenizer.ggml.add_bos_token", spm);
    v.add_eos = file.get_bool("tokenizer.ggml.add_eos_token", false);
    v.add_space_prefix = file.get_bool("tokenizer.ggml.add_space_prefix", spm);

    for (int32_t i = 0; i < vs; ++i) {
        const TokenType t = v.types[i];
        if ((t == TokenType::Control || t == TokenType::UserDefined || t == TokenType::Unknown) && !v.tokens[i].empty())
            v.special_ids_longest_first.push_back(i);
    }
    std::stable_sort(v.special_ids_longest_first.begin(), v.special_ids_longest_first.end(),
                     [&](int32_t a, int32_t b) { return v.tokens[a].size() > v.tokens[b].size(); });

    if (v.eos_id >= 0) v.end_of_generation_ids.insert(v.eos_id);
    for (const char* text : kEndOfGenerationTexts) {
        const int32_t id = v.find(text);
        if (id >= 0) v.end_of_generation_ids.insert(id);
    }
    for (const FimEndToken& fim : kFimEndTokens) {
        int64_t id = file.get_int(fim.key, -1);
        for (size_t k = 0; id < 0 && k < fim.texts.size(); ++k) id = v.find(fim.texts[k]);
        if (id >= 0 && id < vs) v.end_of_generation_ids.insert(static_cast<int32_t>(id));
    }
    if (const int64_t eot = file.get_int("tokenizer.ggml.eot_token_id", -1); eot >= 0 && eot < vs)
        v.end_of_generation_ids.insert(static_cast<int32_t>(eot));
    if (const int64_t eom = file.get_int("tokenizer.ggml.eom_token_id", -1); eom >= 0 && eom < vs)
        v.end_of_generation_ids.insert(static_cast<int32_t>(eom));
    return v;
}

}  // namespace qt
