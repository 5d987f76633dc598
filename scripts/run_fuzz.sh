#!/usr/bin/env bash
# Builds the fuzzers with clang (ASan + UBSan + libFuzzer) and runs each in turn:
#   fuzz_gguf          the GGUF reader, for SECONDS/2
#   fuzz_safetensors   the safetensors reader and its float conversion, for SECONDS/2
#   fuzz_dataset       the dataset readers (JSON lines, JSON array, CSV, TSV, plain
#                      text) and the dataset options JSON, for SECONDS/2
#   fuzz_train_config  the training config, checkpoints and the metrics-log trim, for SECONDS/2
# Usage: scripts/run_fuzz.sh SECONDS
# Env: QUANTTUNE_FUZZ_BUILD_DIR (default build-fuzz), QUANTTUNE_PYTHON (the venv's python),
#      QUANTTUNE_FUZZ_JOBS (parallel build jobs, default 2).
# Seeds come from scripts/make_malformed_gguf.py and scripts/make_fuzz_seeds.py; new
# corpus entries are kept in BUILD_DIR/fuzz-corpus/TARGET, each run's output in
# BUILD_DIR/fuzz-logs/TARGET.log, and any crashing input is written to
# BUILD_DIR/fuzz-findings/TARGET/. Every target runs; the script exits non-zero if
# any had a finding (crash, sanitizer report, leak, timeout, out-of-memory).
set -euo pipefail

if [[ $# -ne 1 || ! "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS" >&2
  exit 2
fi
seconds=$1
half=$(( seconds / 2 ))
(( half >= 1 )) || half=1  # -max_total_time=0 would mean no limit
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QUANTTUNE_FUZZ_BUILD_DIR:-$root/build-fuzz}
python=${QUANTTUNE_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/quanttune/venv/bin/python}

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUANTTUNE_FUZZ=ON -DQUANTTUNE_SANITIZE=ON \
  -DQUANTTUNE_TESTS=ON -DQUANTTUNE_GUI=OFF -DQUANTTUNE_CUDA=OFF >/dev/null
ninja -C "$build" -j "${QUANTTUNE_FUZZ_JOBS:-2}" fuzz_gguf fuzz_safetensors fuzz_dataset fuzz_train_config

seeds=$build/fuzz-seeds
corpus=$build/fuzz-corpus
findings=$build/fuzz-findings
logs=$build/fuzz-logs
rm -rf "$seeds"
mkdir -p "$seeds/gguf" "$logs"
"$python" "$root/scripts/make_malformed_gguf.py" "$seeds/gguf"
"$python" "$root/scripts/make_fuzz_seeds.py" "$seeds"  # writes $seeds/dataset, train_config and safetensors

# -rss_limit_mb bounds memory per input: a parser that allocates from a lying
# count is a finding, not a slow pass.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0

# run_target NAME SEEDS_DIR SECONDS
run_target() {
  local name=$1 seed_dir=$2 secs=$3 status=0
  mkdir -p "$corpus/$name" "$findings/$name"
  "$build/tests/fuzz/$name" -max_len=65536 -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/$name/" "$corpus/$name" "$seed_dir" \
    >"$logs/$name.log" 2>&1 || status=$?
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$name.log" | tail -n 1)
  if [[ $status -ne 0 ]]; then
    tail -n 60 "$logs/$name.log" >&2
    echo "$name found a problem (exit $status); full output in $logs/$name.log, inputs in $findings/$name:" >&2
    ls -l "$findings/$name" >&2
    failed=1
  else
    echo "$name: no findings in ${secs}s; ${execs:-?} inputs run; corpus has $(ls "$corpus/$name" | wc -l) entries"
  fi
}

run_target fuzz_gguf "$seeds/gguf" "$half"
run_target fuzz_safetensors "$seeds/safetensors" "$half"
run_target fuzz_dataset "$seeds/dataset" "$half"
run_target fuzz_train_config "$seeds/train_config" "$half"
exit "$failed"
