#!/usr/bin/env bash
# `cimkit plot` on files from strangers (issue 13): a text file, an empty file, a truncated HDF5 file,
# every file of tests/fuzz/libhdf5_faults/ (libhdf5 1.10 hangs or crashes on them), files without the
# groups plot draws or with contents no figure can be drawn from, and bad arguments. Each must exit 2
# with one line "cimkit: error: '<file>': ..." naming the file, print no Python traceback, end within
# its bound (a hang fails the case, not the test: `timeout`), leave no plotting process behind, and
# leave the earlier PNGs of the same stem byte for byte (each bad file is called good.h5, and --force
# is passed, so that any figure drawn would replace one). A good file still plots.
set -u
cimkit=${1:?cimkit binary}; examples=${2:?examples dir}
faults=$(cd "$(dirname "$0")/../fuzz/libhdf5_faults" && pwd)
work=$(mktemp -d); logs=$(mktemp -d)
trap 'rm -rf "$work" "$logs"' EXIT
python=/usr/bin/python3; [ -x "$python" ] || python=python3
failures=0; passed=0
# The plotting script may take this long to read a file; the hanging files hit it, so keep it short.
export CIMKIT_PLOT_READ_TIMEOUT_S=3
bound_s=15  # the limit, python's start-up on a loaded machine, and the kill

report() {  # NAME PROBLEM
    if [ -n "$2" ]; then
        printf 'FAIL %s: %s\n  stderr: %s\n' "$1" "$2" "$(head -c 600 "$logs/stderr")"; failures=$((failures + 1))
    else
        printf 'ok   %s: %s\n' "$1" "$(head -c 300 "$logs/stderr" | tr '\n' ' ')"; passed=$((passed + 1))
    fi
}

# Names, kinds and checksums of everything under $work/figs, temporaries and lock files included.
snapshot() { (cd "$work/figs" && find . -mindepth 1 -printf '%p %y\n' | sort && sha256sum ./* 2>/dev/null | sort); }

mkdir "$work/figs" "$work/cases"
"$cimkit" simulate "$examples/rc_lowpass.cir" -o "$work/good.h5" >/dev/null 2>&1 || { echo "FAIL: cannot make good.h5"; exit 1; }

# ---- a good file plots: exit 0, one PNG per analysis
"$cimkit" plot "$work/good.h5" -o "$work/figs" >"$logs/stdout" 2>"$logs/stderr"; got=$?
problem=""; [ "$got" -eq 0 ] || problem="exit $got, expected 0"
for png in good_ac1.png good_tran1.png; do
    [ "$(head -c 8 "$work/figs/$png" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || problem="$problem; $png missing or not a PNG"
done
report "good file plots" "$problem"
[ -z "$problem" ] || { echo "cannot go on without the earlier PNGs"; exit 1; }

# refuse NAME FILE [ARGS...]: plot FILE (as given) into figs with --force; exit 2, one line naming
# FILE, no traceback, within the bound, no plotting process left, figs unchanged.
refuse() {
    local name=$1 file=$2; shift 2
    local before; before=$(snapshot)
    local start=${EPOCHREALTIME/./}
    timeout -k 5 $((2 * bound_s)) "$cimkit" plot "$file" -o "$work/figs" --force "$@" >"$logs/stdout" 2>"$logs/stderr"; local got=$?
    local elapsed_ms=$(( (${EPOCHREALTIME/./} - start) / 1000 )) problem=""
    [ "$got" -eq 2 ] || problem="exit $got, expected 2"
    [ "$elapsed_ms" -le $((bound_s * 1000)) ] || problem="$problem; took $elapsed_ms ms, bound $bound_s s"
    grep -qF "cimkit: error: '$file': " "$logs/stderr" || problem="$problem; stderr does not name '$file'"
    [ "$(wc -l < "$logs/stderr")" -eq 1 ] || problem="$problem; stderr is not one line"
    grep -q 'Traceback' "$logs/stderr" "$logs/stdout" && problem="$problem; a Python traceback"
    pgrep -f "cimkit_plot.py $file" >/dev/null && problem="$problem; a plotting process is still running"
    [ "$(snapshot)" = "$before" ] || problem="$problem; the figures changed: $(diff <(echo "$before") <(snapshot) | head -4 | tr '\n' ' ')"
    report "$name ($elapsed_ms ms)" "$problem"
}

# case NAME: a folder of its own for the bad file, which is always called good.h5 (same PNG names).
case_file() { mkdir -p "$work/cases/$1"; echo "$work/cases/$1/good.h5"; }

f=$(case_file text); printf 'this is not an HDF5 file\n' > "$f";            refuse "text file" "$f"
f=$(case_file empty); : > "$f";                                            refuse "empty file" "$f"
f=$(case_file truncated); head -c 4000 "$work/good.h5" > "$f";             refuse "truncated HDF5 file" "$f"
for fault in "$faults"/*; do
    [ "${fault%.md}" = "$fault" ] || continue
    f=$(case_file "$(basename "$fault")"); cp "$fault" "$f";               refuse "libhdf5 fault $(basename "$fault")" "$f"
done
f=$(case_file no_group)
"$python" -c "import h5py, sys; f = h5py.File(sys.argv[1], 'w'); f['training/loss'] = [1.0]; f.attrs['seed'] = 3" "$f"
refuse "HDF5 file without a group plot draws" "$f"
f=$(case_file waveform_dataset); cp "$work/good.h5" "$f"
"$python" -c "import h5py, sys; h5py.File(sys.argv[1], 'r+')['waveforms/zz'] = [1.0]" "$f"
refuse "a waveform that is a dataset" "$f"
f=$(case_file missing_scale); cp "$work/good.h5" "$f"
"$python" -c "import h5py, sys; g = h5py.File(sys.argv[1], 'r+')['waveforms/tran1']; g.attrs['scale'] = 'nope'" "$f"
refuse "a waveform whose scale is missing" "$f"
f=$(case_file external_link); cp "$work/good.h5" "$f"
"$python" -c "import h5py, sys; h5py.File(sys.argv[1], 'r+')['waveforms/x'] = h5py.ExternalLink(sys.argv[2], '/waveforms/tran1')" "$f" "$work/good.h5"
refuse "an external link" "$f"
refuse "missing file" "$work/cases/nowhere/good.h5"
mkdir -p "$work/cases/folder/good.h5";                                     refuse "a folder" "$work/cases/folder/good.h5"
f=$(case_file fifo); mkfifo "$f";                                          refuse "a FIFO" "$f"

# ---- bad arguments: exit 2, the argument named, no traceback, figures unchanged
bad_arguments() {  # NAME PATTERN -- ARGS...
    local name=$1 pattern=$2; shift 3
    local before; before=$(snapshot)
    timeout -k 5 $((2 * bound_s)) "$cimkit" "$@" >"$logs/stdout" 2>"$logs/stderr"; local got=$? problem=""
    [ "$got" -eq 2 ] || problem="exit $got, expected 2"
    grep -qE -- "$pattern" "$logs/stderr" || problem="$problem; stderr lacks /$pattern/"
    grep -q 'Traceback' "$logs/stderr" "$logs/stdout" && problem="$problem; a Python traceback"
    [ "$(snapshot)" = "$before" ] || problem="$problem; the figures changed"
    report "$name" "$problem"
}
bad_arguments "unknown option"        'not expected: --bogus'   -- plot "$work/good.h5" -o "$work/figs" --bogus
bad_arguments "no file"               'file is required'        -- plot
bad_arguments "output folder missing" "'$work/nowhere': output folder does not exist" -- plot "$work/good.h5" -o "$work/nowhere"
CIMKIT_PLOT_READ_TIMEOUT_S=0 bad_arguments "zero read limit" 'CIMKIT_PLOT_READ_TIMEOUT_S.*got .0.' -- plot "$work/good.h5" -o "$work/figs" --force
CIMKIT_PLOT_READ_TIMEOUT_S=soon bad_arguments "text read limit" 'CIMKIT_PLOT_READ_TIMEOUT_S.*got .soon.' -- plot "$work/good.h5" -o "$work/figs" --force

# ---- after all that, the good file still plots over its PNGs with --force
"$cimkit" plot "$work/good.h5" -o "$work/figs" --force >"$logs/stdout" 2>"$logs/stderr"; got=$?
problem=""; [ "$got" -eq 0 ] || problem="exit $got, expected 0"
[ "$(grep -c '^wrote ' "$logs/stdout")" -eq 2 ] || problem="$problem; not 2 'wrote' lines"
[ -z "$(cd "$work/figs" && ls -A | grep -v '^good_\(ac1\|tran1\)\.png$')" ] || problem="$problem; left $(ls -A "$work/figs" | tr '\n' ' ')"
report "good file plots again with --force" "$problem"

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
