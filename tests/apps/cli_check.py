"""What the command-line checks under tests/apps/ share: run cimkit, expect an exit status and words
in its output, collect failures and report them.

    check = CliCheck(sys.argv[1])
    check.expect(check.run("attention", "-o", "a.h5", cwd=work), 0, "wrote a.h5", what="a run")
    sys.exit(check.finish())
"""
import subprocess
from pathlib import Path

import h5py


class CliCheck:
    def __init__(self, cimkit, timeout_s=120):
        self.cimkit = str(Path(cimkit).resolve())
        self.timeout_s = timeout_s
        self.failures = []

    def run(self, *args, cwd):
        return subprocess.run([self.cimkit, *args], cwd=cwd, capture_output=True, text=True, timeout=self.timeout_s)

    def expect(self, result, status, *parts, what):
        text = result.stdout + result.stderr
        if result.returncode != status or any(p not in text for p in parts):
            self.failures.append(f"{what}: exit {result.returncode} (expected {status}), wanted {parts} in:\n{text}")
        return result

    def fail(self, message):
        self.failures.append(message)

    def finish(self):
        for f in self.failures:
            print(f)
        print(f"{len(self.failures)} failures")
        return 1 if self.failures else 0


def stored_device_definition(path, group="/"):
    """The device file (a table's TOML or a subcircuit file) that the cimkit output `path` recorded in
    the attribute device_definition_toml of `group` ("/training" in a run file); "" when it recorded
    none (a built-in device model)."""
    with h5py.File(path, "r") as f:
        return f[group].attrs.get("device_definition_toml", "")
