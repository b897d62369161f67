"""podman for the real run: the tools, the image, and the dev overlay made playable by
`podman kube play` (podman 4.3, Debian bookworm's).

What kube play does not do as a cluster would, and what `for_podman` changes for it (each
change is the least that makes it run; the manifests' own rules are tested on the rendered
overlays in test_manifests.py):

- It ignores Services, NetworkPolicies, PodDisruptionBudgets, ServiceAccounts and the
  Namespace: they are passed to it as rendered and nothing comes of them. Without Services
  there is no cluster DNS, so the components find each other on 127.0.0.1 (host networking,
  each on a free port: TONGBAN_PORT, and the addresses in tongban-env) instead of by
  Service name; no network policy is enforced.
- Its gRPC probes are not run (it turns only exec, HTTP and TCP liveness probes into health
  checks); the test asks grpc.health.v1 itself, as the probes would.
- It crashes on a Secret volume (a nil dereference in VolumeFromSecret), so each Secret is
  passed as a ConfigMap with the same name and data, mounted at the same path.
- Under restartPolicy Always it restarts an init container that has finished and then fails
  to remove it, so the pods say OnFailure (a crash still restarts the server).
- It cannot fill an environment variable from metadata.namespace: the overlay's namespace is
  written in instead. With host networking it refuses containerPort mappings: they go.
- The trial PostgreSQL (StatefulSet) and the collector are not played: PostgreSQL comes from
  the machine, and the collector is the test's own OTLP receiver on 127.0.0.1; images from
  registries cannot be pulled here anyway.
- Pods, volumes and images are shared by everything on the machine, so every name gets a
  suffix for the run, and the ConfigMap volumes kube play leaves behind are removed after
  `kube down`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.render import REPO, Manifest, containers, of_kind, pod_spec

IMAGE_DIR = REPO / "deploy" / "image"
CONTAINERS_CONF = REPO / "deploy" / "containers.conf"
# A cold build (base rootfs, wheels, image) takes a few minutes; a warm one under a minute.
BUILD_TIMEOUT_SECONDS = 1800


def environment() -> dict[str, str]:
    return dict(os.environ, CONTAINERS_CONF=str(CONTAINERS_CONF))


def podman(*args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["podman", *args], env=environment(), capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def install_tools() -> None:
    """podman, runc, catatonit and mmdebstrap from Debian's packages; skip where that cannot be."""
    result = subprocess.run(
        [str(IMAGE_DIR / "install-tools.sh")], capture_output=True, text=True, timeout=900
    )
    if result.returncode == 1:
        pytest.skip(f"podman cannot be installed here: {result.stderr.strip()}")
    if result.returncode != 0:
        raise AssertionError(f"deploy/image/install-tools.sh failed:\n{result.stdout}\n{result.stderr}")


def image_for_this_tree() -> str:
    """One tag per work tree: its rebuilds replace it, and another tree's runs keep theirs."""
    return f"localhost/tongban:suite-{hashlib.sha256(str(REPO).encode()).hexdigest()[:10]}"


def build_image(image: str) -> None:
    result = subprocess.run(
        [str(IMAGE_DIR / "build.sh"), image],
        env=environment(),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    if result.returncode != 0:
        raise AssertionError(f"deploy/image/build.sh failed:\n{result.stderr[-5000:]}")


def _secret_as_config_map(secret: Manifest) -> Manifest:
    data = {key: base64.b64decode(value).decode() for key, value in secret.get("data", {}).items()}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": secret["metadata"]["name"]},
        "data": data,
    }


def for_podman(
    docs: list[Manifest], *, ports: dict[str, int], suffix: str, clock_config_map: str
) -> list[Manifest]:
    """The rendered dev overlay as kube play can run it (see the module's docstring).
    `ports` maps each component to its free port; Deployments are named `<component><suffix>`.
    Every Tongban container reads the time from the ConfigMap `clock_config_map` (key `now`)."""
    played: list[Manifest] = []
    for original in docs:
        doc = copy.deepcopy(original)
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind == "StatefulSet" or (kind == "Deployment" and name.startswith("otel-collector")):
            continue
        if kind == "Secret":
            doc = _secret_as_config_map(doc)
        if kind == "Deployment":
            component = name.removesuffix(suffix)
            _host_networked(doc, component, ports[component], clock_config_map)
        played.append(doc)
    return played


def _host_networked(deployment: Manifest, component: str, port: int, clock_config_map: str) -> None:
    spec = pod_spec(deployment)
    spec["hostNetwork"] = True
    spec["restartPolicy"] = "OnFailure"
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            secret = volume.pop("secret")
            volume["configMap"] = {
                "name": secret["secretName"],
                "defaultMode": secret.get("defaultMode", 0o644),
            }
    spec.setdefault("volumes", []).append({"name": "clock", "configMap": {"name": clock_config_map}})
    namespace = deployment["metadata"]["namespace"]
    for container in containers(deployment):
        container.pop("ports", None)
        env: list[dict[str, Any]] = container.setdefault("env", [])
        for entry in env:
            if entry.get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.namespace":
                del entry["valueFrom"]
                entry["value"] = namespace
        env.append({"name": "TONGBAN_PORT", "value": str(port)})
        env.append({"name": "TONGBAN_CLOCK_FILE", "value": "/etc/tongban/clock/now"})
        container.setdefault("volumeMounts", []).append(
            {"name": "clock", "mountPath": "/etc/tongban/clock", "readOnly": True}
        )


def config_map_names(docs: list[Manifest]) -> list[str]:
    """The ConfigMaps kube play turns into named volumes (Secrets included, as played)."""
    return [doc["metadata"]["name"] for doc in of_kind(docs, "ConfigMap")]


def remove_volumes(names: list[str]) -> None:
    for name in names:
        podman("volume", "rm", "--force", name, check=False)


def image_user(image: str) -> str:
    return podman("image", "inspect", "--format", "{{.Config.User}}", image).stdout.strip()


def pod_names(suffix: str) -> list[str]:
    listed = podman("pod", "ls", "--format", "{{.Name}}").stdout.split()
    return [name for name in listed if suffix in name]


def healthcheck(container: str) -> str:
    return podman("inspect", "--format", "{{.Config.Healthcheck}}", container).stdout.strip()


def logs(container: str) -> str:
    result = podman("logs", container, check=False)
    return result.stdout + result.stderr


def write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
