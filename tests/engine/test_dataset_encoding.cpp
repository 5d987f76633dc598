// From rows to examples with the default model's tokenizer and ChatML template:
// the template applied, the loss mask on exactly the completion tokens (checked
// by decoding the masked tokens back), labels and their candidates, truncation,
// plain-text windows, and the load-level errors.
#include <gtest/gtest.h>

#include <numeric>

#include "data/dataset.h"
#include "data/dataset_error.h"
#include "test_dataset_support.h"

namespace {

using qt::test::write_data_file;

std::vector<int32_t> slice(const std::vector<int32_t>& v, size_t begin, size_t end) {
    return {v.begin() + static_cast<ptrdiff_t>(begin), v.begin() + static_cast<ptrdiff_t>(end)};
}

// The tokens whose mask is 1, decoded.
std::string masked_text(const qt::Tokenizer& tok, const qt::Example& ex) {
    std::vector<int32_t> ids;
    for (size_t t = 0; t < ex.tokens.size(); ++t)
        if (ex.loss_mask[t]) ids.push_back(ex.tokens[t]);
    return tok.decode(ids);
}

qt::Dataset load(const std::string& path, const qt::test::ModelTokenizer& m, qt::DatasetOptions options = {}) {
    return qt::load_dataset(path, *m.tokenizer, m.chat_template ? &*m.chat_template : nullptr, options);
}

std::string load_error(const std::string& path, const qt::test::ModelTokenizer& m, qt::DatasetOptions options = {}) {
    try {
        load(path, m, options);
    } catch (const qt::DatasetError& e) {
        return e.what();
    }
    return "";
}

TEST(DatasetEncoding, AppliesTheChatTemplateAndMasksExactlyTheCompletion) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto path = write_data_file("enc_pc.jsonl",
                                      "{\"prompt\": \"What is 2+2?\", \"completion\": \"2+2 is 4.\"}\n"
                                      "{\"prompt\": \"Name a colour.\", \"completion\": \"Blue, like the sea.\"}\n");
    const qt::Dataset ds = load(path, *m);
    EXPECT_EQ(ds.stats.format, "jsonl/prompt-completion");
    EXPECT_TRUE(ds.stats.chat_template_applied);
    ASSERT_EQ(ds.examples.size(), 2u);
    const std::vector<std::pair<std::string, std::string>> rows = {{"What is 2+2?", "2+2 is 4."},
                                                                   {"Name a colour.", "Blue, like the sea."}};
    for (size_t i = 0; i < rows.size(); ++i) {
        const qt::Example& ex = ds.examples[i];
        const auto& [prompt, completion] = rows[i];
        ASSERT_EQ(ex.tokens.size(), ex.loss_mask.size());
        // The whole example is the template's rendering of the conversation...
        EXPECT_EQ(m->tokenizer->decode(ex.tokens),
                  m->chat_template->apply({{"user", prompt}, {"assistant", completion}}, false));
        // ...its prompt part the rendering with the generation prompt...
        EXPECT_EQ(m->tokenizer->decode(slice(ex.tokens, 0, ex.prompt_length)),
                  m->chat_template->apply({{"user", prompt}}, true));
        // ...and the targets exactly the reply and the end-of-turn token.
        EXPECT_EQ(masked_text(*m->tokenizer, ex), completion + "<|im_end|>");
        for (size_t t = 0; t < ex.prompt_length; ++t) EXPECT_EQ(ex.loss_mask[t], 0) << t;
        EXPECT_EQ(ex.target_count(), ex.tokens.size() - ex.prompt_length - 1);  // the "\n" after <|im_end|>
        EXPECT_EQ(ex.source_line, i + 1);
        EXPECT_EQ(ex.label_index, -1);
    }
    EXPECT_FALSE(ds.is_classification());
    EXPECT_EQ(ds.stats.rows_read, 2u);
    EXPECT_EQ(ds.stats.rows_kept, 2u);
    EXPECT_EQ(ds.stats.target_tokens, ds.examples[0].target_count() + ds.examples[1].target_count());
}

TEST(DatasetEncoding, MasksEveryAssistantTurnOfAChatAndAlpacaOutputs) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto chat = write_data_file(
        "enc_chat.jsonl",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": "
        "\"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}, {\"role\": \"user\", \"content\": \"Bye\"}, "
        "{\"role\": \"assistant\", \"content\": \"See you.\"}]}\n");
    const qt::Dataset ds = load(chat, *m);
    EXPECT_EQ(ds.stats.format, "jsonl/chat");
    ASSERT_EQ(ds.examples.size(), 1u);
    const qt::Example& ex = ds.examples[0];
    EXPECT_EQ(masked_text(*m->tokenizer, ex), "Hello!<|im_end|>See you.<|im_end|>");
    EXPECT_EQ(m->tokenizer->decode(slice(ex.tokens, 0, ex.prompt_length)),
              m->chat_template->apply(
                  {{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello!"}, {"user", "Bye"}}, true));

    const auto alpaca = write_data_file(
        "enc_alpaca.jsonl", "{\"instruction\": \"Translate to French.\", \"input\": \"cat\", \"output\": \"chat\"}\n");
    const qt::Dataset da = load(alpaca, *m);
    EXPECT_EQ(da.stats.format, "jsonl/alpaca");
    EXPECT_EQ(masked_text(*m->tokenizer, da.examples[0]), "chat<|im_end|>");
    EXPECT_EQ(m->tokenizer->decode(da.examples[0].tokens),
              m->chat_template->apply({{"user", "Translate to French.\n\ncat"}, {"assistant", "chat"}}, false));
}

TEST(DatasetEncoding, LossOnAllTokensAndASystemPrompt) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto path = write_data_file("enc_all.jsonl", "{\"prompt\": \"Hi\", \"completion\": \"Hello\"}\n");
    qt::DatasetOptions opt;
    opt.loss_on = qt::LossOn::AllTokens;
    opt.system_prompt = "You are terse.";
    const qt::Dataset ds = load(path, *m, opt);
    const qt::Example& ex = ds.examples[0];
    EXPECT_EQ(ex.loss_mask[0], 0);
    EXPECT_EQ(ex.target_count(), ex.tokens.size() - 1);
    EXPECT_EQ(m->tokenizer->decode(ex.tokens),
              m->chat_template->apply({{"system", "You are terse."}, {"user", "Hi"}, {"assistant", "Hello"}}, false));
}

TEST(DatasetEncoding, WithoutATemplateJoinsPromptAndCompletionAndEndsWithEos) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto& tok = *m->tokenizer;
    const auto path =
        write_data_file("enc_raw.jsonl", "{\"prompt\": \"Review: yum\\nSentiment:\", \"completion\": \" great\"}\n");
    qt::DatasetOptions opt;
    opt.chat_template = qt::ChatTemplateUse::Never;
    const qt::Dataset ds = load(path, *m, opt);
    EXPECT_FALSE(ds.stats.chat_template_applied);
    const qt::Example& ex = ds.examples[0];
    std::vector<int32_t> want;
    if (tok.add_bos_by_default()) want.push_back(tok.bos_id());
    for (int32_t id : tok.encode("Review: yum\nSentiment:", false, false)) want.push_back(id);
    EXPECT_EQ(ex.prompt_length, want.size());
    for (int32_t id : tok.encode(" great", false, false)) want.push_back(id);
    want.push_back(tok.eos_id());
    EXPECT_EQ(ex.tokens, want);
    EXPECT_EQ(masked_text(tok, ex), " great" + tok.token_to_piece(tok.eos_id()));

    const auto text = write_data_file("enc_text.jsonl", "{\"text\": \"It was a fine day.\"}\n");
    const qt::Dataset dt = load(text, *m);
    EXPECT_EQ(dt.stats.format, "jsonl/text");
    EXPECT_FALSE(dt.stats.chat_template_applied);
    const qt::Example& et = dt.examples[0];
    EXPECT_EQ(tok.decode(et.tokens), (tok.add_bos_by_default() ? tok.token_to_piece(tok.bos_id()) : "") +
                                         "It was a fine day." + tok.token_to_piece(tok.eos_id()));
    EXPECT_EQ(et.target_count(), et.tokens.size() - 1);

    const auto chat = write_data_file(
        "enc_chat_raw.jsonl",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}\n");
    EXPECT_EQ(load_error(chat, *m, opt),
              chat + ": chat rows (\"messages\") need a chat template, and the options turn it off");
}

TEST(DatasetEncoding, LabelsGiveLabelWordsAndCandidateCompletions) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto& tok = *m->tokenizer;
    const auto path =
        write_data_file("enc_labels.jsonl",
                        "{\"prompt\": \"Loved it.\", \"completion\": \"great\", \"label\": \"great\"}\n"
                        "{\"prompt\": \"Meh.\", \"label\": \"other\"}\n"
                        "{\"prompt\": \"Best ever.\", \"completion\": \"great\", \"label\": \"great\"}\n");
    const qt::Dataset ds = load(path, *m);
    ASSERT_TRUE(ds.is_classification());
    EXPECT_EQ(ds.label_words, (std::vector<std::string>{"great", "other"}));
    ASSERT_EQ(ds.examples.size(), 3u);
    EXPECT_EQ(ds.examples[1].label, "other");
    EXPECT_EQ(ds.examples[1].label_index, 1);
    EXPECT_EQ(masked_text(tok, ds.examples[1]), "other<|im_end|>");  // the label stands in for the completion
    for (const qt::Example& ex : ds.examples) {
        ASSERT_EQ(ex.label_candidates.size(), 2u);
        EXPECT_EQ(tok.decode(ex.label_candidates[0]), "great<|im_end|>");
        EXPECT_EQ(tok.decode(ex.label_candidates[1]), "other<|im_end|>");
        // The candidate for the example's own label is exactly its target span.
        const auto& own = ex.label_candidates[static_cast<size_t>(ex.label_index)];
        EXPECT_EQ(slice(ex.tokens, ex.prompt_length, ex.prompt_length + own.size()), own);
    }

    // Without a template the candidate keeps the completion's leading space.
    const auto raw =
        write_data_file("enc_labels_raw.jsonl",
                        "{\"prompt\": \"Loved it. Sentiment:\", \"completion\": \" great\", \"label\": \"great\"}\n");
    qt::DatasetOptions opt;
    opt.chat_template = qt::ChatTemplateUse::Never;
    opt.label_words = {"other", "great"};
    const qt::Dataset dr = load(raw, *m, opt);
    EXPECT_EQ(dr.label_words, (std::vector<std::string>{"other", "great"}));
    EXPECT_EQ(dr.examples[0].label_index, 1);
    const std::string eos = tok.token_to_piece(tok.eos_id());
    EXPECT_EQ(tok.decode(dr.examples[0].label_candidates[0]), " other" + eos);
    EXPECT_EQ(tok.decode(dr.examples[0].label_candidates[1]), " great" + eos);

    // A label outside the given words is a malformed row.
    opt.label_words = {"good", "bad"};
    const auto two =
        write_data_file("enc_labels_bad.jsonl",
                        "{\"prompt\": \"a\", \"label\": \"good\"}\n{\"prompt\": \"b\", \"label\": \"great\"}\n");
    const qt::Dataset db = load(two, *m, opt);
    EXPECT_EQ(db.examples.size(), 1u);
    ASSERT_EQ(db.stats.skipped_messages.size(), 1u);
    EXPECT_EQ(db.stats.skipped_messages[0], two + ":2: label 'great' is not one of the label words (good, bad)");
}

TEST(DatasetEncoding, TruncatesThePromptFromTheLeftAndCountsIt) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto& tok = *m->tokenizer;
    std::string long_prompt;
    for (int i = 0; i < 60; ++i) long_prompt += "word" + std::to_string(i) + " ";
    long_prompt += "END";
    const auto path = write_data_file("enc_trunc.jsonl", "{\"prompt\": \"" + long_prompt +
                                                             "\", \"completion\": \"The answer is yes.\"}\n"
                                                             "{\"prompt\": \"short\", \"completion\": \"ok\"}\n");
    qt::DatasetOptions opt;
    opt.max_length = 64;
    const qt::Dataset ds = load(path, *m, opt);
    ASSERT_EQ(ds.examples.size(), 2u);
    const qt::Example& ex = ds.examples[0];
    EXPECT_EQ(ex.tokens.size(), 64u);
    EXPECT_GT(ex.truncated_tokens, 0u);
    EXPECT_EQ(masked_text(tok, ex), "The answer is yes.<|im_end|>");  // the completion survives whole
    // The kept prompt is the end of the full one.
    const std::string full_prompt = m->chat_template->apply({{"user", long_prompt}}, true);
    const std::string kept = tok.decode(slice(ex.tokens, 0, ex.prompt_length));
    EXPECT_EQ(full_prompt.substr(full_prompt.size() - kept.size()), kept);
    EXPECT_EQ(ds.examples[1].truncated_tokens, 0u);
    EXPECT_EQ(ds.stats.rows_truncated, 1u);
    EXPECT_EQ(ds.stats.tokens_truncated, ex.truncated_tokens);
    EXPECT_EQ(ds.stats.lengths.max, 64u);

    // A completion longer than the limit keeps half the limit of prompt and loses its end.
    std::string long_answer;
    for (int i = 0; i < 80; ++i) long_answer += "yes ";
    const auto path2 = write_data_file(
        "enc_trunc2.jsonl", "{\"prompt\": \"" + long_prompt + "\", \"completion\": \"" + long_answer + "\"}\n");
    const qt::Dataset d2 = load(path2, *m, opt);
    EXPECT_EQ(d2.examples[0].tokens.size(), 64u);
    EXPECT_EQ(d2.examples[0].prompt_length, 32u);
    EXPECT_EQ(d2.examples[0].target_count(), 32u);

    opt.overlong = qt::OverlongRows::Skip;
    const qt::Dataset ds_skip = load(path, *m, opt);
    EXPECT_EQ(ds_skip.examples.size(), 1u);
    EXPECT_EQ(ds_skip.stats.rows_skipped, 1u);
    EXPECT_EQ(
        ds_skip.stats.skipped_messages[0],
        path + ":1: " + std::to_string(ex.tokens.size() + ex.truncated_tokens) + " tokens, more than max_length 64");
}

TEST(DatasetEncoding, CutsPlainTextIntoWindowsThatCoverTheTextOnce) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto& tok = *m->tokenizer;
    std::string text;
    for (int p = 0; p < 12; ++p) {
        text += "Paragraph " + std::to_string(p) + " begins here and goes on\nfor a second line of words.\n\n";
    }
    const auto path = write_data_file("enc_book.txt", text);
    std::vector<int32_t> stream;  // the tokens the paragraphs give, in order
    qt::RowProblemLog log(path, false);
    for (const auto& r : qt::read_dataset_rows(path, {}, log).rows)
        for (int32_t id : tok.encode(r.text, false, false)) stream.push_back(id);

    qt::DatasetOptions opt;
    opt.windows.length = 32;
    const qt::Dataset ds = load(path, *m, opt);
    EXPECT_EQ(ds.stats.format, "text/windows");
    EXPECT_EQ(ds.stats.rows_read, 36u);
    ASSERT_EQ(ds.examples.size(), (stream.size() + 31) / 32);
    std::vector<int32_t> joined;
    for (const auto& ex : ds.examples) {
        EXPECT_LE(ex.tokens.size(), 32u);
        EXPECT_EQ(ex.target_count(), ex.tokens.size() - 1);
        joined.insert(joined.end(), ex.tokens.begin(), ex.tokens.end());
    }
    EXPECT_EQ(joined, stream);
    EXPECT_EQ(ds.examples[0].source_line, 1u);
    EXPECT_GT(ds.examples.back().source_line, 20u);

    // Overlapping windows: every token but the first is a target exactly once.
    opt.windows.stride = 20;
    const qt::Dataset dov = load(path, *m, opt);
    std::vector<int> scored(stream.size(), 0);
    for (size_t w = 0; w < dov.examples.size(); ++w) {
        const auto& ex = dov.examples[w];
        for (size_t t = 0; t < ex.tokens.size(); ++t) {
            EXPECT_EQ(ex.tokens[t], stream[w * 20 + t]);
            scored[w * 20 + t] += ex.loss_mask[t];
        }
    }
    EXPECT_EQ(scored[0], 0);
    for (size_t i = 1; i < scored.size(); ++i) EXPECT_EQ(scored[i], 1) << i;

    opt.windows.stride = 40;
    EXPECT_EQ(load_error(path, *m, opt),
              path + ": a window stride of 40 is longer than the window (32 tokens) and would skip text");
    opt.windows = {2048, 0};
    opt.max_length = 1024;
    EXPECT_EQ(load_error(path, *m, opt), path + ": the text window length (2048 tokens) is above max_length (1024)");
}

TEST(DatasetEncoding, NoValidRowsAndStrictModeAreErrorsThatSaySo) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    const auto path = write_data_file(
        "enc_none.jsonl", "{\"prompt\": \"a\"}\n{\"oops\": 1}\n{\"prompt\": \"c\", \"completion\": \"\"}\n");
    EXPECT_EQ(load_error(path, *m),
              path + ": no valid rows (3 read, 3 skipped; the first: " + path + ":1: missing field 'completion')");

    const auto mixed = write_data_file(
        "enc_mixed.jsonl",
        "{\"prompt\": \"a\", \"completion\": \"b\"}\nnot json\n{\"prompt\": \"c\", \"completion\": \"d\"}\n");
    const qt::Dataset ds = load(mixed, *m);
    EXPECT_EQ(ds.stats.rows_read, 3u);
    EXPECT_EQ(ds.stats.rows_kept, 2u);
    EXPECT_EQ(ds.stats.rows_skipped, 1u);
    ASSERT_EQ(ds.stats.skipped_messages.size(), 1u);
    EXPECT_EQ(ds.stats.skipped_messages[0].rfind(mixed + ":2: bad JSON", 0), 0u);
    qt::DatasetOptions strict;
    strict.strict = true;
    EXPECT_EQ(load_error(mixed, *m, strict), ds.stats.skipped_messages[0]);

    const auto empty = write_data_file("enc_empty.csv", "");
    EXPECT_EQ(load_error(empty, *m), empty + ": the dataset is empty");
    qt::DatasetOptions always;
    always.chat_template = qt::ChatTemplateUse::Always;
    EXPECT_EQ(
        [&] {
            try {
                qt::load_dataset(mixed, *m->tokenizer, nullptr, always);
            } catch (const qt::DatasetError& e) {
                return std::string(e.what());
            }
            return std::string();
        }(),
        mixed + ": the chat template is required by the options, but the model has none");
}

TEST(DatasetEncoding, KeepsTheFirstHundredSkipMessagesAndCountsAll) {
    QT_REQUIRE_MODEL_TOKENIZER(m);
    std::string content;
    for (int i = 0; i < 250; ++i) content += "{\"prompt\": \"x\"}\n";
    content += "{\"prompt\": \"x\", \"completion\": \"y\"}\n";
    const auto path = write_data_file("enc_many_bad.jsonl", content);
    const qt::Dataset ds = load(path, *m);
    EXPECT_EQ(ds.stats.rows_skipped, 250u);
    ASSERT_EQ(ds.stats.skipped_messages.size(), 100u);
    EXPECT_EQ(ds.stats.skipped_messages[99], path + ":100: missing field 'completion'");
    EXPECT_EQ(ds.examples[0].source_line, 251u);
}

}  // namespace
