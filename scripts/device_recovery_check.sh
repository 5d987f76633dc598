#!/usr/bin/env bash
# GPU out-of-memory recovery on an NVIDIA GPU, in one go: builds the CUDA tests for
# Hopper (sm_90, or QT_CUDA_ARCHS), runs CudaRecovery (a card with 3 GiB left: a
# model that does not fit at load, the batch raised until a step does not fit, then
# a smaller batch trains in the same process), the same under compute-sanitizer
# memcheck with leak checking on a smaller model and card (QT_RECOVERY_SMALL=1; the
# failing cudaMalloc itself is the point, so API errors are not reported), and the rest of the CUDA suite (the trainers' step
# changed with the divergence guard).
# Usage, from the repository root: scripts/device_recovery_check.sh [BUILD_DIR] [STAGES]
# STAGES picks what runs, default "oom memcheck suite" (the build always runs; it is
# quick when BUILD_DIR is already built), so that the stages can be split over calls
# that each have a time limit.
# QT_CUDA_TESTS=PATH runs a cuda_tests binary built elsewhere (for sm_90, with the same
# CUDA major version) instead of building one: a build takes minutes of device time.
# QT_ARCH_MODELS=DIR (scripts/device_arch_models.sh) lets the suite's CudaArchitectures
# compare the GGUF families on the GPU with the CPU.
# QT_DEADLINE=EPOCH_SECONDS shortens each stage's time limit so that the summary is
# printed before then (a device call has a limit of its own).
# Logs go to $OUT when it is set, else BUILD_DIR; the summary comes last.
set -uo pipefail

BUILD=${1:-build-device}
ARCHS=${QT_CUDA_ARCHS:-90}
STAGES=" ${2:-oom memcheck suite} "
LOGS=${OUT:-$BUILD}
mkdir -p "$BUILD" "$LOGS"
s_build=fail s_oom=skipped s_memcheck=skipped s_suite=skipped

# A stage's limit in seconds: its own, or what QT_DEADLINE leaves, if less.
limit() {
    local s=$1
    if [ -n "${QT_DEADLINE:-}" ]; then
        local left=$(( QT_DEADLINE - $(date +%s) - 15 ))
        (( left < s )) && s=$left
    fi
    (( s < 1 )) && s=1
    echo "$s"
}

t0=$(date +%s)
T="$BUILD/tests/cuda/cuda_tests"
if [ -n "${QT_CUDA_TESTS:-}" ]; then
    T=$QT_CUDA_TESTS
    ldd "$T" | grep "not found" && s_build=fail || s_build=ok
elif cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUANTTUNE_GUI=OFF -DQUANTTUNE_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES="$ARCHS" -DQUANTTUNE_CUDA_ARCHITECTURES="$ARCHS" >"$LOGS/configure.log" 2>&1 &&
    ninja -C "$BUILD" -j"$(nproc)" cuda_tests >"$LOGS/build.log" 2>&1; then
    s_build=ok
else
    tail -n 40 "$LOGS/configure.log" "$LOGS/build.log"
fi
echo "build: $s_build in $(( $(date +%s) - t0 )) s"

if [ "$s_build" = ok ] && [[ $STAGES == *" oom "* ]]; then
    t0=$(date +%s)
    timeout "$(limit 120)" "$T" --gtest_filter='CudaRecovery*' >"$LOGS/oom.log" 2>&1 && s_oom=ok || s_oom=fail
    echo "out-of-memory recovery: $s_oom in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(OK|FAILED|SKIPPED) +\]|Failure|Expected|Which is|^batch|^at load|^device free" "$LOGS/oom.log" | head -40
fi
if [ "$s_build" = ok ] && [[ $STAGES == *" suite "* ]]; then
    t0=$(date +%s)
    timeout "$(limit "${QT_SUITE_SECONDS:-180}")" "$T" --gtest_filter='-CudaRecovery*' >"$LOGS/suite.log" 2>&1 && s_suite=ok || s_suite=fail
    echo "rest of the CUDA suite: $s_suite in $(( $(date +%s) - t0 )) s"
    grep -E "^\[ +(FAILED|SKIPPED) +\]|tests ran|PASSED|Failure|rel err" "$LOGS/suite.log" | head -40
fi
if [ "$s_build" = ok ] && [[ $STAGES == *" memcheck "* ]]; then
    t0=$(date +%s)
    QT_RECOVERY_SMALL=1 timeout "$(limit "${QT_MEMCHECK_SECONDS:-200}")" compute-sanitizer --tool memcheck --leak-check full --report-api-errors no --error-exitcode 9 \
        "$T" --gtest_filter='CudaRecovery*' >"$LOGS/memcheck.log" 2>&1 && s_memcheck=ok || s_memcheck=fail
    echo "memcheck: $s_memcheck in $(( $(date +%s) - t0 )) s"
    grep -E "ERROR SUMMARY|LEAK SUMMARY|Invalid|leaked" "$LOGS/memcheck.log" | head -8
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null
echo "summary: build $s_build, oom-recovery $s_oom, memcheck $s_memcheck, cuda-suite $s_suite"
