#!/usr/bin/env bash
# Outputs never destroy anything (issue 13): every subcommand that writes refuses, with exit status 2
# and the path named, an output that exists and is not a regular file (FIFO, device, folder, symbolic
# link: the output is renamed onto its path, which would replace it), an output that is one of its
# own inputs, an output another cimkit process is writing, and an existing result without --force.
# SIGINT/SIGTERM and a file size limit during a run remove the temporaries. In every refused or
# interrupted case the folder must be exactly as before: same names, kinds, link targets and bytes,
# and no temporary (.part) or lock file left.
set -u
cimkit=${1:?cimkit binary}; examples=${2:?examples dir}; data=${3:?data dir}
work=$(mktemp -d); logs=$(mktemp -d)
background=()
cleanup() { for p in "${background[@]}"; do kill "$p" 2>/dev/null; done; wait; rm -rf "$work" "$logs"; }
trap cleanup EXIT
failures=0; passed=0
python=/usr/bin/python3; [ -x "$python" ] || python=python3

# Every entry of $work with its kind and link target, and the checksum of every regular file;
# entries matching $busy (the files of a run still going on) are left out.
busy='^$'
snapshot() {
    (cd "$work" && find . -mindepth 1 -printf '%p %y %l\n' | grep -vE "$busy" | sort &&
        find . -type f -exec sha256sum {} + 2>/dev/null | grep -vE "$busy" | sort)
}
leftovers() { (cd "$work" && find . -name '*.part*' -o -name '*.lock' -o -name '.*.png' | grep -vE "$busy" | sort); }

report() {  # NAME PROBLEM
    if [ -n "$2" ]; then
        printf 'FAIL %s: %s\n  stderr: %s\n' "$1" "$2" "$(head -c 600 "$logs/stderr")"; failures=$((failures + 1))
    else
        printf 'ok   %s: %s\n' "$1" "$(head -c 300 "$logs/stderr" | tr '\n' ' ')"; passed=$((passed + 1))
    fi
}

# refuse NAME PATTERN -- ARGS...: exit 2, stderr matches PATTERN (which names the path), one line,
# the real reason (never "Success"), and $work unchanged.
refuse() {
    local name=$1 pattern=$2; shift 3
    local before; before=$(snapshot)
    timeout -k 5 120 "$cimkit" "$@" >"$logs/stdout" 2>"$logs/stderr"; local got=$? problem=""
    [ "$got" -eq 2 ] || problem="exit $got, expected 2"
    grep -qE -- "$pattern" "$logs/stderr" || problem="$problem; stderr lacks /$pattern/"
    grep -q 'Success' "$logs/stderr" && problem="$problem; the message reports 'Success'"
    [ "$(wc -l < "$logs/stderr")" -le 1 ] || problem="$problem; message longer than 1 line"
    [ -z "$(leftovers)" ] || problem="$problem; left $(leftovers | tr '\n' ' ')"
    [ "$(snapshot)" = "$before" ] || problem="$problem; the folder changed: $(diff <(echo "$before") <(snapshot) | head -5 | tr '\n' ' ')"
    report "$name" "$problem"
}

# succeed NAME -- ARGS...: exit 0 and no temporary or lock file left.
succeed() {
    local name=$1; shift 2
    "$cimkit" "$@" >"$logs/stdout" 2>"$logs/stderr"; local got=$? problem=""
    [ "$got" -eq 0 ] || problem="exit $got, expected 0"
    [ -z "$(leftovers)" ] || problem="$problem; left $(leftovers | tr '\n' ' ')"
    report "$name" "$problem"
}

rc=$examples/rc_lowpass.cir
small_train=(train --quiet --set run.engine=compact --set training.epochs=1)
"$cimkit" simulate "$rc" -o "$work/earlier.h5" >/dev/null 2>&1 || { echo "FAIL: cannot make earlier.h5"; exit 1; }

# ---- 1. an existing path that is not a regular file; a symbolic link is not followed
mkfifo "$work/fifo"
ln -s earlier.h5 "$work/link.h5"
ln -s /dev/null "$work/devnull"
mkdir "$work/folder"
for target in fifo link.h5 devnull; do
    refuse "simulate -o $target"     "'$work/$target': is a (FIFO|symbolic link)" -- simulate "$rc" -o "$work/$target" --force
done
refuse "simulate -o folder"          "'$work/folder': is a folder"            -- simulate "$rc" -o "$work/folder" --force
refuse "characterize -o fifo"        "'$work/fifo': is a FIFO"                -- characterize pcm -e iv -o "$work/fifo" --force
refuse "crossbar -o link"            "'$work/link.h5': is a symbolic link"    -- crossbar --device pcm -o "$work/link.h5" --force
refuse "crossbar --emit-netlist fifo" "'$work/fifo': is a FIFO"               -- crossbar --device pcm -o "$work/new.h5" --emit-netlist "$work/fifo" --force
refuse "train -o devnull link"       "'$work/devnull': is a symbolic link"    -- "${small_train[@]}" -o "$work/devnull" --force
if mknod "$work/null" c 1 3 2>/dev/null; then  # as root: a character device like /dev/null
    refuse "simulate -o char device" "'$work/null': is a character device"    -- simulate "$rc" -o "$work/null" --force
    [ -c "$work/null" ] && rm "$work/null"
else
    echo "skip simulate -o char device (mknod needs root)"
fi
[ -p "$work/fifo" ] && [ -L "$work/link.h5" ] && [ -L "$work/devnull" ] && [ -c /dev/null ] || report "special files intact" "one was replaced"

# ---- 2. an output that is one of the command's inputs
cp "$rc" "$work/x.cir"; mkdir "$work/sub"; ln "$work/x.cir" "$work/hard.cir"
refuse "simulate x.cir -o x.cir"     "'$work/x.cir': is also the netlist"     -- simulate "$work/x.cir" -o "$work/x.cir" --force
refuse "simulate -o sub/../x.cir"    "is also the netlist"                    -- simulate "$work/x.cir" -o "$work/sub/../x.cir" --force
refuse "simulate -o a hard link"     "'$work/hard.cir': is also the netlist"  -- simulate "$work/x.cir" -o "$work/hard.cir" --force
refuse "crossbar --emit-netlist = -o, existing" "'$work/earlier.h5': is also the HDF5 output" -- crossbar --device pcm -o "$work/earlier.h5" --emit-netlist "$work/earlier.h5" --force
refuse "crossbar --emit-netlist = -o, new" "p.cir': is also the HDF5 output" -- crossbar --device pcm -o "$work/p.cir" --emit-netlist "$work/./p.cir"
cp "$data/experiments/iris_mosfet_spice.toml" "$work/c.toml"; cp "$data/iris.csv" "$work/iris.csv"
refuse "train --config c -o c"       "'$work/c.toml': is also the config file" -- train --quiet --config "$work/c.toml" -o "$work/c.toml" --force
refuse "train dataset -o dataset"    "'$work/iris.csv': is also the dataset"  -- "${small_train[@]}" --set dataset.path="$work/iris.csv" -o "$work/iris.csv" --force

# ---- 3. an existing result is replaced only with --force (train --resume rewrites its own file)
refuse "simulate, existing output"   "'$work/earlier.h5': exists; pass --force" -- simulate "$rc" -o "$work/earlier.h5"
refuse "characterize, existing"      "'$work/earlier.h5': exists; pass --force" -- characterize pcm -e iv -o "$work/earlier.h5"
refuse "crossbar, existing"          "'$work/earlier.h5': exists; pass --force" -- crossbar --device pcm -o "$work/earlier.h5"
refuse "crossbar netlist, existing"  "'$work/x.cir': exists; pass --force"    -- crossbar --device pcm -o "$work/new.h5" --emit-netlist "$work/x.cir"
refuse "train, existing"             "'$work/earlier.h5': exists; pass --force" -- "${small_train[@]}" -o "$work/earlier.h5"
succeed "train to run.h5"            -- "${small_train[@]}" -o "$work/run.h5"
succeed "train --resume in place"    -- train --quiet --resume "$work/run.h5"
refuse "train --resume -o existing"  "'$work/earlier.h5': exists; pass --force" -- train --quiet --resume "$work/run.h5" -o "$work/earlier.h5"
cp "$work/earlier.h5" "$work/replaced.h5"; touch -d 2000-01-01 "$work/replaced.h5"
succeed "simulate --force replaces"  -- simulate "$examples/divider.cir" -o "$work/replaced.h5" --force
cmp -s "$work/earlier.h5" "$work/replaced.h5" && report "--force replaced the file" "replaced.h5 is unchanged"

# ---- 4. plot: nothing earlier overwritten when drawing fails, nor without --force
mkdir "$work/figs" "$work/bad"
succeed "plot"                       -- plot "$work/earlier.h5" -o "$work/figs"
refuse "plot, existing PNGs"         "'$work/figs/earlier_ac1.png': exists; pass --force" -- plot "$work/earlier.h5" -o "$work/figs"
cp "$work/earlier.h5" "$work/bad/earlier.h5"  # same PNG names; its last figure cannot be drawn (bad input: exit 2)
"$python" -c "import h5py, sys; g = h5py.File(sys.argv[1], 'r+').create_group('waveforms/zz'); g.attrs['scale'] = 'nope'; g['x'] = [1.0]" "$work/bad/earlier.h5"
before=$(snapshot)
"$cimkit" plot "$work/bad/earlier.h5" -o "$work/figs" --force >"$logs/stdout" 2>"$logs/stderr"; got=$?
problem=""; [ "$got" -eq 2 ] || problem="exit $got on a figure the file lacks the data for, expected 2"
grep -q "bad/earlier.h5" "$logs/stderr" || problem="$problem; the message does not name the file"
[ "$(snapshot)" = "$before" ] || problem="$problem; earlier PNGs changed"
[ -z "$(leftovers)" ] || problem="$problem; left $(leftovers | tr '\n' ' ')"
report "plot failing midway keeps earlier PNGs" "$problem"
ln -s ../earlier.h5 "$work/figs/linked_tran1.png"; cp "$work/earlier.h5" "$work/linked.h5"
refuse "plot onto a link"            "'$work/figs/linked_tran1.png': exists and is not a regular file" -- plot "$work/linked.h5" -o "$work/figs" --force
rm "$work/figs/linked_tran1.png" "$work/linked.h5"

# ---- 5. two cimkit processes on one output: the second is refused while the first writes
cat > "$work/slow.cir" <<'NETLIST'
slow: two million time points, several seconds in ngspice
V1 in 0 SIN(0 1 1k)
R1 in out 1k
C1 out 0 1u
.tran 10n 20m 0 10n
.end
NETLIST
wait_for() {  # GLOB PID: until a file matching GLOB exists in $work (or the process ended)
    for _ in $(seq 300); do
        compgen -G "$work/$1" >/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
"$cimkit" simulate "$work/slow.cir" -o "$work/busy.h5" --vectors 'v(out)' >/dev/null 2>&1 & first=$!; background+=("$first")
if wait_for '.busy.h5.lock' "$first"; then
    busy='\.busy\.h5\.'
    refuse "second simulate on one output" "'$work/busy.h5': another cimkit process is writing it" -- simulate "$rc" -o "$work/busy.h5" --force
    busy='^$'
else
    report "second simulate on one output" "the first run never took its lock"
fi
kill "$first"; wait "$first" 2>/dev/null
long_train=(train --quiet --set run.engine=compact --set training.epochs=400)
"$cimkit" "${long_train[@]}" -o "$work/run2.h5" >/dev/null 2>&1 & first=$!; background+=("$first")
if wait_for '.run2.h5.lock' "$first"; then
    busy='run2\.h5'
    refuse "second train on one output" "'$work/run2.h5': another cimkit process is writing it" -- "${long_train[@]}" -o "$work/run2.h5" --force
    busy='^$'
else
    report "second train on one output" "the first run never took its lock"
fi
kill -INT "$first"; wait "$first"; got=$?
: > "$logs/stderr"
[ "$got" -eq 130 ] && [ -z "$(leftovers)" ] && [ -s "$work/run2.h5" ]; report "train interrupted: exit 130, checkpoint kept" "$([ $? -eq 0 ] || echo "exit $got, a leftover or no run file")"

# ---- 6. SIGINT/SIGTERM during a run: exit 130, temporaries and lock deleted, earlier file intact
interrupt() {  # NAME SIGNAL OUTPUT -- ARGS...
    local name=$1 sig=$2 output=$3; shift 4
    printf 'an earlier result\n' > "$output"
    local before; before=$(snapshot)
    "$cimkit" "$@" >"$logs/stdout" 2>"$logs/stderr" & local pid=$!; background+=("$pid")
    local problem=""
    if wait_for ".$(basename "$output").part-*" "$pid"; then
        sleep 0.2; kill -"$sig" "$pid"; wait "$pid"; local got=$?
        [ "$got" -eq 130 ] || problem="exit $got, expected 130"
    else
        wait "$pid"; problem="the run ended (exit $?) before its temporary appeared"
    fi
    [ -z "$(leftovers)" ] || problem="$problem; left $(leftovers | tr '\n' ' ')"
    [ "$(snapshot)" = "$before" ] || problem="$problem; the folder changed"
    report "$name" "$problem"
}
for sig in INT TERM; do
    interrupt "simulate, SIG$sig"     $sig "$work/sig.h5" -- simulate "$work/slow.cir" -o "$work/sig.h5" --vectors 'v(out)' --force
    interrupt "crossbar, SIG$sig"     $sig "$work/sig.h5" -- crossbar --device pcm --rows 512 --cols 256 -o "$work/sig.h5" --force
    interrupt "characterize, SIG$sig" $sig "$work/sig.h5" -- characterize domain_wall -e all --devices 50000 -o "$work/sig.h5" --force
done

# ---- 7. a file size limit (ulimit -f) with SIGXFSZ at its default action: exit 2 naming the file
limited() {  # NAME LIMIT_KiB PATTERN -- ARGS...
    local name=$1 limit=$2 pattern=$3; shift 4
    local before; before=$(snapshot)
    (ulimit -f "$limit"; exec "$cimkit" "$@") >"$logs/stdout" 2>"$logs/stderr"; local got=$? problem=""
    [ "$got" -eq 2 ] || problem="exit $got, expected 2"
    grep -qE -- "$pattern" "$logs/stderr" || problem="$problem; stderr lacks /$pattern/"
    [ -z "$(leftovers)" ] || problem="$problem; left $(leftovers | tr '\n' ' ')"
    [ "$(snapshot)" = "$before" ] || problem="$problem; the folder changed"
    report "$name" "$problem"
}
limited "simulate, ulimit -f 8"       8 "'$work/earlier.h5': .*File too large \(disk full\?\)" -- simulate "$rc" -o "$work/earlier.h5" --force
limited "characterize, ulimit -f 8"   8 "'$work/earlier.h5': .*File too large \(disk full\?\)" -- characterize pcm -e iv -o "$work/earlier.h5" --force
limited "crossbar netlist, ulimit -f 4" 4 "'$work/x.cir': .*File too large \(disk full\?\)" -- crossbar --device pcm -o "$work/earlier.h5" --emit-netlist "$work/x.cir" --force

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
