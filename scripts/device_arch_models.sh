#!/usr/bin/env bash
# Writes the small random-weight model of each GGUF family (tests/oracle/make_arch_model.py,
# gguf-py's writer) in f32 and q8_0 into DIR, for CudaArchitectures on the GPU machine,
# which has no gguf-py: run it here, carry DIR, and point QT_ARCH_MODELS at it there.
# Usage: scripts/device_arch_models.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
python=${QUANTTUNE_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/quanttune/venv/bin/python}
mkdir -p "$dir"
for arch in llama-rope-freqs mistral qwen2 qwen3 gemma2 gemma3 phi3; do
  for type in f32 q8_0; do
    "$python" "$root/tests/oracle/make_arch_model.py" "$arch" "$dir/$arch-$type.gguf" "$type"
  done
done
ls -l "$dir"
