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

enum class PreTokenizerKind {
    Gpt2,          // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    Gpt2Digits,    // first \p{N} (every digit its own word), then Gpt2 on the rest: smollm, starcoder, refact ...
    Llama3,        // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
};

// Maps a tokenizer.ggml.pre value to its pre-tokenizer; throws std::invalid_argument
// for names this engine does not implement.
PreTokenizerKind pre_tokenizer_from_name(const std::string& pre);

// Splits `text` into words (UTF-8; invalid bytes become U+FFFD as in the reference).
std::vector<std::string> pre_tokenize(PreTokenizerKind kind, std::string_view text);

}  // namespace qt
