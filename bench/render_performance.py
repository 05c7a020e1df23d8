#!/usr/bin/env python3
"""Turns the JSON lines of `cimkit bench CASE --json` (bench/run_all) into docs/performance.md,
with each figure beside the performance issue's target, and prints the target table."""
import datetime
import json
import os
import platform
import subprocess
import sys

# (case, figure name) -> (comparison, target value, wording). Figures without a target are listed too.
TARGETS = {
    ("spice-forward", "784x10 resistive"): (">=", 2000, ">= 2 000 samples/s on one core"),
    ("spice-forward", "784x100 resistive"): (">=", 150, ">= 150 samples/s"),
    ("spice-forward", "784x10 MOSFET"): (">=", 250, ">= 250 samples/s"),
    ("pool-scaling", "256x100 resistive with 1 Ohm wires, 2 worker processes"): (">=", 5, ">= 5 samples/s on 2 cores"),
    ("reload-baseline", "spice-forward speed-up over reload"): (">=", 100, ">= 100x reload-baseline"),
    ("compact-train", "784-100-10 PCM, pulse updates"): (">=", 2000, ">= 2 000 samples/s on one core"),
    ("iris-spice-train", "default `cimkit train` (iris_mosfet_spice)"): ("<=", 30, "<= 30 s"),
    ("iris-full-spice", "iris_mosfet_full_spice"): ("<=", 180, "<= 3 min on 2 cores"),
    ("pool-scaling", "speed-up from 1 to 2 workers"): (">=", 1.8, ">= 1.8x"),
    ("dw-per-sample-spice-epoch", "projected 60 000-sample epoch"): ("<=", 30, "<= 30 min on 2 cores"),
    ("dw-per-sample-spice-epoch", "projected 60 000-sample epoch, osdi face"): ("<=", 30, "<= 30 min on 2 cores"),
    ("dw-per-sample-spice-epoch", "projected 60 000-sample epoch, osdi face, streamed"): ("<=", 30, "<= 30 min on 2 cores"),
    ("memory", "RSS growth over 10000 op solves"): ("<=", 5, "<= 5 MB over 10 000 solves"),
    ("mnist-spice-epoch", "784-100-10 PCM epoch, spice engine"): ("<=", 10, "<= 10 min on 2 cores"),
    ("mnist-spice-epoch", "spice - compact accuracy"): ("abs<=", 1, "within 1 point of compact, same seed"),
}

# The round-1 figure of each target (docs/performance.md of 2026-12-05, commit 83f0823), shown beside
# this run's measurement so a regression or a gain is visible without digging in the history.
ROUND_1 = {
    ("spice-forward", "784x10 resistive"): "3512",
    ("spice-forward", "784x100 resistive"): "176.5",
    ("spice-forward", "784x10 MOSFET"): "198.5",
    ("pool-scaling", "256x100 resistive with 1 Ohm wires, 2 worker processes"): "3.159 (one process)",
    ("reload-baseline", "spice-forward speed-up over reload"): "120.4",
    ("compact-train", "784-100-10 PCM, pulse updates"): "3735",
    ("iris-spice-train", "default `cimkit train` (iris_mosfet_spice)"): "17.96",
    ("pool-scaling", "speed-up from 1 to 2 workers"): "1.065 (one pair)",
    ("memory", "RSS growth over 10000 op solves"): "4.174",
    ("mnist-spice-epoch", "784-100-10 PCM epoch, spice engine"): "6.706",
    ("mnist-spice-epoch", "spice - compact accuracy"): "0",
    ("dw-per-sample-spice-epoch", "projected 60 000-sample epoch"): "about 470 (10 000 samples in 4 710 s, reads only)",
    ("dw-per-sample-spice-epoch", "projected 60 000-sample epoch, osdi face"): "about 470 (the cosim face; the osdi face came in round 2)",
    ("dw-per-sample-spice-epoch", "projected 60 000-sample epoch, osdi face, streamed"): "about 470 (the cosim face; streaming came in round 2)",
}


def command(*args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def verdict(case, figure):
    target = TARGETS.get((case, figure["name"]))
    if not target or figure["value"] is None:
        return "", ""
    op, value, wording = target
    measured = abs(figure["value"]) if op == "abs<=" else figure["value"]
    met = measured >= value if op == ">=" else measured <= value
    return wording, "met" if met else "**not met**"


def main():
    results_path, output_path = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv[3:]
    reports = []
    with open(results_path) as f:
        for line in f:
            if line.startswith("{"):
                reports.append(json.loads(line))
            elif line.strip():
                print(f"render_performance: ignored a line that is not a case's JSON: {line.strip()[:80]}", file=sys.stderr)
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = command("git", "-C", repo, "rev-parse", "--short", "HEAD")
    dirty = command("git", "-C", repo, "status", "--porcelain")
    lines = [
        "# Performance",
        "",
        "Written by `bench/run_all` (do not edit by hand; the prose around the numbers is in",
        "[performance-notes.md](performance-notes.md)). Every figure below was measured in one run of",
        "`bench/run_all`, each baseline beside its optimised figure.",
        "",
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- commit: {commit}{' (with uncommitted changes)' if dirty not in ('', 'unknown') else ''}",
        f"- ngspice: {command('dpkg-query', '-W', '-f=${Version}', 'libngspice0')}",
    ]
    if quick:
        lines += ["", "**`--quick` run: small workloads that check the harness; these figures are not the measurements.**"]
    lines += ["", "## Targets", "", "| case | figure | measured | target | | round 1 (2026-12-05) |", "|---|---|---|---|---|---|"]
    summary = []
    for report in reports:
        for figure in report["figures"]:
            wording, state = verdict(report["case"], figure)
            if wording:
                value = "n/a" if figure["value"] is None else f"{figure['value']:.4g} {figure['unit']}"
                before = ROUND_1.get((report["case"], figure["name"]), "-")
                lines.append(f"| `{report['case']}` | {figure['name']} | {value} | {wording} | {state} | {before} |")
                summary.append(f"{report['case']:<18} {figure['name']:<44} {value:>22}  target {wording:<32} {state}")
    for report in reports:
        lines += ["", f"## `{report['case']}`", "", "| figure | value | unit | how |", "|---|---|---|---|"]
        for figure in report["figures"]:
            value = "n/a" if figure["value"] is None else f"{figure['value']:.4g}"
            lines.append(f"| {figure['name']} | {value} | {figure['unit']} | {figure['note']} |")
        for note in report["notes"]:
            lines += ["", f"- {note}"]
    with open(output_path + ".tmp", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(output_path + ".tmp", output_path)
    print("\n".join(summary))
    print(f"wrote {output_path}")


if __name__ == "__main__":
    main()
