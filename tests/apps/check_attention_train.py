"""`cimkit attention-train` from the command line (docs/attention.md#a-task-with-real-data): a short
run on MNIST rows learns (the linear-law hardware model far above the 10 % of chance), writes
/attention_training with every evaluation, repeats itself bit for bit with the same seed, and
classifies test images with the attention block in ngspice as the compact block does; `cimkit
attention --model` runs a head on the trained model's activations; bad options
exit 2 naming the option and leave no output.
Usage: check_attention_train.py CIMKIT"""
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cli_check import CliCheck  # noqa: E402

check = CliCheck(sys.argv[1], timeout_s=300)
short = ["--epochs", "1", "--train-limit", "2000", "--test-limit", "500", "--dims", "16"]


def results(path):
    with h5py.File(path, "r") as f:
        g = f["attention_training"]
        table = {name: g["results"][name][()] for name in g["results"]}
        parameters = {name: g["parameters"][name][()] for name in g["parameters"]}
    table["stage"] = [s.decode() for s in table["stage"]]
    table["engine"] = [s.decode() for s in table["engine"]]
    return table, parameters


with tempfile.TemporaryDirectory() as folder:
    work = Path(folder)
    check.expect(check.run("attention-train", "-o", "a.h5", *short, "--spice-test", "10", cwd=work), 0, "nonlinear", "wrote a.h5",
                 what="a short run")
    table, parameters = results(work / "a.h5")
    linear = table["test_accuracy"][table["stage"].index("linear")]
    if not linear >= 0.4:
        check.fail(f"the linear-law model reached {linear:.3f} on 500 test images after 2000 training images (chance: 0.1)")
    if sorted(parameters) != ["float", "linear", "nonlinear"]:
        check.fail(f"parameters of stages {sorted(parameters)}")
    rows = [i for i, engine in enumerate(table["engine"]) if i >= len(table["engine"]) - 2]
    spice, compact = (table["test_accuracy"][i] for i in rows)
    if [table["engine"][i] for i in rows] != ["ngspice", "compact"] or abs(spice - compact) > 0.1 + 1e-12:
        check.fail(f"ngspice {spice} against compact {compact} on the same 10 test images")
    check.expect(check.run("attention", "-o", "m.h5", "--model", "a.h5", "--image", "3", "--spice-queries", "1", cwd=work), 0,
                 "28 tokens, head dimension 16", "ngspice tiles (1 query tokens", what="a head on the trained model's activations")
    check.expect(check.run("attention", "-o", "out.h5", "--model", "a.h5", "--stage", "bogus", cwd=work), 2, "parameters/bogus",
                 what="a stage the file does not have")
    check.expect(check.run("attention", "-o", "out.h5", "--model", "a.h5", "--image", "10000", cwd=work), 2, "--image",
                 what="an image past the test set")
    check.expect(check.run("attention-train", "-o", "b.h5", *short, cwd=work), 0, what="the same seed again")
    again, again_parameters = results(work / "b.h5")
    compact_rows = len(again["test_accuracy"])
    if not np.array_equal(again["test_accuracy"], table["test_accuracy"][:compact_rows]) or any(
            not np.array_equal(again_parameters[k], parameters[k]) for k in parameters):
        check.fail("the same seed gave other accuracies or parameters")

    bad = {
        "no epochs": (["--epochs", "0"], "--epochs"),
        "no dimensions": (["--dims", "0"], "--dims"),
        "more ngspice images than test images": (["--test-limit", "5", "--spice-test", "6"], "--spice-test"),
        "too many training images": (["--train-limit", "60001"], "--train-limit"),
        "no MNIST there": (["--mnist-dir", "nowhere"], "nowhere"),
    }
    for what, (arguments, words) in bad.items():
        check.expect(check.run("attention-train", "-o", "out.h5", *arguments, cwd=work), 2, words, what=what)
    if (work / "out.h5").exists():
        check.fail("a refused run left out.h5 behind")

sys.exit(check.finish())
