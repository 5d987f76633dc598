#pragma once
// A fine-tuning dataset: token sequences with a loss mask, read from a data file
// (formats in dataset_rows.h) through the model's tokenizer and chat template.
//
// LOSS MASK CONVENTION. loss_mask[t] == 1 means tokens[t] is a target: the model
// is scored on predicting tokens[t] from tokens[0..t-1], i.e. with the logits it
// computes at position t-1. loss_mask[0] is always 0 (nothing predicts the first
// token). The loss of an example is therefore
//     sum over t in [1, n) with loss_mask[t] == 1 of  -log softmax(logits[t-1])[tokens[t]]
// and a trainer that holds logits per position p scores position p when
// loss_mask[p+1] == 1.
//
// What is a target:
//   prompt/completion, Alpaca and chat rows, through the chat template (the
//     default when the model has one): the prompt is the user turn (after an
//     optional system turn), the completion the assistant's reply. The targets
//     are the reply's tokens up to and including the template's end-of-turn token
//     (<|im_end|> for ChatML), so the model learns to stop; what the template
//     prints after it (ChatML's "\n") is not a target. In a chat row every
//     assistant turn is a target.
//   the same rows without a template: tokens = [BOS if the vocabulary adds one]
//     + prompt + completion + [EOS]; the completion and EOS are targets. The two
//     texts are joined as they are ("Sentiment:" + " great"); a system prompt
//     goes before the prompt, followed by a blank line. Chat rows need a template.
//   LossOn::AllTokens makes every token after the first a target.
//   {"text"} rows: [BOS if added by default] + text + [EOS] (add_eos_to_text),
//     all targets. Plain-text windows: all targets, except that with an
//     overlapping stride the tokens a previous window already scored are not
//     scored again (so each token of the file counts once per epoch).
//
// TRUNCATION (max_length, in tokens). A row longer than max_length loses the
// beginning of its prompt (tokens from the left), so that the completion
// survives whole and the text nearest the answer is kept; if the completion
// alone leaves fewer than max_length/2 tokens for the prompt, the prompt keeps
// its last max_length/2 tokens (at least 1) and the completion loses its end.
// Text rows (no prompt) lose their end. Each truncated row is counted in the
// statistics; OverlongRows::Skip skips such rows instead, as malformed.
// Plain-text windows are never truncated: the window length must be at most
// max_length.
//
// Encoding: template renderings are tokenized with special tokens parsed (the
// template's markers must become their tokens), so a data text that literally
// contains "<|im_end|>" becomes that token too, as in llama.cpp's chat path.
// Text outside a template is tokenized without parsing special tokens.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset_rows.h"
#include "data/length_histogram.h"

namespace qt {

class Tokenizer;
class ChatTemplate;

enum class LossOn { Completion, AllTokens };
enum class ChatTemplateUse { Auto, Always, Never };  // Auto: when the model has a template
enum class OverlongRows { TruncatePrompt, Skip };

struct TextWindowOptions {
    size_t length = 256;  // tokens per window
    size_t stride = 0;    // tokens between window starts; 0: = length (no overlap)
};

struct DatasetOptions {
    RowReadOptions read;  // format (found from the file when absent), CSV columns, max_rows
    bool strict = false;  // stop at the first malformed row instead of skipping it
    LossOn loss_on = LossOn::Completion;
    ChatTemplateUse chat_template = ChatTemplateUse::Auto;
    std::string system_prompt;  // when not empty: a system turn before prompt/completion and Alpaca prompts
    size_t max_length = 1024;   // 0: no limit
    OverlongRows overlong = OverlongRows::TruncatePrompt;
    TextWindowOptions windows;  // plain-text files
    bool add_eos_to_text = true;
    // Classification: the label words in the order the evaluator reports them.
    // Empty: the distinct labels of the kept rows, sorted. A row whose label is
    // not among given words is malformed.
    std::vector<std::string> label_words;
};

struct Example {
    std::vector<int32_t> tokens;
    std::vector<uint8_t> loss_mask;  // same length; see the convention above
    // tokens[0, prompt_length) is the prompt (for chat rows: everything before
    // the last assistant reply); the rest is the completion.
    size_t prompt_length = 0;
    // Classification rows: the label, its index in Dataset::label_words, and for
    // each label word the target tokens the completion would have with that
    // word in place of this row's label (including the end-of-turn token), i.e.
    // what follows tokens[0, prompt_length) for that candidate. An evaluator
    // scores each candidate's log-likelihood after the prompt and picks the best.
    std::string label;
    int32_t label_index = -1;
    std::vector<std::vector<int32_t>> label_candidates;
    size_t source_line = 0;       // line of the data file the example comes from
    size_t truncated_tokens = 0;  // tokens cut away to fit max_length (0: the row is whole)

    size_t target_count() const;
};

struct DatasetStats {
    std::string file;
    std::string format;  // "jsonl/prompt-completion", "csv/text", "text/windows", ...
    bool chat_template_applied = false;
    size_t rows_read = 0;                       // data rows seen (plain text: lines)
    size_t rows_kept = 0;                       // = examples (plain text: windows)
    size_t rows_skipped = 0;                    // malformed rows, all of them
    std::vector<std::string> skipped_messages;  // "FILE:LINE: why", the first RowProblemLog::kKeptMessages
    size_t rows_truncated = 0;
    size_t tokens_truncated = 0;  // tokens cut away in all
    size_t total_tokens = 0;
    size_t target_tokens = 0;
    LengthHistogram lengths;  // of the examples' token counts
};

struct Dataset {
    std::vector<Example> examples;
    std::vector<std::string> label_words;  // empty unless the data is labelled
    DatasetStats stats;

    bool is_classification() const { return !label_words.empty(); }
};

// Reads, tokenizes and checks `path`. `chat_template` may be null (no template).
// Throws DatasetError for an unreadable or empty file, for a file with no valid
// row ("FILE: no valid rows ..."), for options that do not fit the data
// (ChatTemplateUse::Always without a template, chat rows without one, a window
// longer than max_length), and in strict mode for the first malformed row.
Dataset load_dataset(const std::string& path, const Tokenizer& tokenizer, const ChatTemplate* chat_template,
                     const DatasetOptions& options = {});

}  // namespace qt
