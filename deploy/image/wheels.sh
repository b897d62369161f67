#!/usr/bin/env bash
# Downloads every wheel the image installs, for the image's platform (CPython 3.11 on
# glibc 2.36, the host's CPU), so the image build itself needs no network: the project's
# dependencies and build requirements read from pyproject.toml, and pip to install them.
# Kept in the cache under a key of pyproject.toml and this script. Prints the directory.
set -euo pipefail
source "$(dirname "$0")/common.sh"

arch=$(uname -m)
key=$(cache_key "$PYTHON_VERSION $GLIBC_MINOR $arch" "$REPO_DIR/pyproject.toml" "$0" "$(dirname "$0")/common.sh")
wheels=$CACHE_DIR/wheels-$key
if [[ -f $wheels/.complete ]]; then
    echo "$wheels"
    exit 0
fi

# Every manylinux tag glibc 2.36 runs: pip does not widen a manylinux_2_X platform by itself.
platforms=()
for minor in $(seq 5 "$GLIBC_MINOR"); do
    platforms+=(--platform "manylinux_2_${minor}_${arch}")
done
platforms+=(--platform "manylinux2014_${arch}" --platform "manylinux2010_${arch}" --platform "manylinux1_${arch}")

python=${PYTHON:-python3}
requirements=$(mktemp)
trap 'rm -f "$requirements"' EXIT
"$python" - "$REPO_DIR/pyproject.toml" >"$requirements" <<'PY'
import sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))
for line in [*project["project"]["dependencies"], *project["build-system"]["requires"], "pip", "wheel"]:
    print(line)
PY

echo "wheels: downloading for CPython $PYTHON_VERSION, glibc 2.$GLIBC_MINOR, $arch" >&2
rm -rf "$wheels.tmp"
"$python" -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
    --python-version "$PYTHON_VERSION" --implementation cp --abi "cp${PYTHON_VERSION/./}" --abi abi3 --abi none \
    "${platforms[@]}" -d "$wheels.tmp" -r "$requirements" >&2
touch "$wheels.tmp/.complete"
rm -rf "$wheels"
mv "$wheels.tmp" "$wheels"
echo "$wheels"
