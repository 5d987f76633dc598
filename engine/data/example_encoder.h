#pragma once
// One dataset row -> one Example: the chat template (or none) applied, the text
// tokenized piece by piece so that the loss mask falls on token boundaries, and
// the row cut to max_length. The conventions are documented in dataset.h.
#include <string>
#include <vector>

#include "data/dataset.h"

namespace qt {

class ExampleEncoder {
public:
    // `chat_template` null: rows are encoded without a template (and chat rows
    // are refused). The tokenizer and template must outlive the encoder.
    ExampleEncoder(const Tokenizer& tokenizer, const ChatTemplate* chat_template, const DatasetOptions& options);

    // Throws RowProblem when the row cannot be made into a trainable example
    // (the template does not extend the prompt, no target survives, too long
    // under OverlongRows::Skip). Label fields are left for the loader.
    Example encode(const DatasetRow& row) const;

    // The target tokens of `row` with its completion (for chat rows: the last
    // assistant reply) replaced by `completion`: what follows the example's
    // prompt tokens for that candidate.
    std::vector<int32_t> completion_tokens(const DatasetRow& row, const std::string& completion) const;

private:
    struct Piece {
        std::string text;
        bool target = false;
    };
    // The conversation a prompt/completion or Alpaca row stands for.
    std::vector<ChatMessage> conversation(const DatasetRow& row) const;
    // Template renderings of the conversation cut into context and reply pieces.
    std::vector<Piece> template_pieces(const std::vector<ChatMessage>& msgs) const;
    // Tokens of a reply piece with its mask: targets up to and including the
    // first end-of-generation token, none after it.
    void append_reply(const std::string& text, std::vector<int32_t>& tokens, std::vector<uint8_t>& mask) const;
    void truncate(Example& ex) const;

    const Tokenizer& tokenizer_;
    const ChatTemplate* template_;
    DatasetOptions options_;
};

}  // namespace qt
