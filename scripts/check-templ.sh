#!/usr/bin/env bash
# Fails when the committed *_templ.go files are not what `templ generate`
# makes of the *.templ files.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(find views -name '*_templ.go' -print0 | sort -z | xargs -0 sha256sum)
go tool templ generate >/dev/null 2>&1
after=$(find views -name '*_templ.go' -print0 | sort -z | xargs -0 sha256sum)
if [ "$before" != "$after" ]; then
  echo "templ: the generated *_templ.go files were stale (now regenerated): commit them." >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
