#!/usr/bin/env bash
# The command line's contract (issue: foundation): exit 0 on success, 1 when a simulation fails, 2 on
# bad usage or input; a one-line message naming the file (and line); no output file left behind.
set -u
cimkit=${1:?cimkit binary}; examples=${2:?examples dir}; bad=${3:?bad-netlist dir}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
failures=0; passed=0

# expect NAME STATUS MESSAGE_PATTERN OUTPUT_MUST_EXIST -- ARGS...
expect() {
    local name=$1 status=$2 pattern=$3 must_exist=$4; shift 5
    rm -f "$work/out.h5"
    "$cimkit" "$@" >"$work/stdout" 2>"$work/stderr"; local got=$?
    local problem=""
    [ "$got" -eq "$status" ] || problem="exit $got, expected $status"
    if [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$work/stderr" "$work/stdout"; then
        problem="$problem; output lacks /$pattern/"
    fi
    if [ "$must_exist" = yes ] && [ ! -s "$work/out.h5" ]; then problem="$problem; out.h5 missing"; fi
    if [ "$must_exist" = no ] && [ -e "$work/out.h5" ]; then problem="$problem; out.h5 left behind"; fi
    if ls -A "$work" | grep -q '\.part-'; then problem="$problem; temporary file left behind"; fi
    if [ "$status" -ne 0 ] && [ "$(wc -l < "$work/stderr")" -gt 2 ]; then problem="$problem; message longer than 2 lines"; fi
    if [ -n "$problem" ]; then
        printf 'FAIL %s: %s\n  stderr: %s\n' "$name" "$problem" "$(head -c 600 "$work/stderr")"
        failures=$((failures + 1))
    else
        printf 'ok   %s\n' "$name"; passed=$((passed + 1))
    fi
}

expect "good transient"        0 'tran1: 4 vectors'          yes -- simulate "$examples/rc_lowpass.cir" -o "$work/out.h5"
expect "vector subset"         0 'tran1: 2 vectors'          yes -- simulate "$examples/rc_lowpass.cir" -o "$work/out.h5" --vectors 'v(out)'
expect "no subcommand"         2 'subcommand'                no  --
expect "unknown subcommand"    2 'frobnicate'                no  -- frobnicate
expect "missing -o"            2 'output'                    no  -- simulate "$examples/divider.cir"
expect "unknown option"        2 '--bogus'                   no  -- simulate "$examples/divider.cir" -o "$work/out.h5" --bogus
expect "missing netlist file"  2 'nonexistent.cir.*no such'  no  -- simulate "$work/nonexistent.cir" -o "$work/out.h5"
expect "netlist is a folder"   2 'is a directory'            no  -- simulate "$examples" -o "$work/out.h5"
expect "syntax error line"     2 'syntax_error.cir:5'        no  -- simulate "$bad/syntax_error.cir" -o "$work/out.h5"
expect "control block refused" 2 'control_block.cir:4.*--allow-control' no -- simulate "$bad/control_block.cir" -o "$work/out.h5"
expect "control block allowed" 0 'op1'                       yes -- simulate "$bad/control_block.cir" -o "$work/out.h5" --allow-control
expect "include escapes"       2 'escaping_include.cir:2'    no  -- simulate "$bad/escaping_include.cir" -o "$work/out.h5"
expect "missing include"       2 'missing_include.cir'       no  -- simulate "$bad/missing_include.cir" -o "$work/out.h5"
expect "no analysis"           2 'no_analysis.cir.*no analysis' no -- simulate "$bad/no_analysis.cir" -o "$work/out.h5"
expect "no convergence"        1 'voltage_loop.cir.*converge' no -- simulate "$bad/voltage_loop.cir" -o "$work/out.h5"
expect "unknown vector"        2 "v\(nowhere\)"              no  -- simulate "$examples/divider.cir" -o "$work/out.h5" --vectors 'v(nowhere)'
expect "output dir missing"    2 'does not exist'            no  -- simulate "$examples/divider.cir" -o "$work/no/such/dir/out.h5"
expect "output is a folder"    2 'is a folder'               no  -- simulate "$examples/divider.cir" -o "$work"
printf 'this is not a netlist\0\0\0' > "$work/binary.cir"
expect "binary netlist"        2 'binary.cir.*NUL'           no  -- simulate "$work/binary.cir" -o "$work/out.h5"
: > "$work/empty.cir"
expect "empty netlist"         2 'empty.cir.*empty'          no  -- simulate "$work/empty.cir" -o "$work/out.h5"

# A failed run must not touch an earlier result at the same path.
"$cimkit" simulate "$examples/divider.cir" -o "$work/keep.h5" >/dev/null 2>&1
before=$(md5sum < "$work/keep.h5")
"$cimkit" simulate "$bad/voltage_loop.cir" -o "$work/keep.h5" >/dev/null 2>&1
if [ "$before" = "$(md5sum < "$work/keep.h5")" ]; then printf 'ok   earlier file intact\n'; passed=$((passed + 1));
else printf 'FAIL earlier file intact: keep.h5 changed after a failed run\n'; failures=$((failures + 1)); fi

printf '%d passed, %d failed\n' "$passed" "$failures"
[ "$failures" -eq 0 ]
