# Sourced by the run and test scripts: make sure uv is there, then install the locked packages.
# Nothing else is needed on a fresh machine with Python 3.11 that reaches the package registries.
export PATH="$HOME/.local/bin:$PATH"
export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"
if ! command -v uv >/dev/null 2>&1; then
  echo "Installing uv (first run only)..."
  # Into the user's own site (no root needed). A distribution's Python (Debian's, for one) refuses
  # pip installs outside a virtual environment (PEP 668); uv is a single program, safe to add to
  # the user's site, so that refusal is overridden for it alone.
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
    || python3 -m pip install --quiet uv
  export PATH="$(python3 -m site --user-base)/bin:$PATH"
  if ! command -v uv >/dev/null 2>&1; then
    echo "error: could not install uv with pip (python3 -m pip install --user uv); install it and try again" >&2
    exit 1
  fi
fi
if ! uv sync --frozen --quiet; then
  echo "error: could not install the project's packages (uv sync --frozen failed; see above)" >&2
  exit 1
fi
