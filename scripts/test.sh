#!/usr/bin/env bash
# `make test`: install what is missing, then run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
exec uv run --no-sync pytest "$@"
