#!/usr/bin/env bash
# Builds QuantTune and runs every test: the fuzzers (GGUF 60 s, datasets and training files 30 s each), the engine tests
# under AddressSanitizer + UndefinedBehaviorSanitizer, then the full Release suite
# (engine, tokenizer, model-vs-llama.cpp, CLI, GUI). Missing oracles or models fail
# the tests instead of skipping them (QUANTTUNE_REQUIRE_ORACLES=1).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
start=$(date +%s)
stamp() { printf '[test] %s (%ds)\n' "$*" $(( $(date +%s) - start )); }

scripts/setup.sh
export QUANTTUNE_REQUIRE_ORACLES=1
export QUANTTUNE_PYTHON=${QUANTTUNE_PYTHON:-${QUANTTUNE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quanttune}/venv/bin/python}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}

stamp "fuzzing the GGUF reader for ${QUANTTUNE_FUZZ_SECONDS:-60} s, the dataset and training-file readers for half that each"
scripts/run_fuzz.sh "${QUANTTUNE_FUZZ_SECONDS:-60}"

stamp "engine tests under ASan + UBSan"
QUANTTUNE_BUILD_DIR=$top/build-asan scripts/build.sh -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DQUANTTUNE_SANITIZE=ON -DQUANTTUNE_GUI=OFF -DQUANTTUNE_CUDA=OFF
# LedgerAgainstMalloc compares the ledger with glibc's mallinfo2(); ASan replaces malloc,
# so glibc sees none of it there. QzoFineFoods, QloraFineFoods, QgaloreFineFoods and
# SparseZoFineFoods train for ~10, ~4, ~5 and ~10 minutes on real data, QloraExport trains the
# default model too: five times that
# under the sanitizers. All run in the Release suite below.
real_data_training='QzoFineFoods|QloraFineFoods|QgaloreFineFoods|SparseZoFineFoods|GuardFineFoods|Q4kmFineFoods'
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --timeout 1800 -j2 -E "LedgerAgainstMalloc|QloraExport|HostMemory|$real_data_training"

stamp "full Release build and tests"
scripts/build.sh
ctest --test-dir build --output-on-failure --timeout 1800 -j2 -E "$real_data_training"
# The fine-food training tests one at a time: each uses both cores, and OpenMP threads
# that share their cores with another test's wait for each other many times over.
stamp "QZO, QLoRA, Q-GaLore, sparse ZO and the divergence guard on the fine-food reviews (CPU budget ~10 + ~4 + ~5 + ~10 + ~4 minutes)"
ctest --test-dir build --output-on-failure --no-tests=error --timeout 2400 -V -R "$real_data_training"
stamp "all tests passed"
