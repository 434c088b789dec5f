#!/usr/bin/env bash
# Vendor the back office's browser libraries so the site serves them itself (no CDN):
# `npm ci` installs exactly what package-lock.json pins into node_modules/, then
# Quill's distribution files are copied into cms/static/vendor/quill/. Both folders
# are build output, kept out of git. Idempotent; `make install` runs it.
#
# Without npm the article editor falls back to its plain textarea: we say so and
# succeed, as scripts/browser-deps.sh does for Chromium. A failing npm is an error.
set -euo pipefail
cd "$(dirname "$0")/.."

VENDOR=cms/static/vendor
QUILL=node_modules/quill

if ! command -v npm >/dev/null 2>&1; then
  echo "NOTE: npm is not installed; the article editor stays a plain text area." >&2
  echo "      Install Node.js and npm, then run scripts/vendor-assets.sh again." >&2
  exit 0
fi

# No package runs install scripts: we only copy files out of the packages. Its summary
# ("added 9 packages") goes to /dev/null; errors and warnings still reach stderr.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null

tmp="$VENDOR/.quill.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
cp "$QUILL/dist/quill.js" "$QUILL/dist/quill.snow.css" "$QUILL/LICENSE" "$tmp/"
version=$(node -p "require('./$QUILL/package.json').version")
printf '%s\n' "$version" >"$tmp/VERSION"
# Swap the folder in one step so a running server never serves half a copy.
rm -rf "$VENDOR/quill"
mv "$tmp" "$VENDOR/quill"
echo "Quill $version copied into $VENDOR/quill/"
