#!/usr/bin/env bash
# Sets the machine up, builds QuantTune and starts it on the default model.
# Starts the desktop app when it was built; otherwise the CLI generates from the default model.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup.sh
scripts/build.sh
if [ -x build/ui/quanttune ]; then
  exec build/ui/quanttune "$@"
fi
exec build/app/quanttune-cli generate --chat --max-tokens 128 \
  --prompt "${QUANTTUNE_PROMPT:-Give me three tips for learning a new language.}" "$@"
