#!/usr/bin/env bash
# Static checks of deploy/k8s, for CI (.ci/run) and before a change to the manifests:
#   1. every overlay renders (`kubectl kustomize`, kubectl from the project's venv);
#   2. the rendered manifests validate against the strict schemas of the oldest and the
#      newest Kubernetes this deployment supports (kubernetes-validate);
#   3. checkov's policy scan passes, with the skips (and their reasons) in checkov.yaml.
# The rule-by-rule tests are tests/deploy/test_manifests.py (make test). The two tools are
# installed into venvs of their own under .venv/tools, once per pinned version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# The oldest still common on managed clusters a county may be given; the newest released.
OLDEST=1.30.0
NEWEST=1.37.0

kubectl=$repo/.venv/bin/kubectl
[[ -x $kubectl ]] || { echo "run.sh: no $kubectl; run make setup first" >&2; exit 1; }

tools=$repo/.venv/tools
tool_venv() {
    local name=$1 requirements=$2
    if ! cmp -s "$requirements" "$tools/$name/requirements.txt" 2>/dev/null; then
        echo "installing $name …" >&2
        python3 -m venv --clear "$tools/$name"
        "$tools/$name/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
        cp "$requirements" "$tools/$name/requirements.txt"
    fi
}
tool_venv validate "$here/requirements-validate.txt"
tool_venv checkov "$here/requirements-checkov.txt"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A copy, so the dev overlay's secret files are made there and not in the work tree.
cp -r "$repo/deploy/k8s" "$work/k8s"
rm -rf "$work/k8s/overlays/dev/secrets"
"$work/k8s/overlays/dev/make-secrets.sh"
mkdir "$work/rendered"
for overlay in "$work"/k8s/overlays/*/; do
    name=$(basename "$overlay")
    "$kubectl" kustomize "$overlay" >"$work/rendered/$name.yaml"
    echo "rendered $name: $(grep -c '^kind:' "$work/rendered/$name.yaml") objects"
done

for version in "$OLDEST" "$NEWEST"; do
    "$tools/validate/bin/kubernetes-validate" --strict --quiet --kubernetes-version "$version" "$work"/rendered/*.yaml
    echo "valid against Kubernetes $version (strict)"
done

# --skip-download: no policy updates fetched from the vendor, the pinned checks only.
"$tools/checkov/bin/checkov" --config-file "$here/checkov.yaml" --skip-download --directory "$work/rendered"
echo "checkov: passed"
