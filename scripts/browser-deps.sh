#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing and we may (root + apt).
# Browser tests skip with a printed reason when Chromium is still absent afterwards.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get)..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; then
    exit 0
  fi
fi
echo "NOTE: /usr/bin/chromium is not available; browser tests will be skipped." >&2
exit 0
