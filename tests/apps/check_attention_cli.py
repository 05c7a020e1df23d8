"""`cimkit attention` from the command line (docs/attention.md): a run writes /attention, which the
independent numpy evaluation (scripts/attention_reference.py) reproduces to 1e-9; the same seed gives
the same datasets; a file it wrote is an input of it; bad input (mismatched dimensions, a query
outside [0, 1], a key or value outside the gain cell's range, a window larger than the tiles, a
malformed input file) exits 2 naming the field and leaves no output; query tokens through ngspice
tiles land in /attention/spice and agree with the compact block.
Usage: check_attention_cli.py CIMKIT REPOSITORY_ROOT"""
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_check import CliCheck  # noqa: E402

check = CliCheck(sys.argv[1])
reference = Path(sys.argv[2]).resolve() / "scripts" / "attention_reference.py"


def datasets(path):
    with h5py.File(path, "r") as f:
        return {name: f["attention"][name][()] for name in f["attention"]}


def write_inputs(path, query, key, value, key_dtype="float64"):
    with h5py.File(path, "w") as f:
        g = f.create_group("attention")
        g["query"] = query
        g["key_V"] = np.asarray(key, dtype=key_dtype)
        g["value_V"] = value


with tempfile.TemporaryDirectory() as folder:
    work = Path(folder)
    check.expect(check.run("attention", "-o", "a.h5", "--tokens", "150", "--head-dim", "16", "--window", "100", cwd=work), 0,
                 "relative RMS difference", "wrote a.h5", what="a seeded run")
    agreement = subprocess.run([sys.executable, str(reference), str(work / "a.h5"), "--check"], capture_output=True, text=True)
    if agreement.returncode != 0:
        check.fail(f"the numpy evaluation of the paper's kernel disagrees:\n{agreement.stdout}{agreement.stderr}")
    check.expect(check.run("attention", "-o", "b.h5", "--tokens", "150", "--head-dim", "16", "--window", "100", cwd=work), 0,
                 what="the same seed again")
    first, second = datasets(work / "a.h5"), datasets(work / "b.h5")
    if first.keys() != second.keys() or any(not np.array_equal(first[k], second[k]) for k in first):
        check.fail("the same seed gave different datasets")
    check.expect(check.run("attention", "-o", "c.h5", "--input", "a.h5", "--window", "100", cwd=work), 0, what="a written file as --input")
    third = datasets(work / "c.h5")
    if not np.array_equal(third["compact_output"], first["compact_output"]):
        check.fail("re-running a file's own inputs gave another output")
    check.expect(check.run("attention", "-o", "a.h5", cwd=work), 2, "--force", what="an existing output without --force")
    check.expect(check.run("attention", "-o", "s.h5", "--tokens", "70", "--head-dim", "8", "--window", "66", "--spice-queries", "2", cwd=work), 0,
                 "ngspice tiles (2 query tokens, 4 tile runs)", "nJ first stage", what="two query tokens through ngspice")
    with h5py.File(work / "s.h5", "r") as f:
        spice = f["attention/spice"]
        if list(spice["query_tokens"][()]) != [68, 69] or spice.attrs["max_pulse_difference"] > 1e-3:
            check.fail(f"ngspice tokens {list(spice['query_tokens'][()])}, pulse difference {spice.attrs['max_pulse_difference']}")
    check.expect(check.run("attention", "-o", "out.h5", "--tokens", "8", "--spice-queries", "9", cwd=work), 2, "--spice-queries",
                 what="more ngspice queries than tokens")

    rng = np.random.default_rng(1)
    q, k, v = rng.uniform(0, 1, (8, 4)), rng.uniform(0, 0.9, (8, 4)), rng.uniform(0, 0.9, (8, 4))
    bad_files = {
        "mismatched dimensions": ((q, k[:, :3], v), "key_V is 8 x 3"),
        "query above 1": ((np.where(np.arange(32).reshape(8, 4) == 9, 1.2, q), k, v), "query[2][1] = 1.2"),
        "key outside the cell's range": ((q, k + 0.5 * (np.arange(32).reshape(8, 4) == 0), v), "key_V[0][0]"),
        "value below 0": ((q, k, v - 1.0), "value_V[0][0]"),
    }
    for what, ((bq, bk, bv), words) in bad_files.items():
        write_inputs(work / "bad.h5", bq, bk, bv)
        check.expect(check.run("attention", "-o", "out.h5", "--input", "bad.h5", cwd=work), 2, "bad.h5", words, what=what)
    write_inputs(work / "bad.h5", q, k, v, key_dtype="int32")
    check.expect(check.run("attention", "-o", "out.h5", "--input", "bad.h5", cwd=work), 2, "key_V", "float64", what="integer keys")
    with h5py.File(work / "missing.h5", "w") as f:
        f["attention/query"] = q
    check.expect(check.run("attention", "-o", "out.h5", "--input", "missing.h5", cwd=work), 2, "key_V", "missing", what="no keys")
    (work / "text.h5").write_text("not HDF5\n")
    check.expect(check.run("attention", "-o", "out.h5", "--input", "text.h5", cwd=work), 2, "text.h5", what="not an HDF5 file")
    check.expect(check.run("attention", "-o", "out.h5", "--window", "2048", cwd=work), 2, "--window", "--tiles", what="window over the tiles")
    check.expect(check.run("attention", "-o", "out.h5", "--tokens", "0", cwd=work), 2, "--tokens", what="no tokens")
    check.expect(check.run("attention", "-o", "out.h5", "--decay-per-token", "-1", cwd=work), 2, "--decay-per-token", what="negative leakage")
    check.expect(check.run("attention", "-o", "out.h5", "--query-levels", "1", cwd=work), 2, "--query-levels", what="one level")
    if (work / "out.h5").exists() or any(p.name.startswith(".out.h5") for p in work.iterdir()):
        check.fail("a refused run left out.h5 or its temporary behind")

sys.exit(check.finish())
