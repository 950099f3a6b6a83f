# Sourced by the run and test scripts: make sure uv is there, then install the locked packages.
# Nothing else is needed on a fresh machine with Python 3.11 that reaches the package registries.
export PATH="$HOME/.local/bin:$PATH"
export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"
if ! command -v uv >/dev/null 2>&1; then
  echo "Installing uv (first run only)..."
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
if ! uv sync --frozen --quiet; then
  echo "error: could not install the project's packages (uv sync --frozen failed; see above)" >&2
  exit 1
fi
