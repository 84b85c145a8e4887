#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium for the browser tests,
# installing Debian's chromium as root when none is found.
set -euo pipefail
for c in "${CTAP_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  [ -n "$c" ] || continue
  if p=$(command -v "$c" 2>/dev/null); then echo "$p"; exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing Debian's chromium for the browser tests (once)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  command -v chromium && exit 0
fi
echo "chromium: the browser tests need Chromium. Install it (on Debian: sudo apt-get install chromium) or set CTAP_CHROMIUM to its path." >&2
exit 1
