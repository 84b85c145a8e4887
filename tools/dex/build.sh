#!/usr/bin/env bash
# Builds the Dex OpenID Connect provider (github.com/dexidp/dex, tag v2.45.1)
# once into a cache folder and prints the binary's path on stdout.
#
# Dex cannot be installed with `go install ...@version` (its go.mod has a
# replace directive), so this folder is a tiny module that pins Dex with a
# `tool` directive; the binary is built from here.
#
# Cache path: ${CTAP_CACHE_DIR:-$HOME/.cache/ctap}/dex-v2.45.1
# A cold build takes about 2 minutes; later runs return at once.
set -euo pipefail

DEX_VERSION=v2.45.1
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_dir="${CTAP_CACHE_DIR:-${HOME:-/tmp}/.cache/ctap}"
bin="$cache_dir/dex-$DEX_VERSION"

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

echo "building Dex $DEX_VERSION (about 2 minutes, once)" >&2

# Build into a temporary file next to the target and rename it, so that a
# concurrent or interrupted build never leaves a half-written binary behind.
tmp="$(mktemp "$bin.tmp.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
(
	cd "$here"
	# The main module's environment (GOFLAGS=-mod=vendor and the like) must
	# not leak into this separate module. CGO_ENABLED=0: no C compiler needed
	# and a much faster build; it only drops Dex's sqlite3 storage, while the
	# tests use its memory storage.
	GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0 \
		go build -trimpath -ldflags "-s -w -X main.version=$DEX_VERSION" \
			-o "$tmp" github.com/dexidp/dex/cmd/dex
)
chmod +x "$tmp"
mv -f "$tmp" "$bin"
trap - EXIT
echo "$bin"
