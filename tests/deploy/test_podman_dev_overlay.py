"""The real run: the image built from this tree, the dev overlay rendered by kustomize and
played by `podman kube play`, with PostgreSQL from the machine; a county case goes from the
township window through the gateway to approval and supervision, inside the containers;
then `kube down`.

What kube play ignores or needs changed, and why, is in tests/deploy/podman.py: it ignores
the Services, NetworkPolicies, PodDisruptionBudgets, ServiceAccounts and the Namespace (so
no DNS and no enforced policy: the components meet on 127.0.0.1 with host networking), does
not run gRPC probes (the test asks grpc.health.v1 itself), and cannot mount Secrets (they are
played as ConfigMaps). The manifests' own rules are checked in test_manifests.py.

Time, measured here: installing podman about half a minute, once per machine; a cold image
build (base rootfs with mmdebstrap, wheels from PyPI, image) 2 min 10 s; a warm one (base and
wheels cached under ~/.cache/tongban/image, layers in podman's store) 5 s, or about 20 s after a
source change; the play, the case and kube down about 30 s. Every step has a timeout.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from services.common import contracts
from services.common.tokens import generate_keys
from services.staff.seed import DEMO_PASSWORD
from tests.deploy import podman
from tests.deploy.render import Manifest, copy_k8s, kustomize, of_kind
from tests.e2e.collector import Collector
from tests.support import fresh_postgres_databases, wait_until
from tongban_cli.children import serving

pytestmark = [pytest.mark.podman, pytest.mark.long]

COMPONENTS = ("gateway", *contracts.AREAS)
TONGBAN = str(Path(sys.executable).parent / "tongban")
# The Monday before National Day 2026, as in the e2e suite: the calendar knows every day the
# case's clock needs, whatever day the suite runs (TONGBAN_CLOCK_FILE).
NOW = "2026-09-28T09:30:00+08:00"
KID = "dev-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Played:
    image: str
    ports: dict[str, int]
    suffix: str
    docs: list[Manifest]
    collector: Collector
    started: float
    home: Path
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def gateway(self) -> str:
        return f"127.0.0.1:{self.ports['gateway']}"

    def token(self, user_id: str) -> str:
        """Signed in as a demo account of the seeded organisation: staff signs the token with
        its own key, which the gateway fetched from staff."""
        if user_id not in self.tokens:
            home = self.home / user_id

            def signed_in() -> str | None:
                done = subprocess.run(
                    [TONGBAN, "--json", "login", user_id, "--password-stdin"],
                    input=DEMO_PASSWORD + "\n",
                    env=dict(os.environ, TONGBAN_GATEWAY=self.gateway, XDG_CONFIG_HOME=str(home)),
                    capture_output=True, text=True, timeout=60,
                )  # fmt: skip
                return str(json.loads(done.stdout)["token"]) if done.returncode == 0 else None

            # Until the gateway has seen staff serve, a login is refused as unavailable.
            self.tokens[user_id] = wait_until(signed_in, what=f"{user_id} to sign in", timeout=90)
        return self.tokens[user_id]

    def cli(self, user: str, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"TONGBAN_GATEWAY": self.gateway, "TONGBAN_TOKEN": self.token(user)}
        return subprocess.run(
            [TONGBAN, *args], env=dict(os.environ, **env), capture_output=True, text=True, timeout=60
        )

    def container(self, component: str) -> str:
        # kube play names a Deployment's container <deployment>-pod-0-<container>.
        return f"{component}{self.suffix}-pod-0-{component}"


def _write_dev_secrets(overlay: Path, keys: Path, database_url: str) -> None:
    """What overlays/dev/make-secrets.sh writes, with the machine's PostgreSQL and keys the
    test signs tokens with."""
    generate_keys(keys, KID)
    found = overlay / "secrets"
    podman.write_file(found / "internal.key", secrets.token_urlsafe(32))
    podman.write_file(found / "keys" / "public" / f"{KID}.pem", (keys / "public" / f"{KID}.pem").read_text())
    podman.write_file(found / "database-url", database_url)
    podman.write_file(found / "postgresql-password", "not-used-here")


def _suite_overlay(k8s: Path, *, image: str, suffix: str, ports: dict[str, int], collector: int) -> Path:
    """The dev overlay with this run's names, image and addresses (the configuration a
    cluster's DNS and Services would otherwise give)."""
    folder = k8s / "overlays" / "suite"
    repository, tag = image.rsplit(":", 1)
    literals = [
        "TONGBAN_HOST=127.0.0.1",
        *(f"TONGBAN_{area.upper()}_ADDR=127.0.0.1:{ports[area]}" for area in contracts.AREAS),
        f"OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{collector}",
        "OTEL_BSP_SCHEDULE_DELAY=100",
        "TONGBAN_RELAY_POLL_SECONDS=0.2",
    ]
    kustomization = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["../dev"],
        "nameSuffix": suffix,
        "images": [{"name": "localhost/tongban", "newName": repository, "newTag": tag}],
        "configMapGenerator": [
            {"name": "tongban-env", "behavior": "merge", "literals": literals},
            {"name": "suite-clock", "literals": [f"now={NOW}"]},
        ],
    }
    podman.write_file(folder / "kustomization.yaml", yaml.safe_dump(kustomization))
    return folder


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Played]:
    started = time.monotonic()
    podman.install_tools()
    image = podman.image_for_this_tree()
    podman.build_image(image)
    assert podman.image_user(image) == "10001:10001"
    work = tmp_path_factory.mktemp("podman")
    suffix = f"-t{uuid.uuid4().hex[:6]}"
    ports = {name: _free_port() for name in COMPONENTS}
    collector = Collector()
    collector.server.start()
    with fresh_postgres_databases(contracts.AREAS) as url:
        # The containers' user has no PostgreSQL role of its own; the machine trusts postgres.
        k8s = copy_k8s(work)
        _write_dev_secrets(k8s / "overlays" / "dev", work / "keys", url.replace("://", "://postgres@", 1))
        overlay = _suite_overlay(k8s, image=image, suffix=suffix, ports=ports, collector=collector.port)
        rendered = kustomize(overlay)
        clock = next(
            d["metadata"]["name"]
            for d in of_kind(rendered, "ConfigMap")
            if "suite-clock" in d["metadata"]["name"]
        )
        docs = podman.for_podman(rendered, ports=ports, suffix=suffix, clock_config_map=clock)
        play_file = work / "play.yaml"
        play_file.write_text(yaml.safe_dump_all(docs, allow_unicode=True))
        try:
            podman.podman("kube", "play", str(play_file), timeout=600)
            yield Played(image, ports, suffix, docs, collector, started, work / "home")
        finally:
            podman.podman("kube", "down", str(play_file), timeout=300, check=False)
            podman.remove_volumes(podman.config_map_names(docs))
            collector.server.stop(0)


def test_every_component_serves_health_from_its_container(played: Played) -> None:
    # Only the five Tongban Deployments became pods: the other kinds were ignored.
    assert sorted(podman.pod_names(played.suffix)) == sorted(
        f"{name}{played.suffix}-pod-0" for name in COMPONENTS
    )
    # kube play turned none of the gRPC probes into a health check: the test asks instead.
    for name in COMPONENTS:
        assert podman.healthcheck(played.container(name)) == "<nil>", name
    for name, port in played.ports.items():
        address = f"127.0.0.1:{port}"
        wait_until(lambda a=address: serving(a), what=f"{name} to answer grpc.health.v1", timeout=180)


def test_a_county_case_crosses_the_containers(played: Played) -> None:
    def submit() -> subprocess.CompletedProcess[str]:
        return played.cli(
            "clerk-gaogou", "--json", "case", "submit", "--matter", "320826-NJ-XK-001",
            "--person", "李建国", "--id", "320826197607150018", "--phone", "15851712345",
            *[arg for code in ("M01", "M02", "M03", "M04", "M05") for arg in ("--material", code)],
        )  # fmt: skip

    # Staff's seeded organisation reaches acceptance's copy through its events; until then the
    # window is unknown there and the application is refused, changing nothing.
    def accepted() -> subprocess.CompletedProcess[str] | None:
        done = submit()
        return done if done.returncode == 0 else None

    submitted = wait_until(accepted, what="acceptance to know the township window", timeout=60)
    case = json.loads(submitted.stdout)["case"]
    assert case["state"] == "CASE_STATE_ACCEPTED"
    case_no = case["caseNo"]

    # acceptance's outbox → approval's intake: the county review opens.
    def review_opened() -> bool:
        shown = played.cli("reviewer-nj", "review", "show", case_no)
        return shown.returncode == 0 and case_no in shown.stdout

    wait_until(review_opened, what="approval to open the review", timeout=60)

    # Both services' events → supervision.
    def supervised() -> str | None:
        events = played.cli("inspector-county", "--json", "supervision", "events", "--case", case_no)
        text = events.stdout
        wanted = ("tongban.acceptance.v1.CaseAccepted", "tongban.approval.v1.ReviewOpened")
        return text if events.returncode == 0 and all(name in text for name in wanted) else None

    wait_until(supervised, what="supervision to receive both services' events", timeout=60)

    # Spans left the containers through OTEL_* to the collector.
    def traced() -> set[str] | None:
        services = {span.service for span in played.collector.snapshot()}
        wanted = {"tongban-gateway", "tongban-acceptance", "tongban-approval", "tongban-supervision"}
        return services if wanted <= services else None

    wait_until(traced, what="spans from every container", timeout=60)


def test_the_image_holds_the_venv_and_no_build_tools(played: Played) -> None:
    found = podman.podman(
        "run", "--rm", "--network=none", played.image, "sh", "-c",
        "command -v python; for tool in pip pip3 gcc cc c++ make; do command -v $tool; done; "
        "ls /opt/tongban/lib/python3.11/site-packages | grep -c dist-info; id -u",
        timeout=120,
    ).stdout.split()  # fmt: skip
    python, *tools, distributions, uid = found
    assert python == "/opt/tongban/bin/python"
    assert tools == [], f"build tools in the final stage: {tools}"
    assert int(distributions) > 30 and uid == "10001"


def test_logs_are_json_lines_on_stdout(played: Played) -> None:
    for name in COMPONENTS:
        lines = [line for line in podman.logs(played.container(name)).splitlines() if line.startswith("{")]
        assert lines, f"{name} logged no JSON"
        record = json.loads(lines[-1])
        assert record["component"] == name and record["level"] in ("INFO", "WARNING", "ERROR")


def test_the_run_stays_bounded(played: Played) -> None:
    # Build (warm or cold), play and the case above, before kube down.
    assert time.monotonic() - played.started < 900
