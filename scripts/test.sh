#!/usr/bin/env bash
# `make test`: install what is missing, then run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
# The browser tests drive Debian's Chromium (Playwright never downloads a browser here). Install
# it when it is missing and we may; without it those tests are skipped (and fail under CI).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (first run only)..."
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
    echo "warning: could not install chromium; the browser tests will not run" >&2
  fi
fi
# The scaled-out tests put Debian's nginx in front of two Rasa servers; install it the same way.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's nginx for the scaled-out tests (first run only)..."
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; then
    echo "warning: could not install nginx; the scaled-out tests will not run" >&2
  fi
fi
# One test rebuilds the committed widget bundle to prove it matches its source; it needs the
# widget's npm packages (from the npm registry, pinned by web/package-lock.json).
if [ ! -x web/node_modules/.bin/esbuild ] && command -v npm >/dev/null 2>&1; then
  echo "Installing the chat widget's npm packages for the bundle check (first run only)..."
  (cd web && npm ci --no-audit --no-fund --loglevel=error) \
    || echo "warning: could not install the widget's npm packages; the bundle check will not run" >&2
fi
exec uv run --no-sync pytest "$@"
