#!/usr/bin/env bash
# Installs what building and running the image needs, from Debian's packages:
# podman (build, run, kube play), runc (the runtime containers.conf names) and mmdebstrap
# (the base rootfs). Does nothing when all are there; exits 1 when they are missing and
# cannot be installed (not root, or no apt-get), which the real-run test turns into a skip.
set -euo pipefail

needed=(podman runc catatonit mmdebstrap)
missing=()
for tool in "${needed[@]}"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "install-tools: missing ${missing[*]}; install them with apt-get as root (Debian packages podman runc mmdebstrap)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# No recommends: fuse-overlayfs, slirp4netns and the rest serve rootless podman, not this.
apt-get install -y -qq --no-install-recommends podman runc catatonit mmdebstrap >/dev/null
