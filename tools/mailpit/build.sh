#!/usr/bin/env bash
# Builds Mailpit (github.com/axllent/mailpit v1.33.1), the SMTP server that
# catches the portal's mail in development and tests, once into a cache
# folder and prints the binary's path on stdout.
#
# This folder is a tiny module that pins Mailpit with a `tool` directive, so
# its dependencies never mix with the portal's. Mailpit's SMTP server and REST
# API work when built from the module; its web interface's scripts are built
# by npm and are not in the module, so `ctap dev` shows the caught mail itself
# at /dev-mail.
#
# Cache path: ${CTAP_CACHE_DIR:-$HOME/.cache/ctap}/mailpit-v1.33.1
# A cold build takes about 2 minutes; later runs return at once.
set -euo pipefail

MAILPIT_VERSION=v1.33.1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_dir="${CTAP_CACHE_DIR:-${HOME:-/tmp}/.cache/ctap}"
bin="$cache_dir/mailpit-$MAILPIT_VERSION"

if [[ -x "$bin" ]]; then
	echo "$bin"
	exit 0
fi

mkdir -p "$cache_dir"

# Test packages run in parallel may all ask at once: one builds, the others
# wait for it (where flock(1) exists).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$bin.lock"
	flock 9
	if [[ -x "$bin" ]]; then
		echo "$bin"
		exit 0
	fi
fi

echo "building Mailpit $MAILPIT_VERSION (about 2 minutes, once)" >&2

# Build into a temporary file and rename it, so that a concurrent or
# interrupted build never leaves a half-written binary behind.
tmp="$(mktemp "$bin.tmp.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
(
	cd "$here"
	# The main module's environment must not leak into this module.
	# CGO_ENABLED=0: no C compiler needed; Mailpit's SQLite is pure Go.
	GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0 \
		go build -trimpath -ldflags "-s -w" -o "$tmp" github.com/axllent/mailpit
)
chmod +x "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT
echo "$bin"
