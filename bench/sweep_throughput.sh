#!/usr/bin/env bash
# Throughput of `cimkit sweep` on a 12-point sweep (4 learning rates x 3 seeds of a short mnist_ideal
# screening run): one process (--jobs 1) against `mpirun -n 2` and the local pool --jobs 2; checks
# that the MPI table equals the one-process table bit for bit. Numbers go in docs/performance-notes.md.
# Run on an otherwise idle machine:   bench/sweep_throughput.sh [CIMKIT]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit=$(realpath "${1:-$repo_root/build/apps/cimkit}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >sweep.toml <<'TOML'
command = "train"
args = ["--config", "mnist_ideal", "--set", "training.epochs=1", "--set", "dataset.train_limit=6000", "--set", "dataset.test_limit=1000"]
[grid]
"training.learning_rate" = [0.005, 0.01, 0.05, 0.1]
[monte_carlo]
seeds = [1, 2, 3]
TOML
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
seconds() {  # label, command...: wall seconds of the command
  local label=$1; shift
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$start" "$end"
}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
one=$(seconds jobs1 "$cimkit" sweep sweep.toml -o one.h5 --jobs 1 --quiet)
mpi=$(seconds mpi2 mpirun -n 2 "$cimkit" sweep sweep.toml -o mpi.h5 --quiet)
pool=$(seconds jobs2 "$cimkit" sweep sweep.toml -o pool.h5 --jobs 2 --quiet)
python=/usr/bin/python3; [ -x "$python" ] || python=python3
"$python" - "$one" "$mpi" "$pool" <<'PY'
import sys, h5py
one, mpi, pool = map(float, sys.argv[1:4])
def table(p):
    out = {}
    with h5py.File(p) as f:
        f["sweep/table"].visititems(lambda n, o: out.__setitem__(n, o[:].tolist()) if isinstance(o, h5py.Dataset) else None)
    return out
same = table("one.h5") == table("mpi.h5") == table("pool.h5")
print(f"12 points: --jobs 1 {one:.2f} s ({12 / one:.3f} points/s); mpirun -n 2 {mpi:.2f} s ({12 / mpi:.3f} points/s, "
      f"{one / mpi:.2f}x); --jobs 2 {pool:.2f} s ({one / pool:.2f}x); tables identical: {same}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
