#!/usr/bin/env bash
# Stops with a sentence when Go is missing or too old.
set -euo pipefail
if ! command -v go >/dev/null 2>&1; then
  echo "go: CTAP needs Go 1.26 or later. Install it from https://go.dev/dl/ and put it on PATH." >&2
  exit 1
fi
v=$(go env GOVERSION | sed 's/^go//')
major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
if [ "$major" -lt 1 ] || { [ "$major" = 1 ] && [ "$minor" -lt 26 ]; }; then
  echo "go: CTAP needs Go 1.26 or later; this machine has $v." >&2
  exit 1
fi
