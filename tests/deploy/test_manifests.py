"""The rendered manifests of every overlay keep the deployment's rules (deploy/README.md):
restricted containers, named ports, probed and limited workloads, secrets only as files,
migrations before serving, and network policies that deny by default and allow exactly the
calls the code makes. Each rule is checked on what `kubectl kustomize` renders, so a patch in
an overlay cannot quietly undo it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.common import contracts, routing
from services.common.settings import GATEWAY_PORT, SERVICE_PORTS
from tests.deploy.render import (
    OVERLAYS,
    WORKLOAD_KINDS,
    Manifest,
    containers,
    copy_k8s,
    kustomize,
    named,
    of_kind,
    pod_spec,
    render,
)

COMPONENTS = ("gateway", *contracts.AREAS)
PORTS = {"gateway": GATEWAY_PORT, **SERVICE_PORTS}
# The only workloads that may write somewhere: PostgreSQL's data, socket and temporary files.
MAY_WRITE = {"postgresql": {"data", "run", "tmp"}}


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, list[Manifest]]:
    return request.param, render(request.param, tmp_path_factory.mktemp(request.param))


def workloads(docs: list[Manifest]) -> list[Manifest]:
    return of_kind(docs, *WORKLOAD_KINDS)


def every_container(docs: list[Manifest]) -> Iterator[tuple[Manifest, Manifest]]:
    for workload in workloads(docs):
        for container in containers(workload):
            yield workload, container


def name_of(doc: Manifest) -> str:
    return str(doc["metadata"]["name"])


def tongban(docs: list[Manifest]) -> dict[str, Manifest]:
    return {name: named(docs, "Deployment", name) for name in COMPONENTS}


def env_of(container: Manifest) -> dict[str, Any]:
    return {entry["name"]: entry for entry in container.get("env", [])}


# --- restricted, limited, probed, named -------------------------------------------------


def test_every_container_is_restricted(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for workload, container in every_container(docs):
        pod = pod_spec(workload).get("securityContext", {})
        context = container.get("securityContext", {})
        where = f"{name_of(workload)}/{container['name']}"
        assert context.get("runAsNonRoot", pod.get("runAsNonRoot")) is True, where
        assert context.get("runAsUser", pod.get("runAsUser", 1)) != 0, where
        assert context.get("allowPrivilegeEscalation") is False, where
        assert context.get("readOnlyRootFilesystem") is True, where
        assert context.get("privileged", False) is False, where
        assert context.get("capabilities") == {"drop": ["ALL"]}, where
        seccomp = context.get("seccompProfile", pod.get("seccompProfile", {}))
        assert seccomp.get("type") == "RuntimeDefault", where
        assert not pod_spec(workload).get("hostNetwork") and not pod_spec(workload).get("hostPID"), where


def test_every_container_has_requests_and_limits(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for workload, container in every_container(docs):
        resources = container.get("resources", {})
        for kind in ("requests", "limits"):
            assert set(resources.get(kind, {})) >= {"cpu", "memory"}, (
                f"{name_of(workload)}/{container['name']} {kind}"
            )


def test_every_workload_is_probed(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for workload in workloads(docs):
        for container in containers(workload, init=False):
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                assert probe in container, f"{name_of(workload)}/{container['name']} has no {probe}"


def test_tongban_probes_ask_grpc_health_on_the_served_port(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for name, deployment in tongban(docs).items():
        (container,) = containers(deployment, init=False)
        assert container["ports"] == [{"name": "grpc", "containerPort": PORTS[name]}]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            # The grpc probe calls grpc.health.v1.Health/Check; "" is the whole server.
            assert container[probe]["grpc"] == {"port": PORTS[name]}, f"{name} {probe}"


def test_every_port_is_named(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for workload, container in every_container(docs):
        for port in container.get("ports", []):
            assert port.get("name"), f"{name_of(workload)}/{container['name']} port {port}"
    for service in of_kind(docs, "Service"):
        for port in service["spec"]["ports"]:
            assert port.get("name"), f"Service {name_of(service)} port {port}"
    for name in COMPONENTS:
        service = named(docs, "Service", name)
        assert service["spec"]["ports"] == [
            {"name": "grpc", "port": PORTS[name], "targetPort": "grpc", "appProtocol": "kubernetes.io/h2c"}
        ]


def test_no_service_account_token_is_mounted(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for account in of_kind(docs, "ServiceAccount"):
        assert account.get("automountServiceAccountToken") is False, name_of(account)
    for workload in workloads(docs):
        spec = pod_spec(workload)
        assert spec.get("automountServiceAccountToken") is False, name_of(workload)
        assert spec.get("serviceAccountName") == name_of(workload), name_of(workload)


def test_only_postgresql_writes_and_only_where_it_must(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for workload in workloads(docs):
        spec = pod_spec(workload)
        writable = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        claims = {c["metadata"]["name"] for c in workload["spec"].get("volumeClaimTemplates", [])}
        assert writable | claims <= MAY_WRITE.get(name_of(workload), set()), name_of(workload)
        for container in containers(workload):
            for mount in container.get("volumeMounts", []):
                if mount["name"] not in writable | claims:
                    assert mount.get("readOnly") is True, f"{name_of(workload)}/{container['name']} {mount}"


# --- lifecycle: grace, spread, disruption, scaling, migrations ------------------------------


def test_the_kubelet_waits_longer_than_the_server_drains(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    grace = float(named(docs, "ConfigMap", "tongban-env")["data"]["TONGBAN_GRACE_SECONDS"])
    for name, deployment in tongban(docs).items():
        (container,) = containers(deployment, init=False)
        pause = float(container["lifecycle"]["preStop"]["exec"]["command"][1])
        assert pod_spec(deployment)["terminationGracePeriodSeconds"] > pause + grace, name


def test_replicas_spread_and_budgets(overlay: tuple[str, list[Manifest]]) -> None:
    name, docs = overlay
    budgets = {
        doc["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
        for doc in of_kind(docs, "PodDisruptionBudget")
    }
    autoscaled = {doc["spec"]["scaleTargetRef"]["name"] for doc in of_kind(docs, "HorizontalPodAutoscaler")}
    for component, deployment in tongban(docs).items():
        keys = {c["topologyKey"] for c in pod_spec(deployment)["topologySpreadConstraints"]}
        assert keys == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}, component
        assert component in budgets, component
        if name == "dev":
            assert deployment["spec"]["replicas"] == 1, component
        elif component in autoscaled:
            # The autoscaler owns the count: an apply must not reset it.
            assert "replicas" not in deployment["spec"], component
        else:
            assert deployment["spec"]["replicas"] >= 2, component
    assert autoscaled == (set() if name == "dev" else {"gateway", "acceptance"})


def test_each_service_migrates_before_it_serves(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for component, deployment in tongban(docs).items():
        init = pod_spec(deployment).get("initContainers", [])
        if component == "gateway":
            assert init == [], "the gateway has no database"
            continue
        assert init[0]["name"] == "migrate", component
        assert init[0]["command"] == ["python", "-m", f"services.{component}", "migrate"]
        (container,) = containers(deployment, init=False)
        assert container["command"] == ["python", "-m", f"services.{component}"]
        assert init[0]["image"] == container["image"], "migrations come from the version about to serve"


def test_one_image_for_every_component(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    images = {c["image"] for d in tongban(docs).values() for c in containers(d)}
    assert len(images) == 1, images
    (image,) = images
    assert not image.endswith(":latest") and ":" in image.rsplit("/", 1)[-1], image


# --- secrets and configuration ---------------------------------------------------------------


def test_secrets_reach_containers_only_as_files(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    for workload, container in every_container(docs):
        where = f"{name_of(workload)}/{container['name']}"
        assert not any("secretRef" in source for source in container.get("envFrom", [])), where
        for entry in container.get("env", []):
            assert "secretKeyRef" not in entry.get("valueFrom", {}), where
            assert entry["name"] not in ("TONGBAN_DATABASE_URL", "TONGBAN_INTERNAL_KEY", "POSTGRES_PASSWORD")
    for config in of_kind(docs, "ConfigMap"):
        assert "TONGBAN_DATABASE_URL" not in config.get("data", {}), name_of(config)
        assert "TONGBAN_INTERNAL_KEY" not in config.get("data", {}), name_of(config)


def test_key_database_and_calendar_files_are_where_the_settings_look(
    overlay: tuple[str, list[Manifest]],
) -> None:
    _, docs = overlay
    env_config = named(docs, "ConfigMap", "tongban-env")["data"]
    for component, deployment in tongban(docs).items():
        (container,) = containers(deployment, init=False)
        variables = {**env_config, **{k: v.get("value") for k, v in env_of(container).items()}}
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod_spec(deployment)["volumes"]}

        def source(path: str, mounts: dict[str, str] = mounts, volumes: dict[str, Any] = volumes) -> Any:
            folder = path if path in mounts else path.rsplit("/", 1)[0]
            volume = volumes[mounts[folder]]
            return volume.get("secret") or volume.get("configMap")

        assert source(variables["TONGBAN_INTERNAL_KEY_FILE"])["secretName"].startswith("tongban-internal-key")
        if component == "gateway":
            assert source(variables["TONGBAN_JWT_PUBLIC_KEYS_DIR"])["secretName"].startswith(
                "tongban-token-public-keys"
            )
        else:
            assert source(variables["TONGBAN_DATABASE_URL_FILE"])["secretName"].startswith("tongban-database")
        if component in ("acceptance", "approval", "supervision"):
            assert source(variables["TONGBAN_CALENDAR_DIR"])["name"].startswith("tongban-calendar")


def test_backends_are_addressed_by_their_services(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    env_config = named(docs, "ConfigMap", "tongban-env")["data"]
    assert env_config["TONGBAN_LOG_FORMAT"] == "json"
    for area in contracts.AREAS:
        host, port = env_config[f"TONGBAN_{area.upper()}_ADDR"].split(":")
        assert named(docs, "Service", host)["spec"]["ports"][0]["port"] == int(port) == PORTS[area]


def test_spans_go_to_the_collector(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    endpoint = named(docs, "ConfigMap", "tongban-env")["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"]
    host, port = endpoint.removeprefix("http://").split(":")
    assert named(docs, "Service", host)["spec"]["ports"][0]["port"] == int(port)
    backend = named(docs, "ConfigMap", "otel-collector-backend")["data"]
    assert backend["endpoint"] and backend["insecure"] in ("true", "false")


# --- overlays -----------------------------------------------------------------------------------


def test_dev_runs_the_trial_postgresql(overlay: tuple[str, list[Manifest]]) -> None:
    name, docs = overlay
    statefulsets = [name_of(d) for d in of_kind(docs, "StatefulSet")]
    assert statefulsets == (["postgresql"] if name == "dev" else [])


def test_the_namespace_enforces_the_restricted_standard(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    (namespace,) = of_kind(docs, "Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {name_of(namespace)}


def test_prod_gateway_tls_comes_from_a_secret(overlay: tuple[str, list[Manifest]]) -> None:
    name, docs = overlay
    ingresses = of_kind(docs, "Ingress")
    if name != "prod":
        assert ingresses == []
        return
    (ingress,) = ingresses
    assert ingress["spec"]["tls"][0]["secretName"] == "tongban-gateway-tls"
    (rule,) = ingress["spec"]["rules"]
    assert rule["http"]["paths"][0]["backend"]["service"] == {"name": "gateway", "port": {"name": "grpc"}}
    # Made by the platform engineer, never rendered from git.
    assert of_kind(docs, "Secret") == []


# --- network policies ---------------------------------------------------------------------------


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", "only In is understood here"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def _labels(docs: list[Manifest]) -> dict[str, dict[str, str]]:
    return {name_of(w): w["spec"]["template"]["metadata"]["labels"] for w in workloads(docs)}


def _allows(
    policies: list[Manifest], direction: str, own: dict[str, str], peer: dict[str, str], port: int
) -> bool:
    """Whether some policy selecting the pod with labels `own` lets `peer` through on `port`
    (same namespace; `direction` "ingress" or "egress")."""
    peer_key = "from" if direction == "ingress" else "to"
    kind = "Ingress" if direction == "ingress" else "Egress"
    for policy in policies:
        spec = policy["spec"]
        if kind not in spec["policyTypes"] or not _selects(spec["podSelector"], own):
            continue
        for rule in spec.get(direction, []):
            ports = {p["port"] for p in rule.get("ports", [])}
            peers = rule.get(peer_key)
            port_ok = not ports or port in ports
            peer_ok = peers is None or any(
                "podSelector" in p and "namespaceSelector" not in p and _selects(p["podSelector"], peer)
                for p in peers
            )
            if port_ok and peer_ok:
                return True
    return False


def test_default_deny_is_present(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    deny = named(docs, "NetworkPolicy", "default-deny")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def needed_calls() -> set[tuple[str, str]]:
    """Every call between components the code makes (ARCHITECTURE.md): the gateway forwards to
    each service; each service's events go where their options route them, supervision
    receiving from every service."""
    calls = {("gateway", area) for area in contracts.AREAS}
    calls |= {(area, routing.SUPERVISION) for area in contracts.AREAS if area != routing.SUPERVISION}
    for event_type, descriptor in routing.event_types().items():
        source = event_type.split(".")[1]
        # A service never sends to itself (supervision's own events go to the others only).
        calls |= {
            (source, destination) for destination in routing.destinations(descriptor) if destination != source
        }
    return calls


def test_policies_allow_exactly_the_calls_the_code_makes(overlay: tuple[str, list[Manifest]]) -> None:
    _, docs = overlay
    policies = of_kind(docs, "NetworkPolicy")
    labels = _labels(docs)
    allowed = {
        (caller, callee)
        for caller in COMPONENTS
        for callee in COMPONENTS
        if caller != callee
        and _allows(policies, "egress", labels[caller], labels[callee], PORTS[callee])
        and _allows(policies, "ingress", labels[callee], labels[caller], PORTS[callee])
    }
    assert allowed == needed_calls()


def test_only_the_services_reach_the_database(overlay: tuple[str, list[Manifest]]) -> None:
    name, docs = overlay
    egress = named(docs, "NetworkPolicy", "database-egress")["spec"]
    labels = _labels(docs)
    selected = {c for c in COMPONENTS if _selects(egress["podSelector"], labels[c])}
    assert selected == set(contracts.AREAS)
    (rule,) = egress["egress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 5432}]
    if name == "prod":
        assert "ipBlock" in rule["to"][0], "prod's database is outside the cluster"
    else:
        policies = of_kind(docs, "NetworkPolicy")
        for caller in COMPONENTS:
            reaches = _allows(policies, "egress", labels[caller], labels["postgresql"], 5432) and _allows(
                policies, "ingress", labels["postgresql"], labels[caller], 5432
            )
            assert reaches == (caller in contracts.AREAS), caller


def test_everything_reaches_the_collector_and_the_gateway_only_from_the_ingress(
    overlay: tuple[str, list[Manifest]],
) -> None:
    _, docs = overlay
    policies = of_kind(docs, "NetworkPolicy")
    labels = _labels(docs)
    for component in COMPONENTS:
        assert _allows(policies, "egress", labels[component], labels["otel-collector"], 4317), component
        assert _allows(policies, "ingress", labels["otel-collector"], labels[component], 4317), component
    gateway_ingress = named(docs, "NetworkPolicy", "gateway-ingress")["spec"]["ingress"]
    assert [p.keys() for rule in gateway_ingress for p in rule["from"]] == [{"namespaceSelector"}]


# --- operations the README describes ---------------------------------------------------------


def test_next_years_calendar_rolls_the_services_onto_it(tmp_path: Path) -> None:
    """deploy/README.md, "Load next year's calendar": a file merged into the calendar ConfigMap
    reaches the services that mount it, under a new name, so they restart onto it."""
    k8s = copy_k8s(tmp_path)
    prod = k8s / "overlays" / "prod"
    before = kustomize(prod)
    (prod / "calendar").mkdir()
    (prod / "calendar" / "2027.toml").write_text("[years.2027]\n")
    kustomization = yaml.safe_load((prod / "kustomization.yaml").read_text())
    kustomization["configMapGenerator"].append(
        {"name": "tongban-calendar", "behavior": "merge", "files": ["calendar/2027.toml"]}
    )
    (prod / "kustomization.yaml").write_text(yaml.safe_dump(kustomization))
    after = kustomize(prod)
    calendar = named(after, "ConfigMap", "tongban-calendar")
    assert "2027.toml" in calendar["data"]
    assert name_of(calendar) != name_of(named(before, "ConfigMap", "tongban-calendar"))
    for component in ("acceptance", "approval", "supervision"):
        volumes = pod_spec(named(after, "Deployment", component))["volumes"]
        assert {"name": "calendar", "configMap": {"name": name_of(calendar)}} in volumes, component
