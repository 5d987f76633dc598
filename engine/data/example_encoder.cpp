#include "data/example_encoder.h"

#include <algorithm>
#include <cstdio>

#include "data/row_problem_log.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace qt {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

size_t Example::target_count() const {
    return static_cast<size_t>(std::count(loss_mask.begin(), loss_mask.end(), uint8_t{1}));
}

ExampleEncoder::ExampleEncoder(const Tokenizer& tokenizer, const ChatTemplate* chat_template,
                               const DatasetOptions& options)
    : tokenizer_(tokenizer), template_(chat_template), options_(options) {}

std::vector<ChatMessage> ExampleEncoder::conversation(const DatasetRow& row) const {
    std::vector<ChatMessage> msgs;
    if (row.schema == RowSchema::Chat) {
        msgs = row.messages;
        if (!options_.system_prompt.empty() && msgs.front().role != "system")
            msgs.insert(msgs.begin(), {"system", options_.system_prompt});
        return msgs;
    }
    if (!options_.system_prompt.empty()) msgs.push_back({"system", options_.system_prompt});
    msgs.push_back({"user", row.prompt});
    msgs.push_back({"assistant", row.completion});
    return msgs;
}

std::vector<ExampleEncoder::Piece> ExampleEncoder::template_pieces(const std::vector<ChatMessage>& msgs) const {
    // Each assistant reply is what the rendering of the conversation up to and
    // including it adds to the rendering of the conversation before it with the
    // generation prompt; the context pieces are what lies between. This needs
    // every rendering to extend the previous one, which is checked, not assumed.
    std::vector<Piece> pieces;
    std::string rendered;  // the conversation so far, as rendered
    for (size_t i = 0; i < msgs.size(); ++i) {
        if (msgs[i].role != "assistant") continue;
        const std::vector<ChatMessage> head(msgs.begin(), msgs.begin() + static_cast<ptrdiff_t>(i));
        const std::string before = template_->apply(head, true);
        const std::string after = template_->apply({msgs.begin(), msgs.begin() + static_cast<ptrdiff_t>(i) + 1}, false);
        if (!starts_with(before, rendered) || !starts_with(after, before))
            throw RowProblem("the " + template_->name() + " chat template does not render message " +
                             std::to_string(i) + " as a continuation of the messages before it, so the reply " +
                             "cannot be told apart from the prompt");
        pieces.push_back({before.substr(rendered.size()), false});
        pieces.push_back({after.substr(before.size()), true});
        rendered = after;
    }
    return pieces;
}

void ExampleEncoder::append_reply(const std::string& text, std::vector<int32_t>& tokens,
                                  std::vector<uint8_t>& mask) const {
    bool ended = false;
    for (int32_t id : tokenizer_.encode(text, false, true)) {
        tokens.push_back(id);
        mask.push_back(ended ? 0 : 1);
        if (tokenizer_.is_end_of_generation(id)) ended = true;
    }
}

namespace {

// Past this much text a row is skipped rather than tokenized: it would be cut to
// max_length tokens anyway, and tokenizing a giant line first costs time and memory
// out of all proportion (a 50 MiB line took 77 s and 2.2 GiB). A token is rarely
// longer than 16 bytes, so max_length x 64 bytes keeps every row truncation needs.
size_t max_row_bytes(size_t max_length) {
    return max_length == 0 ? size_t{64} << 20 : std::max<size_t>(size_t{1} << 20, max_length * 64);
}

size_t row_bytes(const DatasetRow& row) {
    size_t n = row.prompt.size() + row.completion.size() + row.text.size() + (row.label ? row.label->size() : 0);
    for (const ChatMessage& m : row.messages) n += m.role.size() + m.content.size();
    return n;
}

std::string mib(size_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
}

}  // namespace

Example ExampleEncoder::encode(const DatasetRow& row) const {
    if (const size_t bytes = row_bytes(row), cap = max_row_bytes(options_.max_length); bytes > cap)
        throw RowProblem("the row holds " + mib(bytes) + " of text; rows above " + mib(cap) +
                         " are skipped (max_length " + std::to_string(options_.max_length) +
                         " tokens would keep a small part of it)");
    Example ex;
    ex.source_line = row.line;
    auto& tokens = ex.tokens;
    auto& mask = ex.loss_mask;
    auto add = [&](const std::vector<int32_t>& ids, uint8_t target) {
        tokens.insert(tokens.end(), ids.begin(), ids.end());
        mask.insert(mask.end(), ids.size(), target);
    };
    const bool add_bos = tokenizer_.add_bos_by_default() && tokenizer_.bos_id() >= 0;

    if (row.schema == RowSchema::Text) {
        if (add_bos) add({tokenizer_.bos_id()}, 0);
        add(tokenizer_.encode(row.text, false, false), 1);
        if (options_.add_eos_to_text && tokenizer_.eos_id() >= 0) add({tokenizer_.eos_id()}, 1);
    } else if (template_) {
        for (const Piece& piece : template_pieces(conversation(row))) {
            if (piece.target) {
                ex.prompt_length = tokens.size();
                append_reply(piece.text, tokens, mask);
            } else {
                add(tokenizer_.encode(piece.text, false, true), 0);
            }
        }
    } else {
        if (row.schema == RowSchema::Chat) throw RowProblem("chat rows need a chat template");
        if (add_bos) add({tokenizer_.bos_id()}, 0);
        const std::string prompt =
            options_.system_prompt.empty() ? row.prompt : options_.system_prompt + "\n\n" + row.prompt;
        add(tokenizer_.encode(prompt, false, false), 0);
        ex.prompt_length = tokens.size();
        add(tokenizer_.encode(row.completion, false, false), 1);
        if (tokenizer_.eos_id() >= 0) add({tokenizer_.eos_id()}, 1);
    }

    if (options_.loss_on == LossOn::AllTokens) std::fill(mask.begin(), mask.end(), uint8_t{1});
    if (!mask.empty()) mask[0] = 0;  // nothing predicts the first token
    truncate(ex);
    if (ex.target_count() == 0)
        throw RowProblem("no token to learn from (" + std::to_string(tokens.size()) + " tokens, none a target)");
    return ex;
}

void ExampleEncoder::truncate(Example& ex) const {
    const size_t limit = options_.max_length;
    const size_t n = ex.tokens.size();
    if (limit == 0 || n <= limit) return;
    if (options_.overlong == OverlongRows::Skip)
        throw RowProblem(std::to_string(n) + " tokens, more than max_length " + std::to_string(limit));

    const size_t prompt = ex.prompt_length;
    const size_t completion = n - prompt;
    size_t keep_prompt = 0;  // the prompt's last keep_prompt tokens stay
    if (prompt > 0) {
        const size_t min_prompt = std::min(prompt, std::max<size_t>(1, limit / 2));
        keep_prompt = completion < limit ? std::max(limit - completion, min_prompt) : min_prompt;
        keep_prompt = std::min(keep_prompt, prompt);
    }
    const size_t keep_completion = limit - keep_prompt;
    const size_t cut_left = prompt - keep_prompt;
    auto cut = [&](auto& v) {
        v.erase(v.begin() + static_cast<ptrdiff_t>(prompt + keep_completion), v.end());
        v.erase(v.begin(), v.begin() + static_cast<ptrdiff_t>(cut_left));
    };
    cut(ex.tokens);
    cut(ex.loss_mask);
    ex.prompt_length = keep_prompt;
    ex.loss_mask[0] = 0;
    ex.truncated_tokens = n - ex.tokens.size();
}

std::vector<int32_t> ExampleEncoder::completion_tokens(const DatasetRow& row, const std::string& completion) const {
    std::vector<int32_t> tokens;
    if (template_ && row.schema != RowSchema::Text) {
        std::vector<ChatMessage> msgs = conversation(row);
        msgs.back().content = completion;
        const std::vector<Piece> pieces = template_pieces(msgs);
        std::vector<uint8_t> mask;
        append_reply(pieces.back().text, tokens, mask);
        tokens.resize(static_cast<size_t>(std::find(mask.begin(), mask.end(), uint8_t{0}) - mask.begin()));
        return tokens;
    }
    tokens = tokenizer_.encode(completion, false, false);
    if (tokenizer_.eos_id() >= 0) tokens.push_back(tokenizer_.eos_id());
    return tokens;
}

}  // namespace qt
