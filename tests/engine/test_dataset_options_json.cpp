// DatasetOptions, SplitOptions and LengthBatchOptions round-trip through JSON,
// and bad configs are refused with the key named.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/dataset_error.h"
#include "data/dataset_options_json.h"

namespace {

using nlohmann::json;

std::string error_of(const json& j) {
    try {
        j.get<qt::DatasetOptions>();
    } catch (const qt::DatasetError& e) {
        return e.what();
    }
    return "";
}

TEST(DatasetOptionsJson, RoundTripsEveryField) {
    qt::DatasetOptions o;
    o.read.format = qt::DataFileFormat::Csv;
    o.read.max_rows = 12;
    o.read.csv = {"review", "", "", "score", ';'};
    o.strict = true;
    o.loss_on = qt::LossOn::AllTokens;
    o.chat_template = qt::ChatTemplateUse::Never;
    o.system_prompt = "Be brief.";
    o.max_length = 300;
    o.overlong = qt::OverlongRows::Skip;
    o.windows = {128, 64};
    o.add_eos_to_text = false;
    o.label_words = {"great", "other"};
    const json j = o;
    const auto back = j.get<qt::DatasetOptions>();
    EXPECT_EQ(json(back), j);
    EXPECT_EQ(back.read.csv.delimiter, ';');
    EXPECT_EQ(back.windows.stride, 64u);
    EXPECT_EQ(back.label_words, o.label_words);
    EXPECT_EQ(j.at("loss_on"), "all");

    // Missing keys keep the defaults.
    const auto defaults = json::object().get<qt::DatasetOptions>();
    EXPECT_EQ(json(defaults), json(qt::DatasetOptions{}));

    const qt::SplitOptions s{0.2, 5, 99};
    EXPECT_EQ(json(json(s).get<qt::SplitOptions>()), json(s));
    const qt::LengthBatchOptions b{4, 0, 7};
    EXPECT_EQ(json(json(b).get<qt::LengthBatchOptions>()), json(b));
}

TEST(DatasetOptionsJson, RefusesUnknownKeysWrongTypesAndUnknownNames) {
    EXPECT_EQ(error_of({{"max_lenght", 5}}), "data.max_lenght: unknown key");
    EXPECT_EQ(error_of({{"max_length", -1}}), "data.max_length: expected a non-negative integer, not -1");
    EXPECT_EQ(error_of({{"strict", "yes"}}), "data.strict: expected true or false, not \"yes\"");
    EXPECT_EQ(error_of({{"loss_on", "prompt"}}), "data.loss_on: expected one of completion, all, not \"prompt\"");
    EXPECT_EQ(error_of({{"format", "xml"}}), "data.format: expected one of jsonl, json-array, csv, text, not \"xml\"");
    EXPECT_EQ(error_of({{"csv", {{"colum", "x"}}}}), "data.csv.colum: unknown key");
    // Found by fuzz_dataset: a key with a newline must not split the message.
    EXPECT_EQ(error_of({{"validation_fr\n", 0.2}}), "data.\"validation_fr\\n\": unknown key");
    EXPECT_EQ(error_of({{"label_words", {"a", 1}}}), "data.label_words: expected a list of strings, not [\"a\",1]");
    EXPECT_THROW(json({{"seed", 1}, {"extra", 2}}).get<qt::SplitOptions>(), qt::DatasetError);
}

}  // namespace
