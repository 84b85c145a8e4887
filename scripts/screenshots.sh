#!/usr/bin/env bash
# `make screenshots`: photographs every page each role reaches, on a phone
# (360 px) and a desktop (1280 px), into screenshots/<role>/<page>-<width>.png
# with screenshots/index.html to look at them (opens from disk). It brings up
# PostgreSQL and finds Chromium as `make test` does.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/check-go.sh
server=$(scripts/postgres.sh)
chromium=$(scripts/chromium.sh)
out="$PWD/screenshots"
mkdir -p "$out"

CTAP_TEST_DATABASE_URL="$server" CTAP_CHROMIUM="$chromium" CTAP_SCREENSHOTS="$out" \
  ${GO:-go} test ./web/ -run '^TestScreenshots$' -count=1 -timeout 20m -v | grep -Ev '^(=== (RUN|PAUSE|CONT|NAME)|\s+screenshots_test.go:[0-9]+: testdbconf)' || {
  echo "screenshots: the run failed (see above)" >&2
  exit 1
}
echo "screenshots: open $out/index.html"
