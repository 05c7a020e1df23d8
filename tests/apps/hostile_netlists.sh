#!/usr/bin/env bash
# `cimkit simulate` against the security review's hostile netlists (issue 13), as a stranger would
# send them: every way the review ran a command, loaded a library, read a file outside the netlist's
# folder or crashed cimkit. Each case checks the exit status (2: refused input, 1: failed simulation),
# that the message names the file (and line), that no command ran (marker files), that nothing from
# outside the folder reached the output, that no temporary is left and that an earlier output file
# is byte-for-byte unchanged. Usage: hostile_netlists.sh CIMKIT_BINARY
set -u
cimkit=${1:?cimkit binary}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
project=$work/project; elsewhere=$work/elsewhere; cwd=$work/cwd
mkdir -p "$project/sub" "$elsewhere" "$cwd"
marker=$elsewhere/marker  # lower case: ngspice lower-cases netlist lines; any file named marker fails a case
printf 'r9 out 0 4242\n' > "$elsewhere/secret.inc"
failures=0; passed=0

good_body='v1 in 0 dc 1
r1 in out 1k
r2 out 0 1k
.op
.end'

# netlist NAME LINES...: writes $project/NAME as a title, LINES, then the good divider.
netlist() {
    local name=$1; shift
    { echo "hostile $name"; printf '%s\n' "$@"; echo "$good_body"; } > "$project/$name"
}

# expect NAME STATUS PATTERN -- ARGS...: runs cimkit in $cwd over an earlier output file.
expect() {
    local name=$1 status=$2 pattern=$3; shift 4
    find "$work" -name marker -delete
    printf 'earlier result\n' > "$project/out.h5"
    local before; before=$(sha256sum < "$project/out.h5")
    (cd "$cwd" && timeout -k 5 60 "$cimkit" "$@" >"$work/stdout" 2>"$work/stderr"); local got=$?
    local problem=""
    [ "$got" -eq "$status" ] || problem="exit $got, expected $status"
    grep -qE -- "$pattern" "$work/stderr" "$work/stdout" || problem="$problem; output lacks /$pattern/"
    [ -z "$(find "$work" -name marker)" ] || problem="$problem; a command ran (a marker exists)"
    if [ "$status" -ne 0 ] && [ "$(sha256sum < "$project/out.h5")" != "$before" ]; then
        problem="$problem; the earlier output changed"
    fi
    if [ "$status" -eq 0 ] && grep -qa 4242 "$project/out.h5"; then problem="$problem; the secret reached the output"; fi
    if ls -A "$project" | grep -qE '\.part|\.tmp'; then problem="$problem; temporary file left behind"; fi
    if [ -n "$problem" ]; then
        printf 'FAIL %s: %s\n  stderr: %s\n' "$name" "$problem" "$(head -c 600 "$work/stderr")"
        failures=$((failures + 1))
    else
        printf 'ok   %s\n' "$name"; passed=$((passed + 1))
    fi
}

simulate() { echo simulate "$project/$1" -o "$project/out.h5" --force; }

# --- commands --------------------------------------------------------------------------------------
netlist star_hash.cir "*# shell touch $marker"
expect "*# line runs a command"       2 'star_hash.cir:2.*\*#' -- $(simulate star_hash.cir)
netlist controls.cir ".controls" "shell touch $marker" ".endcs"
expect ".controls prefix"             2 'controls.cir:2.*--allow-control' -- $(simulate controls.cir)
netlist control_x.cir ".controlX" "shell touch $marker" ".endc"
expect ".controlX prefix"             2 'control_x.cir:2' -- $(simulate control_x.cir)
netlist upper.cir "  .CONTROL" "shell touch $marker" ".ENDC"
expect "upper case, indented"         2 'upper.cir:2' -- $(simulate upper.cir)
printf '* first line of an included file is parsed\n.control\nshell touch %s\n.endc\n' "$marker" > "$project/ctl.inc"
netlist includes_control.cir ".include ctl.inc"
expect "control block in an include"  2 'ctl.inc:2' -- $(simulate includes_control.cir)
printf '*ng_script\nshell touch %s\n' "$marker" > "$project/script.cir"
expect "*ng_script"                   2 'script.cir:1.*ng_script' -- $(simulate script.cir)
netlist osdi.cir ".pre_osdi $elsewhere/evil.osdi"
expect ".pre_osdi"                    2 'osdi.cir:2.*shared library' -- $(simulate osdi.cir)
netlist cosim.cir "a1 [in] [d] cosim" ".model cosim d_cosim(simulation=\"$elsewhere/x.so\")"
expect "d_cosim loads a library"      2 'cosim.cir:3.*d_cosim' -- $(simulate cosim.cir)
netlist cosim_split.cir "a1 [in] [d] cosim" ".model cosim" "* type on the next card" "+ d_cosim(simulation=\"x.so\")"
expect "d_cosim on a continuation"    2 'cosim_split.cir:3' -- $(simulate cosim_split.cir)
netlist process.cir ".model p d_process(process_file=\"/bin/sh\")"
expect "d_process starts a program"   2 'process.cir:2.*d_process' -- $(simulate process.cir)
netlist filesource.cir "a1 %v([in]) fs" ".model fs filesource(file=\"$elsewhere/secret.inc\")"
expect "filesource reads a file"      2 'filesource.cir:3.*filesource' -- $(simulate filesource.cir)
# A folder whose name has backquotes: ngspice's `set sourcepath` used to run them through a shell
# (no blank in the name: the old check skipped names with blanks).
weird="$work/proj\`touch\${IFS}marker\`"
mkdir -p "$weird" && printf 'r9 out 0 1k\n' > "$weird/part.inc"
{ echo "backquoted folder"; echo ".include part.inc"; echo "$good_body"; } > "$weird/net.cir"
expect "backquotes in the folder name" 0 'op1' -- simulate "$weird/net.cir" -o "$project/out.h5" --force
# A .spiceinit in the working directory was read at start-up and could run `shell`.
printf 'shell touch %s\n' "$marker" > "$cwd/.spiceinit"
netlist plain.cir
expect ".spiceinit in the working dir" 0 'op1' -- $(simulate plain.cir)
# ... and by the engines that run in cimkit's own process or in unsandboxed workers: crossbar's, and
# the spice engine's of train (read tiles in process, update circuits in workers). Every engine starts
# with the working directory at "/" (circuits/spice/engine_callbacks.cpp).
expect ".spiceinit, crossbar's engine" 0 'wrote' -- crossbar --device pcm --rows 4 --cols 2 -o "$project/out.h5" --force
expect ".spiceinit, train's spice engine" 0 'test accuracy' -- train --set training.epochs=1 -o "$project/run.h5" --force --quiet
rm -f "$cwd/.spiceinit"

# --- files outside the folder ------------------------------------------------------------------------
netlist incl.cir ".incl ../elsewhere/secret.inc"
expect ".incl prefix escapes"         2 'incl.cir:2.*outside' -- $(simulate incl.cir)
netlist include_x.cir ".includeX ../elsewhere/secret.inc"
expect ".includeX prefix escapes"     2 'include_x.cir:2.*outside' -- $(simulate include_x.cir)
netlist absolute.cir ".include $elsewhere/secret.inc"
expect "absolute include"             2 'absolute.cir:2.*outside' -- $(simulate absolute.cir)
netlist lib.cir ".lib ../elsewhere/secret.inc tt"
expect ".lib escapes"                 2 'lib.cir:2.*outside' -- $(simulate lib.cir)
ln -sf "$elsewhere/secret.inc" "$project/innocent.inc"
netlist symlink.cir ".include innocent.inc"
expect "in-folder symlink to outside" 2 'symlink.cir:2.*secret.inc' -- $(simulate symlink.cir)
printf 'r3 in out 1k\n.include ../../elsewhere/secret.inc\n' > "$project/sub/nested.inc"
netlist nested.cir ".include sub/nested.inc"
expect "nested include escapes"       2 'nested.inc:2.*outside' -- $(simulate nested.cir)
netlist env.cir ".include \$HOME/secret.inc"
expect "environment variable path"    2 'env.cir:2.*environment' -- $(simulate env.cir)
netlist tilde.cir ".include ~/secret.inc"
expect "home folder path"             2 'tilde.cir:2' -- $(simulate tilde.cir)
# A copy in the working directory used to shadow the netlist's own include.
printf 'R9 b\n' > "$cwd/shadow.inc"
printf 'r9 out 0 1k\n' > "$project/shadow.inc"
netlist shadowed.cir ".include shadow.inc"
expect "working dir does not shadow"  0 'op1' -- $(simulate shadowed.cir)
mkfifo "$project/pipe.inc"
netlist fifo.cir ".include pipe.inc"
expect "FIFO include, no hang"        2 'fifo.cir:2.*not a regular file' -- $(simulate fifo.cir)
expect "FIFO netlist, no hang"        2 'pipe.inc.*not a regular file' -- simulate "$project/pipe.inc" -o "$project/out.h5" --force
expect "/dev/zero netlist"            2 '/dev/zero.*not a regular file' -- simulate /dev/zero -o "$project/out.h5" --force
# The other inputs a stranger can hand over: a config file and a dataset.
expect "FIFO config, no hang"         2 'pipe.inc.*not a regular file' -- train --config "$project/pipe.inc" -o "$project/out.h5" --force
expect "FIFO dataset, no hang"        2 'pipe.inc.*not a regular file' -- train --set run.engine=compact --set "dataset.path=$project/pipe.inc" -o "$project/out.h5" --force
expect "/dev/zero dataset"            2 '/dev/zero.*not a regular file' -- train --set run.engine=compact --set dataset.path=/dev/zero -o "$project/out.h5" --force

# --- crashes, loops and bounds -------------------------------------------------------------------------
netlist self.cir ".include self.cir"
expect "includes itself"              2 'self.cir:2.*loop' -- $(simulate self.cir)
printf '.include loop_b.inc\n' > "$project/loop_a.inc"; printf '.include loop_a.inc\n' > "$project/loop_b.inc"
netlist loop.cir ".include loop_a.inc"
expect "include loop"                 2 'loop_b.inc:1.*loop' -- $(simulate loop.cir)
netlist func.cir ".func f(x) {f(x)+1}" "b1 x 0 v={f(1)}" "r9 x 0 1k"
expect "recursive .func crash"        1 'func.cir.*crashed' -- $(simulate func.cir)
netlist dropped.cir "R1 a"
expect "dropped line is an error"     2 'dropped.cir:2.*ignored' -- $(simulate dropped.cir)
netlist singular.cir "b1 b 0 v=v(b)+1" "r9 b 0 1k"
expect "singular matrix is a failure" 1 'singular.cir' -- $(simulate singular.cir)
printf '* models\nr1 a b 1k\nR2 b 0 abc\n' > "$project/bad_model.inc"
netlist include_error.cir ".include bad_model.inc"
expect "error inside an include"      2 'bad_model.inc:3' -- $(simulate include_error.cir)
# 10^5 output points, but a 1 ps maximum step over 1 s: 10^12 steps.
{ echo "long transient"; echo "v1 in 0 sin(0 1 1k)"; echo "r1 in 0 1k"; echo ".tran 10u 1 0 1p"; echo ".end"; } > "$project/long.cir"
expect "--timeout ends a long run"    1 'long.cir.*--timeout' -- simulate "$project/long.cir" -o "$project/out.h5" --force --timeout 2
{ echo "huge ac"; echo "v1 a 0 dc 0 ac 1"; echo "r1 a 0 1k"; echo ".ac lin 2000000000 1 1meg"; echo ".end"; } > "$project/huge.cir"
expect "huge .ac is refused"          2 'huge.cir:4.*2e\+09 points' -- simulate "$project/huge.cir" -o "$project/out.h5" --force
{ echo "many steps"; echo "v1 in 0 sin(0 1 1k)"; echo "r1 in 0 1k"; echo ".tran 1p 1"; echo ".end"; } > "$project/steps.cir"
expect "10^12-point .tran is refused" 2 'steps.cir:4.*1e\+12 points' -- simulate "$project/steps.cir" -o "$project/out.h5" --force
# (Under AddressSanitizer there is no memory limit, and the time limit ends it instead.)
expect "memory limit ends a big run"  1 'huge.cir.*(allocate|--timeout)' -- simulate "$project/huge.cir" -o "$project/out.h5" --force --max-points 1e12 --max-memory 256 --timeout 30
expect "bad --timeout"                2 'timeout' -- simulate "$project/plain.cir" -o "$project/out.h5" --force --timeout -1
expect "bad --max-memory"             2 'max-memory' -- simulate "$project/plain.cir" -o "$project/out.h5" --force --max-memory 1

# Ctrl-C in the middle of a long analysis: cimkit exits 130, its ngspice worker (which ignores SIGINT)
# does not run on, and no temporary is left.
(cd "$cwd" && exec "$cimkit" simulate "$project/long.cir" -o "$project/interrupted.h5" >/dev/null 2>&1) &
runner=$!
worker=""
for _ in $(seq 50); do worker=$(pgrep -P "$runner" | head -n1); [ -n "$worker" ] && break; sleep 0.1; done
sleep 0.5
kill -INT "$runner"; wait "$runner"; status=$?
sleep 0.5
problem=""
[ "$status" -eq 130 ] || problem="exit $status, expected 130"
[ -n "$worker" ] || problem="$problem; no worker process seen"
# A zombie has ended (a container's init may be slow to reap it); any other state is still running.
state=$( [ -n "$worker" ] && ps -o stat= -p "$worker" 2>/dev/null | tr -d ' ')
case "$state" in ""|Z*) ;; *) problem="$problem; worker $worker still running ($state)"; kill -9 "$worker" ;; esac
if ls -A "$project" | grep -qE '\.part|\.lock|interrupted'; then problem="$problem; files left behind"; fi
if [ -n "$problem" ]; then printf 'FAIL Ctrl-C ends the worker: %s\n' "$problem"; failures=$((failures + 1))
else printf 'ok   Ctrl-C ends the worker\n'; passed=$((passed + 1)); fi

# An ngspice worker killed during `train` (as the kernel's OOM killer would): exit 1 naming the
# worker, the signal and the command that continues the run; --resume then finishes it.
run=$work/killed_worker.h5
"$cimkit" train --set training.epochs=4 -o "$run" >/dev/null 2>"$work/train.err" &
trainer=$!
for _ in $(seq 300); do [ -s "$run" ] && break; sleep 0.1; done  # the first epoch is written
victim=$(pgrep -P "$trainer" | head -n1)
[ -n "$victim" ] && kill -9 "$victim"
wait "$trainer"; status=$?
problem=""
[ -n "$victim" ] || problem="no worker to kill"
[ "$status" -eq 1 ] || problem="$problem; exit $status, expected 1"
grep -q "SIGKILL.*Continue with: cimkit train --resume $run" "$work/train.err" || problem="$problem; no resume hint: $(cat "$work/train.err")"
"$cimkit" train --resume "$run" >/dev/null 2>&1 || problem="$problem; --resume failed"
if [ -n "$problem" ]; then printf 'FAIL killed worker in train: %s\n' "$problem"; failures=$((failures + 1))
else printf 'ok   killed worker in train\n'; passed=$((passed + 1)); fi

printf '%d passed, %d failed\n' "$passed" "$failures"
[ "$failures" -eq 0 ]
