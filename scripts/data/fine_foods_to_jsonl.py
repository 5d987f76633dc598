#!/usr/bin/env python3
"""small_fine_foods (r-cran-modeldata) -> prompt/completion JSONL for sentiment
classification, one file for the 4,000 training reviews and one for the 1,000
test reviews.

The R object holds `training_data` and `testing_data`, tibbles with columns
product, review and score (a factor: "great" for five-star reviews, "other" for
the rest). Each output row is
  {"prompt": "...review...question...", "completion": "great", "label": "great"}
The label field marks the row as classification data: QuantTune's loader keeps the
label and the set of label words so that an evaluator can compare the
log-likelihood of each label word after the prompt.

--style chat (default) writes the completion as the bare label word, for data
that goes through the model's chat template (the prompt is the user turn, the
label the assistant's reply). --style raw writes a prompt ending in
"Sentiment:" and a completion with a leading space (" great"), for training
without a template, where prompt and completion are joined as they are.

--verbalizer positive-negative (files *_posneg.jsonl) asks whether the review is
positive or negative and answers "positive" for five stars, "negative" for fewer:
the same classes under words the small default model has some zero-shot signal
for (the difference of its label logits ranks five-star reviews above the rest
with AUC 0.62 on 120 test reviews, against 0.42 for great/other, which it
answers "great" to every time; measured with llama.cpp).

The exported CSV files (as R writes them) are kept beside the JSONL; they are
real CSV with quoted fields and doubled quotes, handy for the CSV reader."""
import argparse
import csv
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomic_output import atomic_text_file  # noqa: E402
from r_export import r_string, run_r  # noqa: E402

LABELS = ("great", "other")


def chat_prompt(review: str) -> str:
    return ("Here is a customer review of a food product.\n\n"
            f"Review: {review}\n\n"
            "Did the customer give it five stars (answer \"great\") or fewer (answer \"other\")? "
            "Answer with one word: great or other.")


def posneg_prompt(review: str) -> str:
    return ("Here is a customer review of a food product.\n\n"
            f"Review: {review}\n\n"
            "Is this review positive or negative? Answer with one word: positive or negative.")


POSNEG = {"great": "positive", "other": "negative"}


def raw_prompt(review: str) -> str:
    return f"Review: {review}\nSentiment (great or other):"


def clean(review: str) -> str:
    # The reviews keep HTML line breaks and runs of spaces where other markup was
    # stripped; a line break becomes a space, the runs collapse.
    return " ".join(re.sub(r"<br\s*/?>", " ", review, flags=re.IGNORECASE).split())


def export_csv(folder: str) -> dict:
    paths = {"train": os.path.join(folder, "fine_foods_train.csv"),
             "test": os.path.join(folder, "fine_foods_test.csv")}
    tmp = {k: v + ".tmp" for k, v in paths.items()}
    run_r("suppressPackageStartupMessages(library(modeldata)); data(small_fine_foods);"
          f"write.csv(training_data, {r_string(tmp['train'])}, row.names=FALSE, fileEncoding='UTF-8');"
          f"write.csv(testing_data, {r_string(tmp['test'])}, row.names=FALSE, fileEncoding='UTF-8')",
          "fine_foods_to_jsonl")
    for k in paths:
        os.replace(tmp[k], paths[k])
    return paths


def convert(csv_path: str, jsonl_path: str, style: str, verbalizer: str = "great-other") -> dict:
    counts = {label: 0 for label in LABELS}
    with open(csv_path, encoding="utf-8", newline="") as src, atomic_text_file(jsonl_path) as out:
        reader = csv.DictReader(src)
        if reader.fieldnames is None or not {"review", "score"} <= set(reader.fieldnames):
            sys.exit(f"{csv_path}: expected columns review and score, got {reader.fieldnames}")
        for n, row in enumerate(reader, start=2):
            label = row["score"]
            if label not in LABELS:
                sys.exit(f"{csv_path}:{n}: score {label!r} is not one of {LABELS}")
            review = clean(row["review"])
            if verbalizer == "positive-negative":
                word = POSNEG[label]
                rec = {"prompt": posneg_prompt(review), "completion": word, "label": word}
            elif style == "chat":
                rec = {"prompt": chat_prompt(review), "completion": label, "label": label}
            else:
                rec = {"prompt": raw_prompt(review), "completion": " " + label, "label": label}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            counts[label] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", help="folder for fine_foods_{train,test}.jsonl and .csv")
    ap.add_argument("--style", choices=("chat", "raw"), default="chat")
    ap.add_argument("--verbalizer", choices=("great-other", "positive-negative"), default="great-other")
    args = ap.parse_args()
    if args.verbalizer != "great-other" and args.style != "chat":
        sys.exit("--verbalizer positive-negative is for --style chat")
    os.makedirs(args.out_dir, exist_ok=True)
    csvs = export_csv(args.out_dir)
    suffix = "_posneg" if args.verbalizer == "positive-negative" else "" if args.style == "chat" else "_raw"
    for split in ("train", "test"):
        out = os.path.join(args.out_dir, f"fine_foods_{split}{suffix}.jsonl")
        counts = convert(csvs[split], out, args.style, args.verbalizer)
        print(f"{out}: {sum(counts.values())} rows ({', '.join(f'{k} {v}' for k, v in counts.items())})")


if __name__ == "__main__":
    main()
