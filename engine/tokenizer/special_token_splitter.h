#pragma once
// Cuts special tokens (control, user-defined, unknown) out of input text before
// the text is tokenized, as llama.cpp's special-token partition does: tokens are
// tried longest text first, each over every remaining stretch of plain text,
// left to right. Without parse_special only user-defined tokens are cut out
// ("<|im_start|>" typed by a user then stays plain text).
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/vocabulary.h"

namespace qt {

struct TextFragment {
    int32_t token_id = -1;   // >= 0: a special token
    std::string_view text;   // plain text when token_id < 0
};

std::vector<TextFragment> split_special_tokens(const Vocabulary& vocab, std::string_view text, bool parse_special);

}  // namespace qt
