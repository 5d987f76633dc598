#!/usr/bin/env bash
# Builds the GGUF fuzzer with clang (ASan + UBSan + libFuzzer) and runs it.
# Usage: scripts/run_fuzz.sh SECONDS
# Env: QUANTTUNE_FUZZ_BUILD_DIR (default build-fuzz), QUANTTUNE_PYTHON (the venv's python),
#      QUANTTUNE_FUZZ_JOBS (parallel build jobs, default 2).
# Seeds come from scripts/make_malformed_gguf.py; new corpus entries are kept in
# BUILD_DIR/fuzz-corpus, and any crashing input is written to BUILD_DIR/fuzz-findings/.
# Exits non-zero on any finding (crash, sanitizer report, leak, timeout, out-of-memory).
set -euo pipefail

if [[ $# -ne 1 || ! "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS" >&2
  exit 2
fi
seconds=$1
root=$(cd "$(dirname "$0")/.." && pwd)
build=${QUANTTUNE_FUZZ_BUILD_DIR:-$root/build-fuzz}
python=${QUANTTUNE_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/quanttune/venv/bin/python}

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUANTTUNE_FUZZ=ON -DQUANTTUNE_SANITIZE=ON \
  -DQUANTTUNE_TESTS=ON -DQUANTTUNE_GUI=OFF -DQUANTTUNE_CUDA=OFF >/dev/null
ninja -C "$build" -j "${QUANTTUNE_FUZZ_JOBS:-2}" fuzz_gguf

seeds=$build/fuzz-seeds
corpus=$build/fuzz-corpus
findings=$build/fuzz-findings
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$findings"
"$python" "$root/scripts/make_malformed_gguf.py" "$seeds"

# -rss_limit_mb bounds memory per input: a parser that allocates from a lying
# count is a finding, not a slow pass.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
"$build/tests/fuzz/fuzz_gguf" -max_len=65536 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$seeds" || status=$?
if [[ $status -ne 0 ]]; then
  echo "fuzz_gguf found a problem (exit $status); inputs in $findings:" >&2
  ls -l "$findings" >&2
  exit 1
fi
echo "fuzz_gguf: no findings in ${seconds}s; corpus has $(ls "$corpus" | wc -l) entries"
