#!/usr/bin/env bash
# A full disk while writing the output file (issue 7, crash safety): a clear one-line error naming the
# file, exit status 2 (apps/exit_status.hpp: unwritable output), no temporary left behind, and an
# earlier file at the same path unchanged, byte for byte.
#
# The full disk is RLIMIT_FSIZE (`ulimit -f`, in KiB) with SIGXFSZ ignored, so that a write past the
# limit fails with EFBIG, as on a full disk, instead of killing the process. (/dev/full cannot serve:
# outputs are written beside the target and renamed onto it, which as root would replace the device.)
set -u
cimkit=${1:?cimkit binary}; examples=${2:?examples dir}
work=$(mktemp -d); logs=$(mktemp -d); trap 'rm -rf "$work" "$logs"' EXIT
failures=0; passed=0

# full_disk NAME LIMIT_KiB FAILING_FILE -- ARGS... (ARGS write "$work/out.h5", and may write more
# files in $work; FAILING_FILE is the one whose write must fail and be named)
full_disk() {
    local name=$1 limit=$2 failing=$3; shift 4
    rm -f "$work"/*
    if ! "$cimkit" "$@" >"$logs/stdout" 2>"$logs/stderr" || [ ! -s "$work/out.h5" ]; then
        printf 'FAIL %s: the run without a limit failed: %s\n' "$name" "$(head -c 600 "$logs/stderr")"
        failures=$((failures + 1)); return
    fi
    local before; before=$(cd "$work" && sha256sum *)
    (trap '' XFSZ; ulimit -f "$limit"; exec "$cimkit" "$@" --force) >"$logs/stdout" 2>"$logs/stderr"
    local got=$? problem=""
    [ "$got" -eq 2 ] || problem="exit $got, expected 2"
    grep -qE "${failing//./\\.}.*(disk full|cannot write|File too large)" "$logs/stderr" || problem="$problem; message does not name $failing and the cause"
    [ "$(wc -l < "$logs/stderr")" -le 2 ] || problem="$problem; message longer than 2 lines"
    [ "$(cd "$work" && sha256sum $(echo "$before" | awk '{print $2}'))" = "$before" ] || problem="$problem; an earlier output was changed"
    if ls -A "$work" | grep -q '\.part'; then problem="$problem; temporary file left behind"; fi
    if [ -n "$problem" ]; then
        printf 'FAIL %s: %s\n  stderr: %s\n' "$name" "$problem" "$(head -c 600 "$logs/stderr")"
        failures=$((failures + 1))
    else
        printf 'ok   %s: %s' "$name" "$(cat "$logs/stderr")"; echo; passed=$((passed + 1))
    fi
}

# Output sizes without a limit: simulate about 36 KB, characterize about 21 KB, crossbar 46 KB.
for limit in 1 8 16; do
    full_disk "simulate, disk full after ${limit} KiB"     "$limit" out.h5 -- simulate "$examples/rc_lowpass.cir" -o "$work/out.h5"
done
full_disk "characterize, disk full after 8 KiB" 8 out.h5 -- characterize pcm --experiment iv -o "$work/out.h5"
# The emitted netlist (about 8 KB) is written first and fails; it once left its .part file behind.
full_disk "crossbar --emit-netlist, disk full after 4 KiB" 4 net.cir -- crossbar --device pcm --rows 16 --cols 8 -o "$work/out.h5" --emit-netlist "$work/net.cir"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
