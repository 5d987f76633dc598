#!/usr/bin/env bash
# First-order training on an NVIDIA GPU, in one go: builds the CUDA tests and the
# CLI for Hopper (sm_90, or QT_CUDA_ARCHS), runs the backward ops and model
# gradients against the CPU (CudaBackward*), whole-model gradients against
# PyTorch autograd (CudaTorchGradients, needs python3 with torch), compute-sanitizer
# memcheck over one model's backward, the rest of the CUDA suite, and with
# QT_BENCH=1 the QLoRA step against peft + bitsandbytes (bench/bench_qlora_step_gpu.py;
# bitsandbytes from carried wheels, see the device notes in bench/NOTES_qlora_step_gpu.md),
# QT_BENCH=qgalore the Q-GaLore step against q-galore-torch (bench/bench_qgalore_step_gpu.py,
# bench/NOTES_qgalore_step_gpu.md; Llama-2-7B needs calls of its own, see there).
# Usage, from the repository root: [QT_BENCH=1] [QT_SKIP_TESTS=1] scripts/device_train_check.sh [BUILD_DIR]
# Logs go to $OUT when it is set, else BUILD_DIR; the summary comes last.
set -uo pipefail

BUILD=${1:-build-device}
ARCHS=${QT_CUDA_ARCHS:-90}
LOGS=${OUT:-$BUILD}
mkdir -p "$BUILD" "$LOGS"
s_build=fail s_backward=skipped s_galore=skipped s_torch=skipped s_memcheck=skipped s_suite=skipped s_bench=skipped

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
if [ "$s_build" = ok ] && [ "${QT_SKIP_TESTS:-0}" != 1 ]; then
    t0=$(date +%s)
    "$T" --gtest_filter='CudaBackward*' >"$LOGS/backward.log" 2>&1 && s_backward=ok || s_backward=fail
    echo "backward tests: $s_backward in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(OK|FAILED|SKIPPED) +\]|Failure|Expected|Which is|\[ backward" "$LOGS/backward.log" | head -60
    t0=$(date +%s)
    "$T" --gtest_filter='CudaGalore*' >"$LOGS/galore.log" 2>&1 && s_galore=ok || s_galore=fail
    echo "galore ops: $s_galore in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(OK|FAILED|SKIPPED) +\]|Failure|Expected|Which is|\[ galore" "$LOGS/galore.log" | head -40
    t0=$(date +%s)
    "$T" --gtest_filter='CudaTorchGradients*' >"$LOGS/torch.log" 2>&1 && s_torch=ok || s_torch=fail
    echo "torch gradients: $s_torch in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(OK|FAILED|SKIPPED) +\]|Failure|Expected|Which is|torch grads|torch |Error" "$LOGS/torch.log" | head -30
    t0=$(date +%s)
    compute-sanitizer --tool memcheck --error-exitcode 9 "$T" --gtest_filter='CudaBackwardModel.*' \
        >"$LOGS/memcheck.log" 2>&1 && s_memcheck=ok || s_memcheck=fail
    echo "memcheck: $s_memcheck in $(( $(date +%s) - t0 )) s"
    grep -E "ERROR SUMMARY|Invalid" "$LOGS/memcheck.log" | head -5
    t0=$(date +%s)
    timeout 240 "$T" --gtest_filter='-CudaBackward*:CudaGalore*:CudaTorchGradients*' >"$LOGS/suite.log" 2>&1 && s_suite=ok || s_suite=fail
    echo "rest of the CUDA suite: $s_suite in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(FAILED|SKIPPED) +\]|tests ran|PASSED|Failure" "$LOGS/suite.log" | head -20
fi

if [ "$s_build" = ok ] && [ "${QT_BENCH:-0}" = qgalore ]; then
    t0=$(date +%s)
    PYTHONUNBUFFERED=1 python3 bench/bench_qgalore_step_gpu.py --cli "$BUILD/app/quanttune-cli" \
        --shapes "${QT_BENCH_SHAPES:-smollm2-135m,tinyllama-1.1b}" >"$LOGS/bench.log" 2>&1 && s_bench=ok || s_bench=fail
    echo "bench: $s_bench in $(( $(date +%s) - t0 )) s"
elif [ "$s_build" = ok ] && [ "${QT_BENCH:-0}" = 1 ]; then
    t0=$(date +%s)
    PYTHONUNBUFFERED=1 python3 bench/bench_qlora_step_gpu.py --cli "$BUILD/app/quanttune-cli" \
        --shapes "${QT_BENCH_SHAPES:-smollm2-135m,tinyllama-1.1b,llama2-7b}" --steps "${QT_BENCH_STEPS:-3}" \
        --json "$LOGS/bench.json" >"$LOGS/bench.log" 2>&1 && s_bench=ok || s_bench=fail
    echo "bench: $s_bench in $(( $(date +%s) - t0 )) s"
fi

echo "== summary"
echo "build: $s_build  backward: $s_backward  galore ops: $s_galore  torch: $s_torch  memcheck: $s_memcheck  suite: $s_suite  bench: $s_bench"
grep -hE "tests ran|PASSED|FAILED +\]" "$LOGS/backward.log" "$LOGS/galore.log" "$LOGS/torch.log" "$LOGS/suite.log" 2>/dev/null
[ "$s_bench" = skipped ] || grep -E "^\||median step|^peft|^goals|error|Error|Traceback|shape " "$LOGS/bench.log" | tail -30
[ "$s_build" = ok ]
