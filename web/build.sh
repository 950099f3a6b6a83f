#!/usr/bin/env bash
# Rebuild the chat widget bundle (web/dist/intake-chat.js) and refresh the vendored axe-core used
# by the browser tests (web/vendor/axe.min.js). Both outputs are committed, so running the
# assistant or its tests needs no Node.js; only changing the widget does.
#
#   bash web/build.sh        (or: cd web && npm run build)
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm (Node.js 18 or newer) is needed to rebuild the widget" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
mkdir -p dist vendor
npx --no-install esbuild src/widget.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=eof --log-level=warning --outfile=dist/intake-chat.js
cp node_modules/axe-core/axe.min.js vendor/axe.min.js
cp node_modules/axe-core/LICENSE vendor/axe-core.LICENSE
echo "built web/dist/intake-chat.js ($(wc -c < dist/intake-chat.js) bytes) with socket.io-client $(node -p 'require("socket.io-client/package.json").version'); vendored axe-core $(node -p 'require("axe-core/package.json").version')"
