#!/usr/bin/env bash
# Leak check of the ngspice engine over many load / op / clear cycles (issue 7: "valgrind shows no
# leaks attributable to our code over 1 000 engine cycles"). Not in ctest: it takes minutes.
#
# Usage: scripts/valgrind_engine.sh [build dir, default build] [cycles, default 1000] [engine_cycles options]
# (--leak-on-purpose makes engine_cycles lose 40 bytes per cycle: the check must then fail.)
# With CIMKIT_ENGINE_CYCLES=<binary> (as ctest runs it) nothing is built.
# Builds the engine_cycles target, runs it under valgrind --leak-check=full and splits the definitely
# and indirectly lost bytes by who allocated them: the first stack frame below the allocator that is
# neither valgrind's nor the C/C++ runtime's belongs to libngspice or to cimkit.
# Exit status 1 when cimkit's own code lost any bytes.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-build}; cycles=${2:-1000}; shift $(( $# < 2 ? $# : 2 ))
case "$build" in /*) ;; *) build="$repo_root/$build" ;; esac
# 77: ctest's SKIP_RETURN_CODE for this test.
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind): skipped"; exit 77; }
binary=${CIMKIT_ENGINE_CYCLES:-}
if [ -z "$binary" ]; then
    cmake --build "$build" -j1 --target engine_cycles >/dev/null
    binary="$build/tests/engine_cycles"
fi
xml=$(mktemp --suffix=.xml); trap 'rm -f "$xml"' EXIT
python=/usr/bin/python3; [ -x "$python" ] || python=python3

# --keep-debuginfo: the engine dlclose()s libngspice, and its frames must still have names.
start=$(date +%s)
valgrind --leak-check=full --show-leak-kinds=definite,indirect --keep-debuginfo=yes \
         --xml=yes --xml-file="$xml" "$binary" --cycles "$cycles" "$@"
echo "valgrind run: $(( $(date +%s) - start )) s"

"$python" - "$xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

runtime = ("vgpreload", "libstdc++", "libc.so", "libc-", "ld-linux", "libgcc")
totals = {}
examples = {}
memory_errors = {}
for error in ET.parse(sys.argv[1]).getroot().iter("error"):
    kind = error.findtext("kind", "")
    if not kind.startswith("Leak_"):
        memory_errors[kind] = memory_errors.get(kind, 0) + 1
    if kind not in ("Leak_DefinitelyLost", "Leak_IndirectlyLost"):
        continue
    leaked = int(error.find("xwhat").findtext("leakedbytes", "0"))
    owner, where = "unknown", "?"
    for frame in error.find("stack").iter("frame"):
        obj = frame.findtext("obj", "")
        fn = frame.findtext("fn", "")
        if any(r in obj for r in runtime) or fn.startswith(("malloc", "calloc", "realloc", "operator new")):
            continue
        owner = "libngspice" if "libngspice" in obj else ("cimkit" if "cimkit" in fn or obj.endswith("/engine_cycles") else obj or "unknown")
        where = fn or obj or "?"
        break
    key = (owner, "definitely" if kind == "Leak_DefinitelyLost" else "indirectly")
    totals[key] = totals.get(key, 0) + leaked
    examples.setdefault(owner, set()).add(where)

for owner in sorted({o for o, _ in totals} | {"cimkit", "libngspice"}):
    d = totals.get((owner, "definitely"), 0)
    i = totals.get((owner, "indirectly"), 0)
    print(f"{owner:12s} definitely lost {d:>9,d} bytes, indirectly lost {i:>9,d} bytes")
    if owner != "cimkit" and owner in examples:
        print("             allocated in: " + ", ".join(sorted(examples[owner])[:6]))
if "cimkit" in examples:
    print("cimkit leaks allocated in: " + ", ".join(sorted(examples["cimkit"])))
print("other valgrind errors (invalid reads/writes, uninitialised values): " +
      (", ".join(f"{k} x{n}" for k, n in sorted(memory_errors.items())) or "none"))
cimkit = totals.get(("cimkit", "definitely"), 0) + totals.get(("cimkit", "indirectly"), 0)
sys.exit(1 if cimkit else 0)
PY
