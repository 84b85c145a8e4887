#!/usr/bin/env bash
# Prints the path of xmllint for the IATI schema tests, installing Debian's
# libxml2-utils as root when none is found.
set -euo pipefail
for c in "${CTAP_XMLLINT:-}" xmllint; do
  [ -n "$c" ] || continue
  if p=$(command -v "$c" 2>/dev/null); then echo "$p"; exit 0; fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "xmllint: installing Debian's libxml2-utils for the IATI schema tests (once)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >&2
  command -v xmllint && exit 0
fi
echo "xmllint: the IATI schema tests need xmllint. Install it (on Debian: sudo apt-get install libxml2-utils) or set CTAP_XMLLINT to its path." >&2
exit 1
