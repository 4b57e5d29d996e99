#!/bin/bash
# Instructions per engine step, repeatable on a loaded machine: bundles bench/loop.ts, then for each mode runs it
# under callgrind twice (10 warm-up runs + 0 measured, 10 + 4 measured) and prints (Ir₂ − Ir₁) / (4 × steps).
# JIT compilation that lands inside the measured runs is counted too, so expect a few per cent between repeats.
# Usage: bench/callgrind.sh MODE...   (several minutes per mode; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .perf
node_modules/.bin/esbuild bench/loop.ts --bundle --platform=node --format=esm --outfile=.perf/loop.mjs --packages=external --log-level=warning
ir() {
  valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=/dev/null node --single-threaded .perf/loop.mjs "$1" "$2" 10 2>&1 \
    | grep -o 'Collected : [0-9]*' | grep -o '[0-9]*$'
}
for mode in "$@"; do
  steps=$(node .perf/loop.mjs "$mode" 1 0 | grep -o '^[a-z_]*: [0-9]*' | grep -o '[0-9]*$')
  a=$(ir "$mode" 0)
  b=$(ir "$mode" 4)
  echo "$mode: $(( (b - a) / (4 * steps) )) instructions per step"
done
