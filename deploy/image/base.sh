#!/usr/bin/env bash
# Makes the base image from Debian packages: a minbase rootfs with python3 and
# ca-certificates (mmdebstrap), imported into podman as localhost/tongban-base:<key>.
# The key covers the suite, the packages and this script, so the rootfs is made once and
# then reused from the cache (or from podman's store). Prints the image name.
set -euo pipefail
source "$(dirname "$0")/common.sh"

packages=python3,ca-certificates
key=$(cache_key "$SUITE $packages $(uname -m)" "$0" "$(dirname "$0")/common.sh")
image=localhost/tongban-base:$key
tarball=$CACHE_DIR/base-$key.tar

if podman image exists "$image"; then
    echo "$image"
    exit 0
fi
if [[ ! -s $tarball ]]; then
    sources=()
    host_sources=/etc/apt/sources.list.d/debian.sources
    if [[ -f $host_sources ]] && grep -q "^VERSION_CODENAME=$SUITE$" /etc/os-release; then
        sources=("$host_sources")
    fi
    echo "base: mmdebstrap $SUITE minbase + $packages (about a minute)" >&2
    # On a host of the same release the rootfs comes from the sources its apt uses (with
    # the security and updates suites); elsewhere from mmdebstrap's default mirror.
    # No documentation, manual pages or translations: nothing in the image reads them
    # (licences stay). Nothing from stdin: mmdebstrap would read sources from it.
    mmdebstrap --variant=minbase --format=tar --include="$packages" \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        "$SUITE" "$tarball.tmp" "${sources[@]}" </dev/null >&2
    mv "$tarball.tmp" "$tarball"
fi
podman import --quiet "$tarball" "$image" >/dev/null
echo "$image"
