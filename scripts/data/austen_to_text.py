#!/usr/bin/env python3
"""Jane Austen's six novels (r-cran-janeaustenr) -> one plain-text file per book,
for style fine-tuning and perplexity (QuantTune's plain-text format splits it
into fixed-length token windows).

janeaustenr::austen_books() gives one row per line of the printed text with the
book's title; the lines are written back as they are, one per line, so the
files keep the chapters, blank lines and line numbers of the R data. Writes
OUT_DIR/austen/<slug>.txt and prints each book's line count."""
import argparse
import csv
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomic_output import atomic_text_file  # noqa: E402
from r_export import r_string, run_r  # noqa: E402


def slug(title: str) -> str:
    s = title.lower().replace("&", "and")
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", help="folder in which austen/<book>.txt is written")
    args = ap.parse_args()
    book_dir = os.path.join(args.out_dir, "austen")
    os.makedirs(book_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = os.path.join(tmp, "austen.csv")
        run_r("suppressPackageStartupMessages(library(janeaustenr));"
              f"write.csv(austen_books(), {r_string(csv_path)}, row.names=FALSE, fileEncoding='UTF-8')",
              "austen_to_text")
        books: dict[str, list[str]] = {}
        with open(csv_path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != ["text", "book"]:
                sys.exit(f"austen_to_text: expected columns text, book; R wrote {reader.fieldnames}")
            for row in reader:
                books.setdefault(row["book"], []).append(row["text"])
    if len(books) != 6:
        sys.exit(f"austen_to_text: expected 6 novels, found {len(books)}: {sorted(books)}")
    for title, lines in books.items():
        path = os.path.join(book_dir, slug(title) + ".txt")
        with atomic_text_file(path) as out:
            out.write("\n".join(lines) + "\n")
        print(f"{path}: {len(lines)} lines ({title})")


if __name__ == "__main__":
    main()
