#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for a bounded
# time on a copy of its committed corpus (tests/fuzz/corpus/<target>/). Prints the executions per
# target. A crash leaves its reproducer in build-fuzz/crashes/<target>/: commit it to the corpus as a
# regression input once fixed (ctest replays the corpus in every build).
# Usage: scripts/run_fuzz.sh [seconds per target, default 12]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-12}
targets=(netlist_guard config_toml iris_csv mnist_idx h5_reader)
build="$repo_root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$repo_root" -B "$build" -DCIMKIT_FUZZ=ON -DCIMKIT_SANITIZE=ON -DCIMKIT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}" >/dev/null
status=0
for t in "${targets[@]}"; do
    work=$(mktemp -d)
    cp "$repo_root/tests/fuzz/corpus/$t/"* "$work/"
    mkdir -p "$build/crashes/$t"
    log="$build/fuzz_$t.log"
    # Leak checking stays on (these targets do not load ngspice), minus libhdf5's own leaks.
    if LSAN_OPTIONS="suppressions=$repo_root/tests/fuzz/lsan.supp" "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
          -artifact_prefix="$build/crashes/$t/" "$work" >"$log" 2>&1; then
        runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]*')
        printf 'fuzz %-14s %10s executions in %ss, no crash\n' "$t" "${runs:-?}" "$seconds"
    else
        printf 'fuzz %-14s CRASH: see %s and %s\n' "$t" "$log" "$build/crashes/$t/"
        status=1
    fi
    rm -rf "$work"
done
exit $status
