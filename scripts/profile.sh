#!/usr/bin/env bash
# make profile PAGES=search: the bench (scripts/bench.sh) on the pages
# whose names contain one of the comma-separated texts, the server
# serving its profiles on a loopback listener of its own: a CPU profile of
# each page's measured run and a heap profile after it land in
# bench/out/cpu-<page>.pprof and heap-<page>.pprof, and the top of each is
# printed. The data of the previous bench is kept when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
export CTAP_PPROF_ADDR=127.0.0.1:${CTAP_PPROF_PORT:-6061}
export CTAP_BENCH_REUSE=${CTAP_BENCH_REUSE:-1}
mkdir -p bench/out
rm -f bench/out/cpu-*.pprof bench/out/heap-*.pprof
scripts/bench.sh -pages "${PAGES:-/admin/users}" -duration "${DURATION:-20s}"
for f in bench/out/cpu-*.pprof; do
  [ -e "$f" ] || continue
  echo "== $f"
  go tool pprof -top -nodecount=35 bin/ctap "$f" 2>/dev/null | sed -n '4,45p'
  h=${f/cpu-/heap-}
  echo "== $h"
  go tool pprof -top -sample_index=inuse_space -nodecount=15 bin/ctap "$h" 2>/dev/null | sed -n '4,25p'
done
echo "open one with: go tool pprof -http=: bin/ctap bench/out/cpu-<page>.pprof"
