#!/usr/bin/env python3
"""WordNet 3.0 glosses (Debian wordnet-base, /usr/share/wordnet) -> Alpaca-style
"define the word" instruction pairs:
  {"instruction": "Define the word \"bank\" (noun).", "input": "", "output": "..."}

Each lemma of each part of speech gives one row, with the gloss of its first
sense in index.<pos> (WordNet orders senses by frequency in its tagged corpus),
so that no instruction appears twice with different answers. The output is the
definition part of the gloss (before the first quoted example), and with
--examples one usage example after it.

data.<pos> line layout (WordNet's wndb(5WN)): synset_offset lex_filenum ss_type
w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss.
index.<pos>: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt
synset_offset [synset_offset...]."""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomic_output import atomic_text_file  # noqa: E402

POS_FILES = {"noun": "noun", "verb": "verb", "adj": "adjective", "adv": "adverb"}


def read_glosses(path: str) -> dict[str, str]:
    glosses = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if line.startswith("  "):  # licence header
                continue
            head, sep, gloss = line.partition(" | ")
            if not sep:
                sys.exit(f"{path}:{n}: no ' | ' gloss separator")
            glosses[head.split(" ", 1)[0]] = gloss.strip()
    return glosses


def split_gloss(gloss: str) -> tuple[str, list[str]]:
    """'definition; "example one"; "example two"' -> definition, examples."""
    examples = re.findall(r'"([^"]+)"', gloss)
    definition = gloss.split('"', 1)[0].strip().rstrip(";").strip()
    return definition, examples


def rows_for(wordnet_dir: str, pos: str, with_examples: bool):
    glosses = read_glosses(os.path.join(wordnet_dir, "data." + pos))
    index_path = os.path.join(wordnet_dir, "index." + pos)
    with open(index_path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if line.startswith("  "):
                continue
            fields = line.split()
            try:
                p_cnt = int(fields[3])
                first_offset = fields[4 + p_cnt + 2]
            except (IndexError, ValueError):
                sys.exit(f"{index_path}:{n}: cannot read the sense list")
            if first_offset not in glosses:
                sys.exit(f"{index_path}:{n}: synset {first_offset} not in data.{pos}")
            definition, examples = split_gloss(glosses[first_offset])
            if not definition:
                continue
            lemma = fields[0].replace("_", " ")
            output = definition[0].upper() + definition[1:]
            if not output.endswith("."):
                output += "."
            if with_examples and examples:
                output += f' For example: "{examples[0]}".'
            yield {"instruction": f'Define the word "{lemma}" ({POS_FILES[pos]}).', "input": "", "output": output}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_file", help="JSONL file to write")
    ap.add_argument("--wordnet-dir", default="/usr/share/wordnet")
    ap.add_argument("--examples", action="store_true", help="append one usage example to each definition")
    ap.add_argument("--limit", type=int, default=0, help="stop after this many rows (0: all), for quick tests")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.wordnet_dir, "data.noun")):
        sys.exit(f"wordnet_to_jsonl: {args.wordnet_dir}/data.noun not found; install wordnet-base")
    counts = {}
    written = 0
    with atomic_text_file(args.out_file) as out:
        for pos in POS_FILES:
            counts[pos] = 0
            for row in rows_for(args.wordnet_dir, pos, args.examples):
                if args.limit and written >= args.limit:
                    break
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                counts[pos] += 1
                written += 1
    print(f"{args.out_file}: {sum(counts.values())} rows ({', '.join(f'{k} {v}' for k, v in counts.items())})")


if __name__ == "__main__":
    main()
