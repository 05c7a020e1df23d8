#!/usr/bin/env bash
# Fails when a C library's header is included outside the one module allowed to include it:
#   sharedspice.h -> circuits/spice/   HDF5 -> analysis/h5/   SUNDIALS -> devices/ode/
# and when a library module (devices, circuits, training, attention, analysis, bench) includes anything from
# apps/, the executable on top of them (docs/architecture.md#module-boundaries).
set -u
root=${1:?usage: layering_check.sh REPO_ROOT | --self-test}
if [ "$root" = "--self-test" ]; then
    # Builds a tiny tree that obeys the rules, then breaks each rule once: the check must notice.
    self=$(readlink -f "$0"); tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp"/{circuits/spice,analysis/h5,devices/ode,apps,bench,training,attention}
    echo '#include "apps/train_command.hpp"' > "$tmp/apps/train_command.cpp"  # apps/ may include apps/
    echo '#include <ngspice/sharedspice.h>' > "$tmp/circuits/spice/ngspice_library.hpp"
    echo '#include <hdf5.h>' > "$tmp/analysis/h5/h5_file.cpp"
    echo '#include <cvode/cvode.h>' > "$tmp/devices/ode/cvode_integrator.cpp"
    bash "$self" "$tmp" >/dev/null || { echo "self-test: a clean tree was rejected"; exit 1; }
    for bad in '#include <ngspice/sharedspice.h>' '#include "hdf5.h"' '#include <H5Cpp.h>' '#include <nvector/nvector_serial.h>'; do
        echo "$bad" > "$tmp/apps/main.cpp"
        bash "$self" "$tmp" >/dev/null && { echo "self-test: '$bad' in apps/ was not caught"; exit 1; }
    done
    rm "$tmp/apps/main.cpp"
    for module in bench training attention circuits devices analysis; do
        for bad in '#include "apps/config_file.hpp"' '#  include <apps/training_file.hpp>'; do
            echo "$bad" > "$tmp/$module/upward.cpp"
            bash "$self" "$tmp" >/dev/null && { echo "self-test: '$bad' in $module/ was not caught"; exit 1; }
        done
        rm "$tmp/$module/upward.cpp"
    done
    bash "$self" "$tmp" >/dev/null || { echo "self-test: the clean tree was rejected after the violations were removed"; exit 1; }
    echo "layering self-test: ok"; exit 0
fi
cd "$root" || exit 2
status=0
check() {  # pattern, allowed folder, library
    local hits
    hits=$(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc' "$1" \
               devices circuits netlists training attention analysis apps bench tests 2>/dev/null | grep -v "^$2/" || true)
    if [ -n "$hits" ]; then
        printf 'layering: %s may only be included under %s/, found:\n%s\n' "$3" "$2" "$hits"
        status=1
    fi
}
check '#[[:space:]]*include[[:space:]]*[<"]([^>"]*/)?sharedspice\.h' circuits/spice ngspice
check '#[[:space:]]*include[[:space:]]*[<"](hdf5|H5[A-Za-z_]*)(\.h|\.hpp|\.hh)?[>"]' analysis/h5 HDF5
check '#[[:space:]]*include[[:space:]]*[<"](cvode|cvodes|arkode|ida|idas|kinsol|nvector|sunlinsol|sunmatrix|sundials|sunnonlinsol)/' devices/ode SUNDIALS
# apps/ is the top: no library module includes it.
upward=$(grep -rnE --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc' '#[[:space:]]*include[[:space:]]*[<"]apps/' \
             devices circuits training attention analysis bench 2>/dev/null || true)
if [ -n "$upward" ]; then
    printf 'layering: devices/, circuits/, training/, attention/, analysis/ and bench/ may not include apps/, found:\n%s\n' "$upward"
    status=1
fi
# The checker must see the modules it guards, or it would pass vacuously.
for required in circuits/spice/ngspice_library.hpp analysis/h5/h5_file.cpp devices/ode/cvode_integrator.cpp; do
    [ -f "$required" ] || { echo "layering: expected $required to exist"; status=1; }
done
grep -q 'sharedspice.h' circuits/spice/ngspice_library.hpp || { echo "layering: pattern check lost its positive case (ngspice)"; status=1; }
[ $status -eq 0 ] && echo "layering: ok"
exit $status
