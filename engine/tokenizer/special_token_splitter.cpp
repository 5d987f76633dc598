#include "tokenizer/special_token_splitter.h"

namespace qt {

std::vector<TextFragment> split_special_tokens(const Vocabulary& vocab, std::string_view text, bool parse_special) {
    std::vector<TextFragment> fragments;
    if (text.empty()) return fragments;
    fragments.push_back({-1, text});
    std::vector<TextFragment> next;
    for (const int32_t id : vocab.special_ids_longest_first) {
        const TokenType type = vocab.types[id];
        if (!parse_special && (type == TokenType::Control || type == TokenType::Unknown)) continue;
        const std::string_view special = vocab.tokens[id];
        bool found_any = false;
        next.clear();
        for (const TextFragment& f : fragments) {
            if (f.token_id >= 0) {
                next.push_back(f);
                continue;
            }
            std::string_view rest = f.text;
            size_t at;
            while ((at = rest.find(special)) != std::string_view::npos) {
                found_any = true;
                if (at > 0) next.push_back({-1, rest.substr(0, at)});
                next.push_back({id, special});
                rest.remove_prefix(at + special.size());
            }
            if (!rest.empty()) next.push_back({-1, rest});
        }
        if (found_any) fragments.swap(next);
    }
    return fragments;
}

}  // namespace qt
