#!/usr/bin/env bash
# The command line's contract (issue: foundation): exit 0 on success, 1 when a simulation fails, 2 on
# bad usage or input; a one-line message naming the file (and line); no output file left behind.
set -u
cimkit=${1:?cimkit binary}; examples=${2:?examples dir}; bad=${3:?bad-netlist dir}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
faults=$(cd "$(dirname "$0")/../fuzz/libhdf5_faults" && pwd)
failures=0; passed=0
within=""  # set by expect_within: the command must end within this many seconds

# expect NAME STATUS MESSAGE_PATTERN OUTPUT_MUST_EXIST -- ARGS...
expect() {
    local name=$1 status=$2 pattern=$3 must_exist=$4; shift 5
    rm -f "$work/out.h5"
    local limit=() start=${EPOCHREALTIME/./}
    [ -z "$within" ] || limit=(timeout -k 5 $((2 * within)))  # a hang fails the case, not the whole test
    "${limit[@]}" "$cimkit" "$@" >"$work/stdout" 2>"$work/stderr"; local got=$?
    local elapsed_ms=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
    local problem=""
    [ "$got" -eq "$status" ] || problem="exit $got, expected $status"
    if [ -n "$within" ] && [ "$elapsed_ms" -gt $((within * 1000)) ]; then problem="$problem; took $elapsed_ms ms, limit ${within} s"; fi
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
        printf 'ok   %s%s\n' "$name" "${within:+ ($elapsed_ms ms)}"; passed=$((passed + 1))
    fi
}

# expect_within SECONDS NAME ...: as expect, and the command must end within SECONDS.
expect_within() {
    within=$1; shift
    expect "$@"
    within=""
}

expect "good transient"        0 'tran1: 4 vectors'          yes -- simulate "$examples/rc_lowpass.cir" -o "$work/out.h5"
expect "vector subset"         0 'tran1: 2 vectors'          yes -- simulate "$examples/rc_lowpass.cir" -o "$work/out.h5" --vectors 'v(out)'
expect "no subcommand"         2 'subcommand'                no  --
expect "unknown subcommand"    2 'frobnicate'                no  -- frobnicate
expect "missing -o"            2 'output'                    no  -- simulate "$examples/divider.cir"
expect "unknown option"        2 '--bogus'                   no  -- simulate "$examples/divider.cir" -o "$work/out.h5" --bogus
expect "missing netlist file"  2 'nonexistent.cir.*no such'  no  -- simulate "$work/nonexistent.cir" -o "$work/out.h5"
expect "netlist is a folder"   2 'is a folder'               no  -- simulate "$examples" -o "$work/out.h5"
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

# Devices, crossbars and training configs: unknown names, out-of-range values with units, wrong
# types, NaN, zero and absurd sizes (refused before any allocation), corrupt data and run files.
expect "unknown device"        2 'memristor'                 no  -- characterize memristor --experiment iv -o "$work/out.h5"
expect "unknown parameter"     2 'no_such_key'               no  -- characterize --device pcm --set device.no_such_key=1 --experiment iv -o "$work/out.h5"
expect "out of range w/ unit"  2 'junction_leak_A.*A'        no  -- characterize --device mosfet --set device.junction_leak_A=-1 --experiment iv -o "$work/out.h5"
expect "NaN parameter"         2 'g_min_S'                   no  -- characterize --device pcm --set device.g_min_S=nan --experiment iv -o "$work/out.h5"
expect "Inf parameter"         2 'g_min_S'                   no  -- characterize --device pcm --set device.g_min_S=inf --experiment iv -o "$work/out.h5"
expect "text for a number"     2 'g_min_S'                   no  -- characterize --device pcm --set device.g_min_S=lots --experiment iv -o "$work/out.h5"
expect "setting without ="     2 'g_min_S'                   no  -- characterize --device pcm --set device.g_min_S --experiment iv -o "$work/out.h5"
expect "unknown experiment"    2 'bogus'                     no  -- characterize pcm --experiment bogus -o "$work/out.h5"
expect "crossbar zero rows"    2 'rows'                      no  -- crossbar --device pcm --rows 0 --cols 4 -o "$work/out.h5"
expect "crossbar absurd size"  2 '10\^7|100000'             no  -- crossbar --device pcm --rows 1000000 --cols 1000000 -o "$work/out.h5"
expect "crossbar neg. wire"    2 'wire'                      no  -- crossbar --device pcm --wire-ohm -1 -o "$work/out.h5"
expect "crossbar unknown face" 2 'nosuchface'                no  -- crossbar --device pcm --face nosuchface -o "$work/out.h5"
expect "netlist dir missing"   2 'net.cir.*does not exist'   no  -- crossbar --device pcm -o "$work/out.h5" --emit-netlist "$work/no/net.cir"
expect "netlist is a folder"   2 'is a folder'               no  -- crossbar --device pcm -o "$work/out.h5" --emit-netlist "$work"
expect "train unknown key"     2 'training.epoch'            no  -- train --quiet --set training.epoch=3 -o "$work/out.h5"
expect "train epochs range"    2 'training.epochs'           no  -- train --quiet --set training.epochs=0 -o "$work/out.h5"
expect "train NaN rate"        2 'training.learning_rate'    no  -- train --quiet --set training.learning_rate=nan -o "$work/out.h5"
expect "train zero layer"      2 'network.hidden_layers'     no  -- train --quiet --set 'network.hidden_layers=[0]' -o "$work/out.h5"
expect "train absurd layer"    2 'network.hidden_layers'     no  -- train --quiet --set 'network.hidden_layers=[1000000000]' -o "$work/out.h5"
expect "train unknown engine"  2 'run.engine'                no  -- train --quiet --set run.engine=quantum -o "$work/out.h5"
expect "train device param"    2 'junction_leak_A'           no  -- train --quiet --set device.junction_leak_A=-5 -o "$work/out.h5"
expect "train input range"     2 'input.low = 2 with input.high = 1' no -- train --quiet --set input.low=2 -o "$work/out.h5"
expect "train failure policy"  2 'training.on_convergence_failure.*ignore' no -- train --quiet --set training.on_convergence_failure=ignore -o "$work/out.h5"
expect "gain cell no face"     2 'gain_cell'                 no  -- train --quiet --set array.device=gain_cell -o "$work/out.h5"
expect "train batch size range" 2 'training.batch_size'      no  -- train --quiet --set training.batch_size=0 -o "$work/out.h5"
expect "batch with stochastic" 2 'training.batch_size = 8.*update_mode = stochastic' no -- train --quiet --set training.batch_size=8 --set array.update_mode=stochastic --set spice.update_circuit_max_devices=0 -o "$work/out.h5"
expect "read strategy unknown" 2 'spice.read_strategy = reload is not one of: live, batched' no -- train --quiet --set spice.read_strategy=reload -o "$work/out.h5"
expect "spice face renamed"    2 'spice.face was renamed to spice.read_strategy' no -- train --quiet --set spice.face=reload -o "$work/out.h5"
# The rules between settings (training/settings/rules.cpp, docs/config.md): each refused naming both keys.
expect "rule levels need exact" 2 'array.weight_levels = 8 with array.update_mode = pulse' no -- train --quiet --set array.weight_levels=8 -o "$work/out.h5"
expect "rule refresh needs levels" 2 'array.refresh_interval_s = 1e-05 with array.weight_levels = 0' no -- train --quiet --set array.update_mode=exact --set array.refresh_interval_s=1e-5 -o "$work/out.h5"
# Before the settings tables this batch switched the update circuit off silently.
expect "rule batch with update circuit" 2 'spice.update_circuit_max_devices = 128 with training.batch_size = 4.*set spice.update_circuit_max_devices = 0' no -- train --quiet --set training.batch_size=4 -o "$work/out.h5"
expect "rule spice pulse width live" 2 'array.input_encoding = pulse_width with spice.read_strategy = live and run.engine = spice' no -- train --quiet --set array.input_encoding=pulse_width -o "$work/out.h5"
expect "rule spice pulse width readout" 2 'array.input_encoding = pulse_width with spice.readout = ideal and run.engine = spice.*spice.readout = integrator' no -- train --quiet --set array.input_encoding=pulse_width --set spice.read_strategy=batched -o "$work/out.h5"
expect "rule spice two phase"  2 'array.two_phase_read = true with run.engine = spice' no -- train --quiet --set array.two_phase_read=true -o "$work/out.h5"
expect "rule spice stochastic circuit" 2 'array.update_mode = stochastic with spice.update_circuit_max_devices = 128 and run.engine = spice' no -- train --quiet --set array.update_mode=stochastic -o "$work/out.h5"
expect "spice workers range"   2 'spice.workers'             no  -- train --quiet --set spice.workers=0 -o "$work/out.h5"
printf '[training]\nepochs = "three"\n' > "$work/wrong_type.toml"
expect "TOML wrong type"       2 'wrong_type.toml:2.*training.epochs' no -- train --quiet --config "$work/wrong_type.toml" -o "$work/out.h5"
printf '[training\nepochs = 3\n' > "$work/syntax.toml"
expect "TOML syntax error"     2 'syntax.toml:1'             no  -- train --quiet --config "$work/syntax.toml" -o "$work/out.h5"
printf '[nonsense]\nkey = 1\n' > "$work/unknown.toml"
expect "TOML unknown key"      2 'unknown.toml:2.*nonsense.key' no -- train --quiet --config "$work/unknown.toml" -o "$work/out.h5"
head -c 1000 "$(dirname "$0")/../../data/iris.csv" > "$work/short_iris.csv"
expect "truncated Iris CSV"    2 'short_iris.csv'            no  -- train --quiet --set dataset.path="$work/short_iris.csv" -o "$work/out.h5"
printf '150,4,a,b,c\n5.1,3.5,oops,0.2,0\n' > "$work/bad_iris.csv"
expect "corrupt Iris CSV"      2 'bad_iris.csv:2'            no  -- train --quiet --set dataset.path="$work/bad_iris.csv" -o "$work/out.h5"
mkdir -p "$work/mnist"
printf '\0\0\10\3\0\0\352\140\0\0\0\34\0\0\0\34\1\2\3' > "$work/mnist/train-images-idx3-ubyte"
printf '\0\0\10\1\0\0\352\140\1' > "$work/mnist/train-labels-idx1-ubyte"
expect "truncated MNIST IDX"   2 'train-images-idx3-ubyte'   no  -- train --quiet --set dataset.name=mnist --set dataset.path="$work/mnist" -o "$work/out.h5"
expect "missing MNIST folder"  2 'nowhere'                   no  -- train --quiet --set dataset.name=mnist --set dataset.path="$work/nowhere" -o "$work/out.h5"
printf 'not an HDF5 file' > "$work/corrupt.h5"
expect "corrupt resume file"   2 'corrupt.h5'                no  -- train --quiet --resume "$work/corrupt.h5" -o "$work/out.h5"
"$cimkit" simulate "$examples/divider.cir" -o "$work/other.h5" >/dev/null 2>&1
expect "resume non-training"   2 'other.h5.*not a cimkit training file' no -- train --quiet --resume "$work/other.h5" -o "$work/out.h5"
# Files on which libhdf5 1.10 itself hangs or crashes (tests/fuzz/libhdf5_faults/README.md): read in
# a child process with a time limit first, so each is a clear error, not a hang or a crash. The first
# two are the fuzzer's findings (refused before the faulty read: no /training group); the other two
# are run files with the same kind of corrupt global heap, so the resume read itself hits the fault.
expect_within 10 "resume libhdf5 fuzz hang"  2 'hang-H5HG_read-b1d0be68' no -- train --quiet --resume "$faults/hang-H5HG_read-b1d0be68" -o "$work/out.h5"
expect_within 10 "resume libhdf5 fuzz crash" 2 'memcpy-overlap-H5HG_read-4a613080' no -- train --quiet --resume "$faults/memcpy-overlap-H5HG_read-4a613080" -o "$work/out.h5"
expect_within 10 "resume libhdf5 crash"      2 'resume-crash-huge_heap_object.h5.*HDF5 library (crashed \(signal|failed)' no -- train --quiet --resume "$faults/resume-crash-huge_heap_object.h5" -o "$work/out.h5"
# Spins for minutes inside libhdf5: a 3 s limit instead of the default 30 s keeps the test short.
CIMKIT_RESUME_CHECK_TIMEOUT_S=3 expect_within 10 "resume libhdf5 hang" 2 'resume-hang-zero_heap_object_header.h5.*did not finish within 3 s' no -- train --quiet --resume "$faults/resume-hang-zero_heap_object_header.h5" -o "$work/out.h5"
expect "resume with --set"     2 'resume'                    no  -- train --quiet --resume "$work/other.h5" --set training.epochs=2 -o "$work/out.h5"
expect "train output missing dir" 2 'does not exist'         no  -- train --quiet -o "$work/no/such/out.h5"

# A run file on which libhdf5 crashes, resumed in place: refused, and left as it was.
cp "$faults/resume-crash-huge_heap_object.h5" "$work/crash.h5"
before=$(md5sum < "$work/crash.h5")
"$cimkit" train --quiet --resume "$work/crash.h5" >/dev/null 2>&1; got=$?
if [ "$got" -eq 2 ] && [ "$before" = "$(md5sum < "$work/crash.h5")" ]; then printf 'ok   crashing resume file intact\n'; passed=$((passed + 1));
else printf 'FAIL crashing resume file intact: exit %s, or crash.h5 changed\n' "$got"; failures=$((failures + 1)); fi

# A failed run must not touch an earlier result at the same path (--force: replacing it was asked for).
"$cimkit" simulate "$examples/divider.cir" -o "$work/keep.h5" >/dev/null 2>&1
before=$(md5sum < "$work/keep.h5")
"$cimkit" simulate "$bad/voltage_loop.cir" -o "$work/keep.h5" --force >/dev/null 2>&1
if [ "$before" = "$(md5sum < "$work/keep.h5")" ]; then printf 'ok   earlier file intact\n'; passed=$((passed + 1));
else printf 'FAIL earlier file intact: keep.h5 changed after a failed run\n'; failures=$((failures + 1)); fi

printf '%d passed, %d failed\n' "$passed" "$failures"
[ "$failures" -eq 0 ]
