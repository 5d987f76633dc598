#!/usr/bin/env bash
# CUDA backend check for a machine with an NVIDIA GPU (the device machine lent to
# sessions, or a developer's workstation): configures and builds only what the
# check needs, for Hopper (sm_90) unless QT_CUDA_ARCHS says otherwise, runs the
# CUDA tests (ctest -L cuda), runs compute-sanitizer memcheck over one full
# forward of the SmolLM2-shaped model and over one full QZO training step,
# trains 20 QZO steps through the trainer on a random model (GPU; the CPU too with QT_TRAIN_CPU=1),
# optionally times the QZO step against PyTorch (QT_BENCH=1, shapes in
# QT_BENCH_SHAPES, bench/bench_qzo_step_gpu.py), and prints a summary last.
# Usage, from the repository root: [QT_BENCH=1] scripts/device_check.sh [BUILD_DIR]
# Logs go to $OUT when it is set (the device tool brings that folder back), else BUILD_DIR.
set -uo pipefail

BUILD=${1:-build-device}
ARCHS=${QT_CUDA_ARCHS:-90}
LOGS=${OUT:-$BUILD}
mkdir -p "$BUILD" "$LOGS"
JOBS=$(nproc)
status_build=fail status_tests=fail status_memcheck=fail status_memcheck_qzo=fail status_bench=skipped status_train=skipped

echo "== GPU"
nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader || true

echo "== configure + build (archs $ARCHS, $JOBS jobs)"
t0=$(date +%s)
if cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DQUANTTUNE_GUI=OFF -DQUANTTUNE_CUDA=ON \
        -DCMAKE_CUDA_ARCHITECTURES="$ARCHS" -DQUANTTUNE_CUDA_ARCHITECTURES="$ARCHS" >"$LOGS/configure.log" 2>&1 &&
    ninja -C "$BUILD" -j"$JOBS" cuda_tests quanttune-cli >"$LOGS/build.log" 2>&1; then
    status_build=ok
else
    tail -n 60 "$LOGS/configure.log" "$LOGS/build.log"
fi
echo "build: $status_build in $(( $(date +%s) - t0 )) s"

if [ "$status_build" = ok ]; then
    echo "== ctest -L cuda"
    t0=$(date +%s)
    if ctest --test-dir "$BUILD" -L cuda -V --timeout 600 >"$LOGS/cuda_tests.log" 2>&1; then status_tests=ok; fi
    echo "tests: $status_tests in $(( $(date +%s) - t0 )) s"
    grep -E "^\s*[0-9]+: \[ +(OK|FAILED|SKIPPED) +\]|Failure|Expected|Which is|relative error|message|GPU  |\[ (z|zo ops|qzo step|gemm) " \
        "$LOGS/cuda_tests.log" | sed 's/^ *[0-9]*: //' | grep -v "^\[ *RUN" | head -80

    echo "== compute-sanitizer memcheck, one full forward"
    t0=$(date +%s)
    if [ "${QT_SKIP_FORWARD_MEMCHECK:-0}" = 1 ]; then
        echo "skipped (QT_SKIP_FORWARD_MEMCHECK=1)" >"$LOGS/memcheck.log"
        status_memcheck=skipped
    elif compute-sanitizer --tool memcheck --error-exitcode 9 "$BUILD/tests/cuda/cuda_tests" \
            --gtest_filter='CudaModel.LogitsOfEveryPromptPositionMatchCpu' >"$LOGS/memcheck.log" 2>&1; then
        status_memcheck=ok
    fi
    echo "memcheck: $status_memcheck in $(( $(date +%s) - t0 )) s"
    grep -E "ERROR SUMMARY|Invalid|OK \]|FAILED|SKIPPED" "$LOGS/memcheck.log" | head -20

    echo "== compute-sanitizer memcheck, one full QZO step (perturb, 2 losses, restore, update)"
    t0=$(date +%s)
    if compute-sanitizer --tool memcheck --error-exitcode 9 "$BUILD/tests/cuda/cuda_tests" \
            --gtest_filter='CudaQzoStep.*' >"$LOGS/memcheck_qzo.log" 2>&1; then
        status_memcheck_qzo=ok
    fi
    echo "memcheck qzo step: $status_memcheck_qzo in $(( $(date +%s) - t0 )) s"
    grep -E "ERROR SUMMARY|Invalid|OK \]|FAILED|SKIPPED|qzo step" "$LOGS/memcheck_qzo.log" | head -20

    echo "== train: QZO through the trainer (BatchLoss side by side, CUDA graphs) on a random SmolLM2-shaped model"
    status_train=fail
    python3 -c '
import json, random
random.seed(1)
for i in range(400):
    n = random.randint(0, 10**6)
    words = " ".join(random.choice(["apple", "stone", "river", "cloud", "paper"]) for _ in range(random.randint(20, 120)))
    print(json.dumps({"prompt": f"{words}\nIs {n} even or odd? Answer with one word: even or odd.",
                      "completion": "even" if n % 2 == 0 else "odd", "label": "even" if n % 2 == 0 else "odd"}))
' >"$BUILD/train_smoke.jsonl"
    if "$BUILD/app/quanttune-cli" random-model --out "$BUILD/random-smollm2.gguf" >"$LOGS/train.log" 2>&1; then
        status_train=ok
        # The CPU takes minutes here (248 s for 20 steps on 16 cores): only with QT_TRAIN_CPU=1.
        for dev in cuda $([ "${QT_TRAIN_CPU:-0}" = 1 ] && echo cpu); do
            t0=$(date +%s%N)
            "$BUILD/app/quanttune-cli" train --method qzo --model "$BUILD/random-smollm2.gguf" \
                --data "$BUILD/train_smoke.jsonl" --steps "${QT_TRAIN_STEPS:-20}" --batch-size 16 \
                --eval-every "${QT_TRAIN_STEPS:-20}" --eval-examples 32 --device "$dev" --quiet >>"$LOGS/train.log" 2>&1 ||
                status_train=fail
            echo "train on $dev: $(( ($(date +%s%N) - t0) / 1000000 )) ms for ${QT_TRAIN_STEPS:-20} steps and 2 evaluations"
        done
        grep -E "^device:|^plan:|^eval after|^memory" "$LOGS/train.log"
    fi
    echo "train: $status_train"

    if [ "${QT_BENCH:-0}" = 1 ]; then
        echo "== bench: QZO step vs PyTorch MeZO"
        t0=$(date +%s)
        if PYTHONUNBUFFERED=1 python3 bench/bench_qzo_step_gpu.py --cli "$BUILD/app/quanttune-cli" \
                --shapes "${QT_BENCH_SHAPES:-smollm2-135m,tinyllama-1.1b,llama2-7b}" --steps "${QT_BENCH_STEPS:-3}" \
                --json "$LOGS/bench.json" ${QT_BENCH_ARGS:-} >"$LOGS/bench.log" 2>&1; then
            status_bench=ok
        else
            status_bench=fail
        fi
        echo "bench: $status_bench in $(( $(date +%s) - t0 )) s"
    fi
fi

echo "== summary"
echo "build:    $status_build"
echo "tests:    $status_tests  ($(grep -cE '^\s*[0-9]+: \[ +OK +\]' "$LOGS/cuda_tests.log" 2>/dev/null) passed," \
     "$(grep -cE '^\s*[0-9]+: \[ +FAILED +\] [A-Za-z0-9_/.]+ \(' "$LOGS/cuda_tests.log" 2>/dev/null) failed," \
     "$(grep -cE '^\s*[0-9]+: \[ +SKIPPED +\]' "$LOGS/cuda_tests.log" 2>/dev/null) skipped)"
grep -hE "tests passed|Total Test time" "$LOGS/cuda_tests.log" 2>/dev/null
echo "memcheck: $status_memcheck  ($(grep -h 'ERROR SUMMARY' "$LOGS/memcheck.log" 2>/dev/null))"
echo "memcheck qzo step: $status_memcheck_qzo  ($(grep -h 'ERROR SUMMARY' "$LOGS/memcheck_qzo.log" 2>/dev/null))"
echo "train:    $status_train"
echo "bench:    $status_bench"
[ "$status_bench" = skipped ] || grep -vE "^(\\$ |BENCH_RESULT)" "$LOGS/bench.log" | grep -E "^step|^median|^shape|^\||^QZO|measured|error|torch:|Error|Traceback" | tail -40
[ "$status_build$status_tests$status_memcheck_qzo" = okokok ] && [ "$status_memcheck" != fail ] && [ "$status_train" != fail ]
