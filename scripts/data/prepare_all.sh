#!/usr/bin/env bash
# Converts the Debian-packaged text data into QuantTune's dataset formats, in
# ${QUANTTUNE_DATA_DIR:-${XDG_CACHE_HOME:-~/.cache}/quanttune/data}:
#   fine_foods_{train,test}.jsonl      prompt/completion + label (chat template style)
#   fine_foods_{train,test}_raw.jsonl  the same for training without a template
#   fine_foods_{train,test}_posneg.jsonl  the same classes answered "positive"/"negative"
#   fine_foods_{train,test}.csv        the R export (product, review, score)
#   austen/<book>.txt                  the six novels as plain text
#   wordnet_define.jsonl               Alpaca "define the word" pairs
# Idempotent: an output that exists is kept (the converters write through a
# temporary file and rename, so an existing file is a finished one); --force
# rebuilds everything. Needs r-cran-modeldata, r-cran-janeaustenr, wordnet-base.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${QUANTTUNE_DATA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/quanttune/data}"
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "prepare_all.sh: unknown argument '$arg' (only --force)" >&2; exit 2 ;;
  esac
done
python="${PYTHON:-python3}"
mkdir -p "$out"

# need OUTPUT... : true when any of the outputs is missing (or --force).
need() {
  [[ $force == 1 ]] && return 0
  local f
  for f in "$@"; do [[ -s "$out/$f" ]] || return 0; done
  return 1
}

if need fine_foods_train.jsonl fine_foods_test.jsonl fine_foods_train.csv fine_foods_test.csv; then
  "$python" "$here/fine_foods_to_jsonl.py" "$out"
else
  echo "fine foods (chat): up to date"
fi
if need fine_foods_train_raw.jsonl fine_foods_test_raw.jsonl; then
  "$python" "$here/fine_foods_to_jsonl.py" --style raw "$out"
else
  echo "fine foods (raw): up to date"
fi
if need fine_foods_train_posneg.jsonl fine_foods_test_posneg.jsonl; then
  "$python" "$here/fine_foods_to_jsonl.py" --verbalizer positive-negative "$out"
else
  echo "fine foods (positive/negative): up to date"
fi
books=(sense_and_sensibility pride_and_prejudice mansfield_park emma northanger_abbey persuasion)
austen_files=()
for b in "${books[@]}"; do austen_files+=("austen/$b.txt"); done
if need "${austen_files[@]}"; then
  "$python" "$here/austen_to_text.py" "$out"
else
  echo "austen: up to date"
fi
if need wordnet_define.jsonl; then
  "$python" "$here/wordnet_to_jsonl.py" "$out/wordnet_define.jsonl"
else
  echo "wordnet: up to date"
fi
echo "data in $out"
