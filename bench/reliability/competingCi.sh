#!/usr/bin/env bash
# Issue 18, item 5: the whole CI (`bash .ci/run`: install, then `npm test`) N times in a row on a
# fresh clone of this repository, with a CPU-bound process competing for the cores the whole time.
# Each run's exit status, wall time and failing tests go to stdout, its whole log beside it.
#
#   bash bench/reliability/competingCi.sh [RUNS=3] [LOG_DIR=/tmp/competing-ci]
#
# The clone needs ../shared beside it, as CI has it; this script links the checkout's own.
set -uo pipefail
runs=${1:-3}
logs=${2:-/tmp/competing-ci}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
shared=$(cd "$repo/../shared" && pwd)
mkdir -p "$logs"

# The competitor: one busy-looping process at normal priority (a compiler, a second test suite).
node -e 'for (;;) {}' &
hog=$!
trap 'kill "$hog" 2>/dev/null' EXIT

# Every run checks out the commit that was HEAD when the script started, so work committed meanwhile
# cannot change what is being measured.
commit=$(git -C "$repo" rev-parse --short HEAD)
echo "competing-ci: $runs run(s) of bash .ci/run at $commit beside a busy-looping process (pid $hog), $(nproc) cores"
passed=0
for i in $(seq "$runs"); do
  work=$(mktemp -d)
  git clone -q "$repo" "$work/main"
  git -C "$work/main" checkout -q "$commit"
  ln -s "$shared" "$work/shared"
  start=$(date +%s)
  (cd "$work/main" && bash .ci/run) >"$logs/run-$i.log" 2>&1
  rc=$?
  wall=$(( $(date +%s) - start ))
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  tests=$(grep -Eo 'Tests +[0-9]+ passed[^)]*\)' "$logs/run-$i.log" | tail -1)
  journeys=$(grep -Eo '[0-9]+ (passed|failed|flaky)' "$logs/run-$i.log" | tail -3 | tr '\n' ' ')
  echo "run $i: exit $rc, ${wall} s, load $load; unit: ${tests:-?}; e2e: ${journeys:-?}"
  grep -E '^\s+[0-9]+\) ' "$logs/run-$i.log" | head -5
  [ "$rc" -eq 0 ] && passed=$((passed + 1))
  rm -rf "$work"
done
echo "competing-ci: $passed of $runs passed"
[ "$passed" -eq "$runs" ]
