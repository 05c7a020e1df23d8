#!/usr/bin/env python3
"""Every physical effect in docs/devices.md names the GoogleTest that checks it; this fails when that
test does not exist in tests/, so the table cannot cite a test that was renamed or removed.

Usage: check_effect_tests.py REPO_ROOT
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
defined = set()
for source in (root / "tests").rglob("*.cpp"):
    for suite, name in re.findall(r"^TEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)", source.read_text(), re.MULTILINE):
        defined.add(f"{suite}.{name}")

in_effects = False
cited = []
for line in (root / "docs" / "devices.md").read_text().splitlines():
    if line.startswith("| effect |"):
        in_effects = True
    elif not line.startswith("|"):
        in_effects = False
    elif in_effects and not line.startswith("|---"):
        cited.append(re.findall(r"`([\w.]+)`", line.rsplit("|", 2)[1])[0])

missing = [t for t in cited if t not in defined]
for t in missing:
    print(f"docs/devices.md cites test {t}, which no TEST() in tests/ defines")
print(f"{len(cited)} effects, {len(cited) - len(missing)} with an existing test")
sys.exit(1 if missing or not cited else 0)
