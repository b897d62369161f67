#!/usr/bin/env bash
# Builds the one Tongban image (Containerfile) with podman: installs the tools if missing,
# makes or reuses the Debian base and the wheels (both cached, see common.sh), then builds
# with no network. Usage: deploy/image/build.sh [IMAGE] (default localhost/tongban:dev).
# Prints the image name on its last line.
set -euo pipefail
here=$(dirname "$0")
"$here/install-tools.sh"
source "$here/common.sh"

image=${1:-${TONGBAN_IMAGE:-localhost/tongban:dev}}
base=$("$here/base.sh")
wheels=$("$here/wheels.sh")

previous=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
echo "build: $image from $base" >&2
# --network=none: the wheels are all there is; a missing one fails the build here rather
# than being fetched. The wheels are mounted for the RUN steps, never copied into a layer.
podman build --quiet --network=none --layers \
    --volume "$wheels:/wheels:ro" \
    --build-arg "BASE=$base" \
    --build-arg "WHEELS_KEY=${wheels##*/}" \
    --file "$REPO_DIR/Containerfile" \
    --tag "$image" \
    "$REPO_DIR" >&2
# The image this tag named before is left untagged by a rebuild: remove it, if nothing else
# uses it, so repeated builds do not fill the disk (only that image: others' stay).
if [[ -n $previous && $previous != "$(podman image inspect --format '{{.Id}}' "$image")" ]]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
fi
echo "$image"
