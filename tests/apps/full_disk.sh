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
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
failures=0; passed=0

# full_disk NAME LIMIT_KiB -- ARGS... (ARGS write "$work/out.h5")
full_disk() {
    local name=$1 limit=$2; shift 3
    rm -f "$work/out.h5"
    if ! "$cimkit" "$@" >"$work/stdout" 2>"$work/stderr" || [ ! -s "$work/out.h5" ]; then
        printf 'FAIL %s: the run without a limit failed: %s\n' "$name" "$(head -c 600 "$work/stderr")"
        failures=$((failures + 1)); return
    fi
    local before; before=$(sha256sum < "$work/out.h5")
    (trap '' XFSZ; ulimit -f "$limit"; exec "$cimkit" "$@") >"$work/stdout" 2>"$work/stderr"
    local got=$? problem=""
    [ "$got" -eq 2 ] || problem="exit $got, expected 2"
    grep -qE "out\.h5.*(disk full|cannot write|File too large)" "$work/stderr" || problem="$problem; message does not name the file and the cause"
    [ "$(wc -l < "$work/stderr")" -le 2 ] || problem="$problem; message longer than 2 lines"
    [ "$(sha256sum < "$work/out.h5")" = "$before" ] || problem="$problem; the earlier out.h5 was changed"
    if ls -A "$work" | grep -q '\.part'; then problem="$problem; temporary file left behind"; fi
    if [ -n "$problem" ]; then
        printf 'FAIL %s: %s\n  stderr: %s\n' "$name" "$problem" "$(head -c 600 "$work/stderr")"
        failures=$((failures + 1))
    else
        printf 'ok   %s: %s' "$name" "$(cat "$work/stderr")"; echo; passed=$((passed + 1))
    fi
}

# Output sizes without a limit: simulate about 36 KB, characterize about 21 KB.
for limit in 1 8 16; do
    full_disk "simulate, disk full after ${limit} KiB"     "$limit" -- simulate "$examples/rc_lowpass.cir" -o "$work/out.h5"
done
full_disk "characterize, disk full after 8 KiB" 8 -- characterize pcm --experiment iv -o "$work/out.h5"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
