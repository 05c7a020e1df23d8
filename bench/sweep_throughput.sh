#!/usr/bin/env bash
# Throughput of `cimkit sweep` on a 12-point sweep (4 learning rates x 3 seeds of a mnist_ideal
# screening run: 1 epoch of 20 000 samples, about 1 s a point): one process (--jobs 1) against
# `mpirun -n 2` and the local pool --jobs 2, the median of ROUNDS interleaved rounds; checks that the
# three tables are identical bit for bit. Numbers go in docs/performance-notes.md.
# Run on an otherwise idle machine:   bench/sweep_throughput.sh [CIMKIT]
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cimkit=$(realpath "${1:-$repo_root/build/apps/cimkit}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >sweep.toml <<'TOML'
command = "train"
args = ["--config", "mnist_ideal", "--set", "training.epochs=1", "--set", "dataset.train_limit=20000", "--set", "dataset.test_limit=2000"]
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
# ROUNDS rounds (default 5), the three ways interleaved in a rotating order so that none is always
# first (cold page cache) or last; each round starts from no result and no points folder.
rounds=${ROUNDS:-5}
ways=(jobs1 mpi2 jobs2)
: >times.txt
for ((r = 0; r < rounds; r++)); do
  for ((k = 0; k < 3; k++)); do
    way=${ways[$(((r + k) % 3))]}
    rm -rf "$way.h5" "$way.h5.points"
    case $way in
      jobs1) t=$(seconds "$way" "$cimkit" sweep sweep.toml -o "$way.h5" --jobs 1 --quiet) ;;
      mpi2) t=$(seconds "$way" mpirun -n 2 "$cimkit" sweep sweep.toml -o "$way.h5" --quiet) ;;
      jobs2) t=$(seconds "$way" "$cimkit" sweep sweep.toml -o "$way.h5" --jobs 2 --quiet) ;;
    esac
    echo "$r $way $t" >>times.txt
  done
done
python=/usr/bin/python3; [ -x "$python" ] || python=python3
"$python" - <<'PY'
import statistics, h5py
rows = [line.split() for line in open("times.txt")]
times = {way: [float(t) for _, w, t in rows if w == way] for way in ("jobs1", "mpi2", "jobs2")}
rounds = {int(r) for r, _, _ in rows}
# The ratio of each round (one process's time over the 2-way time of the same round), then its median and range.
ratio = {way: [times["jobs1"][r] / times[way][r] for r in sorted(rounds)] for way in ("mpi2", "jobs2")}
def table(p):
    out = {}
    with h5py.File(p) as f:
        f["sweep/table"].visititems(lambda n, o: out.__setitem__(n, o[:].tolist()) if isinstance(o, h5py.Dataset) else None)
    return out
same = table("jobs1.h5") == table("mpi2.h5") == table("jobs2.h5")
one = statistics.median(times["jobs1"])
print(f"{len(rounds)} rounds of 12 points; median --jobs 1 {one:.2f} s ({12 / one:.3f} points/s)")
for way, label in (("mpi2", "mpirun -n 2"), ("jobs2", "--jobs 2")):
    r = ratio[way]
    print(f"{label}: median {statistics.median(times[way]):.2f} s, speed-up per round median {statistics.median(r):.2f}x "
          f"(min {min(r):.2f}x, max {max(r):.2f}x)")
print(f"tables identical: {same}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
