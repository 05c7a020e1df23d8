#!/usr/bin/env bash
# `cmake --install` gives a copy that reads its own share/cimkit, not the source tree it was built
# from (devices/core/resource_dirs.hpp, cmake/CimkitInstall.cmake). Proof by a marker: the installed
# copy of a preset is edited (20 epochs -> 2) and the installed executable and Python package train
# for 2 epochs; a TIA netlist emitted by the installed executable inlines the installed peripheral
# library (a marker line added to it); the installed package runs the installed executable.
# usage: check_install.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
prefix=$(mktemp -d)
work=$(mktemp -d)
trap 'rm -rf "$prefix" "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
cimkit="$prefix/bin/cimkit"
share="$prefix/share/cimkit"
for f in data/iris.csv data/experiments/iris_mosfet_spice.toml netlists/peripherals/tia.lib plot/cimkit_plot.py; do
  [ -f "$share/$f" ] || fail "not installed: share/cimkit/$f"
done
# Nothing of the environment may point elsewhere.
unset CIMKIT_DATA_DIR CIMKIT_NETLIST_DIR CIMKIT_PLOT_DIR CIMKIT_BINARY PYTHONPATH

sed -i 's/^epochs = 20$/epochs = 2/' "$share/data/experiments/iris_mosfet_spice.toml"
grep -q '^epochs = 2$' "$share/data/experiments/iris_mosfet_spice.toml" || fail "the marker edit did not apply"
cd "$work"
"$cimkit" train --config iris_mosfet_spice --set run.engine=compact -o run.h5 --quiet >train.log
grep -q "after 2 epochs" train.log || fail "installed cimkit train did not read the installed preset: $(cat train.log)"

sed -i '1i * marker: the installed copy of tia.lib' "$share/netlists/peripherals/tia.lib"
"$cimkit" crossbar --device pcm --rows 4 --cols 2 --readout tia --emit-netlist xb.cir >/dev/null
grep -q "marker: the installed copy of tia.lib" xb.cir || fail "the emitted netlist did not inline the installed tia.lib"

python=/usr/bin/python3; [ -x "$python" ] || python=python3
package=$(find "$prefix" -name __init__.py -path "*/cimkit/__init__.py" | head -1)
if [ -n "$package" ]; then
  PYTHONPATH=$(dirname "$(dirname "$package")") "$python" - "$prefix" <<'PY'
import os, sys
import cimkit
prefix = os.path.realpath(sys.argv[1])
assert os.path.realpath(cimkit.__file__).startswith(prefix), cimkit.__file__
assert os.path.realpath(cimkit.binary()) == os.path.join(prefix, "bin", "cimkit"), cimkit.binary()
netlist = cimkit.source_path("netlists/examples/rc_lowpass.cir")
assert os.path.realpath(netlist).startswith(prefix) and os.path.exists(netlist), netlist
run = cimkit.train("iris_mosfet_spice", {"run.engine": "compact"})
assert list(run["metrics"]["epoch"]) == [1, 2], run["metrics"]["epoch"]
tran = cimkit.simulate(netlist)["tran1"]
assert abs(tran["v(out)"][-1] - (1.0 - 2.718281828459045 ** -5)) < 2e-3  # RC = 1 ms, 5 ms of a 1 V step
PY
fi
[ -n "$package" ] && echo "the installed Python package: ok" || echo "no Python package installed (CIMKIT_PYTHON=OFF): not checked"
echo "installed copy reads its own share/cimkit: ok"
