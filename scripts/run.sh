#!/usr/bin/env bash
# `make run`: install what is missing, check the settings, train if the training inputs changed,
# then start the Rasa server and the action server together under honcho. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
source scripts/bootstrap.sh
eval "$(uv run --no-sync python -m bot env --generate-token)"
uv run --no-sync python -m bot check
uv run --no-sync python -m bot db upgrade
uv run --no-sync python -m bot model
echo "Ready to start after $(( $(date +%s) - start )) s (install, checks and training)."
exec uv run --no-sync honcho start -f Procfile
