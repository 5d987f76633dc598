#pragma once
// Pre-tokenizers of byte-level BPE vocabularies: split text into words before
// merges, as the regexes llama.cpp associates with tokenizer.ggml.pre do. The
// regexes use \p{L} and \p{N}, which std::regex lacks, so each is a hand-written
// scanner that follows the regex's alternation order and greediness.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qt {

// C below is llama.cpp's contraction group (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]).
enum class PreTokenizerKind {
    // llama.cpp's list for "default" (and for a file without tokenizer.ggml.pre), each
    // regex splitting the pieces of the one before: [\p{P}\$\+<=>\^~\|]+, then Gpt2, then \p{N}+, then [0-9]{3}
    Default,
    Gpt2,        // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    Gpt2Digits,  // first \p{N} (every digit its own word), then Gpt2 on the rest: smollm, starcoder, refact ...
    Llama3,      // C|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
    Qwen2,       // Llama3 with \p{N}: every digit its own word (Qwen2, Qwen2.5, Qwen3, DeepSeek-R1-Qwen)
    // Tekken and Gpt4o split letter runs at case changes. Their HF regexes use
    // \p{Lu}..\p{Ll}; llama.cpp runs them as U = (?=\p{L})[^a-z] and L = (?=\p{L})[^A-Z],
    // so every non-ASCII letter counts as both upper and lower case. We follow llama.cpp.
    Tekken,  // [^\r\n\p{L}\p{N}]?U*L+|[^\r\n\p{L}\p{N}]?U+L*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
    Gpt4o,   // as Tekken with C? after each letter alternative and \p{N}{1,3}: gpt-4o, llama4
};

// What a tokenizer.ggml.pre value selects in llama.cpp: the split, and the two
// vocabulary flags llama.cpp sets along with it.
struct PreTokenizerSpec {
    PreTokenizerKind kind;
    bool ignore_merges;  // a word that is itself a token becomes that token, merges or not
    bool adds_bos;       // BOS is added when tokenizer.ggml.add_bos_token is absent
};

// Maps a tokenizer.ggml.pre value to its pre-tokenizer; throws std::invalid_argument
// listing every supported value for names this engine does not implement.
PreTokenizerSpec pre_tokenizer_from_name(const std::string& pre);
// Every tokenizer.ggml.pre value pre_tokenizer_from_name accepts, in table order.
std::vector<std::string> supported_pre_tokenizer_names();

// Splits `text` into words (UTF-8; invalid bytes become U+FFFD as in the reference).
std::vector<std::string> pre_tokenize(PreTokenizerKind kind, std::string_view text);

}  // namespace qt
