# Sourced by the image scripts: where the cache is and how podman is called here.
# shellcheck shell=bash

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$DEPLOY_DIR/.." && pwd)
# The base rootfs and the wheels are kept here between builds, keyed by what made them,
# so a second build downloads nothing (a cold one takes minutes, see deploy/README.md).
CACHE_DIR=${TONGBAN_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tongban/image}
# podman's default runtime and ulimits fail on these machines (containers.conf says why).
export CONTAINERS_CONF=${CONTAINERS_CONF:-$DEPLOY_DIR/containers.conf}

# The image's Debian release: its python3 (3.11 in bookworm) decides which wheels fit.
SUITE=bookworm
PYTHON_VERSION=3.11
GLIBC_MINOR=36

mkdir -p "$CACHE_DIR"

# A short key for "made from these inputs": the files named and the extra words given.
cache_key() {
    local words=$1
    shift
    { printf '%s\n' "$words"; cat "$@"; } | sha256sum | cut -c1-16
}
