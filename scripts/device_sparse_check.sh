#!/usr/bin/env bash
# Sparse ZO on an NVIDIA GPU, in one go: builds the CUDA tests and the CLI for
# Hopper (sm_90, or QT_CUDA_ARCHS), runs the sparse ops against the CPU
# (CudaSparse*), compute-sanitizer memcheck over them, the rest of the CUDA suite
# (the training hooks' forward changed with them), then with QT_BENCH=1 the
# Llama-2-7B-shape step of QZO and of sparse ZO (random mask of 0.1%, batch
# 16 x 256) on the same random Q4_0 model, and the gradient mask of that model
# computed from a few windows of text with the accumulators' memory stated
# (bench/NOTES_sparse_zo.md).
# Usage, from the repository root: [QT_BENCH=1] [QT_SKIP_TESTS=1] scripts/device_sparse_check.sh [BUILD_DIR]
# Logs go to $OUT when it is set, else BUILD_DIR; the summary comes last.
set -uo pipefail

BUILD=${1:-build-device}
ARCHS=${QT_CUDA_ARCHS:-90}
LOGS=${OUT:-$BUILD}
mkdir -p "$BUILD" "$LOGS"
s_build=fail s_sparse=skipped s_memcheck=skipped s_suite=skipped s_bench=skipped

t0=$(date +%s)
if cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUANTTUNE_GUI=OFF -DQUANTTUNE_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES="$ARCHS" -DQUANTTUNE_CUDA_ARCHITECTURES="$ARCHS" >"$LOGS/configure.log" 2>&1 &&
    ninja -C "$BUILD" -j"$(nproc)" cuda_tests quanttune-cli >"$LOGS/build.log" 2>&1; then
    s_build=ok
else
    tail -n 40 "$LOGS/configure.log" "$LOGS/build.log"
fi
echo "build: $s_build in $(( $(date +%s) - t0 )) s"

T="$BUILD/tests/cuda/cuda_tests"
CLI="$BUILD/app/quanttune-cli"
if [ "$s_build" = ok ] && [ "${QT_SKIP_TESTS:-0}" != 1 ]; then
    t0=$(date +%s)
    "$T" --gtest_filter='CudaSparse*' >"$LOGS/sparse.log" 2>&1 && s_sparse=ok || s_sparse=fail
    echo "sparse ops: $s_sparse in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(OK|FAILED|SKIPPED) +\]|Failure|Expected|Which is|\[ sparse" "$LOGS/sparse.log" | head -40
    t0=$(date +%s)
    compute-sanitizer --tool memcheck --error-exitcode 9 "$T" --gtest_filter='CudaSparse*' \
        >"$LOGS/memcheck.log" 2>&1 && s_memcheck=ok || s_memcheck=fail
    echo "memcheck: $s_memcheck in $(( $(date +%s) - t0 )) s"
    grep -E "ERROR SUMMARY|Invalid" "$LOGS/memcheck.log" | head -5
    t0=$(date +%s)
    timeout 300 "$T" --gtest_filter='-CudaSparse*:CudaTorchGradients*' >"$LOGS/suite.log" 2>&1 && s_suite=ok || s_suite=fail
    echo "rest of the CUDA suite: $s_suite in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(FAILED|SKIPPED) +\]|tests ran|PASSED|Failure" "$LOGS/suite.log" | head -20
fi

if [ "$s_build" = ok ] && [ "${QT_BENCH:-0}" = 1 ]; then
    t0=$(date +%s)
    MD=$BUILD/models
    mkdir -p "$MD"
    SEQS=${QT_BENCH_SEQS_PER_FORWARD:-16}
    s_bench=ok
    for method in qzo sparse-zo; do
        "$CLI" bench-step --shape llama2-7b --method "$method" --batch 16 --seq 256 --seqs-per-forward "$SEQS" \
            --steps "${QT_BENCH_STEPS:-5}" --warmup 1 --model-dir "$MD" --keep-model >"$LOGS/bench_$method.log" 2>&1 ||
            s_bench=fail
        grep -E "shape |median step|BENCH_RESULT|rror" "$LOGS/bench_$method.log" | tail -4
    done
    # The gradient mask of the same 7B model: a few windows of this repository's text
    # (the random model's tokenizer is byte-level), accumulators of --accumulator-mib.
    "$CLI" sensitivity --model "$MD/quanttune-bench-llama2-7b.gguf" --out "$LOGS/llama2-7b.qtsparse" \
        --calibration README.md,bench/NOTES_qzo_step_gpu.md,bench/NOTES_qgalore_step_gpu.md \
        --sequences "${QT_SENS_SEQUENCES:-4}" --length 256 --accumulator-mib "${QT_SENS_MIB:-1024}" --tf32 \
        >"$LOGS/sensitivity.log" 2>&1 || s_bench=fail
    grep -E "calibration|mask:|memory peak|rror" "$LOGS/sensitivity.log" | tail -4
    echo "bench: $s_bench in $(( $(date +%s) - t0 )) s"
fi

echo "== summary"
echo "build: $s_build  sparse ops: $s_sparse  memcheck: $s_memcheck  suite: $s_suite  bench: $s_bench"
grep -hE "tests ran|PASSED|FAILED +\]" "$LOGS/sparse.log" "$LOGS/suite.log" 2>/dev/null
[ "$s_build" = ok ]
