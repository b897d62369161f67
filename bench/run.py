"""What one `make bench` run measures, in order, and on what.

1. echo: the echo backend directly, then through a real gateway process pointed at it;
2. on SQLite, then on PostgreSQL, each a fresh stack: a catalogue read direct to acceptance
   and through the gateway, SubmitApplication at saturation and at half that offered load,
   full lifecycles with 50 in flight;
3. the SpiffWorkflow peer (between the two stacks, so both see the machine in a similar state).
Between phases the harness waits until the stack is idle again: the event relays deliver what
a phase left behind before the next phase starts, so no phase pays for the one before it.
"""

from __future__ import annotations

import asyncio
import json
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc

from bench import (
    people,
    postgres,
    process_sums,
    processes,
    profiling,
    stack,
    statement_counts,
    workloads,
    writer_turns,
)
from bench.lifecycle import Driver
from bench.loadgen import Call, PhaseResult, closed_loop, open_loop
from bench.processes import Child, Metered

Phases = dict[str, PhaseResult]
T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    """Durations (seconds) and concurrency of each phase; `--quick` shortens them for a smoke run."""

    # The whole run must stay under 5 minutes on a busy 2-core machine (issue 10).
    warmup_s: float = 2.0
    duration_s: float = 6.0
    echo_concurrency: int = 32
    read_concurrency: int = 16
    # 4 sites x 4 clerks' calls in flight.
    submit_concurrency: int = 16
    # Saturation again with fewer and more callers: throughput must not fall as they rise.
    submit_scaling: tuple[int, ...] = (8, 32)
    # The bulkhead (SQLite stack only): approval stopped (SIGSTOP) with this many reviewers'
    # calls waiting on it, each with this deadline, while clerks read the catalogue.
    hung_callers: int = 64
    hung_deadline_s: float = 5.0
    lifecycles_in_flight: int = 50
    # At least 5 s, and until 50 lifecycles have finished (steady state), at most 20 s.
    lifecycle_warmup_s: float = 5.0
    lifecycle_max_warmup_s: float = 20.0
    lifecycle_duration_s: float = 15.0
    peer_warmup_s: float = 2.0
    peer_duration_s: float = 8.0

    def quick(self) -> Plan:
        return Plan(
            warmup_s=0.5,
            duration_s=2.0,
            lifecycle_warmup_s=2.0,
            lifecycle_max_warmup_s=4.0,
            lifecycle_duration_s=4.0,
            peer_warmup_s=0.5,
            peer_duration_s=2.0,
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def _over(address: str, measure: Callable[[list[grpc.aio.Channel]], Awaitable[T]]) -> T:
    channels = workloads.connections(address)
    try:
        return await measure(channels)
    finally:
        await asyncio.gather(*(channel.close() for channel in channels))


def _closed(
    plan: Plan,
    name: str,
    address: str,
    build: Callable[[list[grpc.aio.Channel]], Call],
    *,
    concurrency: int,
    children: Sequence[Metered],
) -> PhaseResult:
    async def measure(channels: list[grpc.aio.Channel]) -> PhaseResult:
        return await closed_loop(
            name,
            build(channels),
            concurrency=concurrency,
            warmup_s=plan.warmup_s,
            duration_s=plan.duration_s,
            children=children,
        )

    return asyncio.run(_over(address, measure))


def measure_echo(var_dir: Path, env: dict[str, str], plan: Plan) -> Phases:
    """The echo backend direct, then behind a real gateway process (every backend address → echo),
    then behind the barest proxy gRPC Python allows (the gateway's bound), on the gateway's thread
    pool and on grpc.aio."""
    log_dir = var_dir / "log"
    echo_port, gateway_port = processes.free_port(), processes.free_port()
    echo = processes.start(
        "echo", ["-m", "bench.echo", "--port", str(echo_port)], port=echo_port, env=env, log_dir=log_dir
    )
    started = [echo]
    try:
        gateway_env = dict(env, TONGBAN_PORT=str(gateway_port))
        gateway_env.update({f"TONGBAN_{area.upper()}_ADDR": echo.address for area in stack.AREAS})
        gateway = processes.start(
            "gateway", ["-m", "gateway"], port=gateway_port, env=gateway_env, log_dir=log_dir
        )
        started.append(gateway)
        bearer = (("authorization", f"Bearer {stack.tongban(env, 'token', 'clerk-gaogou')}"),)
        # The bound of the gateway's figure: a proxy doing nothing but forwarding
        # (bench/bare_proxy.py), on a thread pool and on grpc.aio.
        proxies = {}
        for name, extra in (("bare_proxy", []), ("bare_aio_proxy", ["--aio"])):
            port = processes.free_port()
            proxies[name] = processes.start(
                name,
                ["-m", "bench.bare_proxy", "--port", str(port), "--target", echo.address, *extra],
                port=port,
                env=env,
                log_dir=log_dir,
            )
            started.append(proxies[name])
        measured = {
            "echo_direct": ("echo direct", echo, ()),
            "echo_gateway": ("echo via gateway", gateway, bearer),
            "echo_bare_proxy": ("echo via a bare proxy", proxies["bare_proxy"], bearer),
            "echo_bare_aio_proxy": ("echo via a bare grpc.aio proxy", proxies["bare_aio_proxy"], bearer),
        }
        return {
            key: _closed(
                plan,
                name,
                front.address,
                _echo_calls(metadata),
                concurrency=plan.echo_concurrency,
                children=[echo] if front is echo else [echo, front],
            )
            for key, (name, front, metadata) in measured.items()
        }
    finally:
        processes.stop(list(reversed(started)))


def _echo_calls(metadata: workloads.Metadata) -> Callable[[list[grpc.aio.Channel]], Call]:
    return lambda channels: workloads.echo(channels, metadata)


def measure_stack(
    running: stack.Stack, plan: Plan, label: str, server: Sequence[Metered] = (), *, bulkhead: bool = False
) -> tuple[Phases, dict[str, Any]]:
    """Reads, submits and lifecycles on one running stack (and its database `server`, whose CPU
    counts as the stack's), then with `bulkhead` reads while approval hangs; also how long each
    backlog took to drain."""
    processes_only = list(running.children.values())
    children: list[Metered] = [*processes_only, *server]
    users = [*people.SUBMIT_CLERKS, *people.REVIEWERS.values()]
    bearer = {user.user_id: running.bearer(user.user_id) for user in users}
    clerk = people.SUBMIT_CLERKS[0]
    direct = running.identity(clerk, frozenset({"clerk"}))
    drains: dict[str, float] = {"before_reads": processes.wait_quiet(children)}
    phases: Phases = {
        "read_direct": _closed(
            plan,
            f"read direct ({label})",
            running.address("acceptance"),
            lambda ch: workloads.catalogue_read(ch, direct),
            concurrency=plan.read_concurrency,
            children=[running.children["acceptance"], *server],
        ),
        "read_gateway": _closed(
            plan,
            f"read via gateway ({label})",
            running.gateway,
            lambda ch: workloads.catalogue_read(ch, bearer[clerk.user_id]),
            concurrency=plan.read_concurrency,
            children=children,
        ),
    }
    phases["submit_saturation"] = _closed(
        plan,
        f"submit saturation ({label})",
        running.gateway,
        lambda ch: workloads.submit(ch, bearer),
        concurrency=plan.submit_concurrency,
        children=children,
    )
    drains["after_submit_saturation"] = processes.wait_quiet(children)
    for callers in plan.submit_scaling:
        phases[f"submit_at_{callers}"] = _closed(
            plan,
            f"submit, {callers} in flight ({label})",
            running.gateway,
            lambda ch: workloads.submit(ch, bearer),
            concurrency=callers,
            children=children,
        )
        drains[f"after_submit_at_{callers}"] = processes.wait_quiet(children)
    rate = max(phases["submit_saturation"].qps / 2, 1.0)

    async def half(channels: list[grpc.aio.Channel]) -> PhaseResult:
        return await open_loop(
            f"submit half load ({label})",
            workloads.submit(channels, bearer),
            rate=rate,
            warmup_s=plan.warmup_s,
            duration_s=plan.duration_s,
            children=children,
        )

    phases["submit_half_load"] = asyncio.run(_over(running.gateway, half))
    drains["after_submit_half_load"] = processes.wait_quiet(children)
    lifecycles, calls = _lifecycles(running, plan, label, bearer, children, processes_only)
    phases["lifecycles"] = lifecycles
    if bulkhead:
        drains["before_bulkhead"] = processes.wait_quiet(children)
        reviewer = people.REVIEWERS["NJ"].user_id
        phases.update(_approval_hung(running, plan, label, bearer[clerk.user_id], bearer[reviewer]))
    return phases, {"drain_s": drains, "lifecycle_calls": calls}


def _approval_hung(
    running: stack.Stack, plan: Plan, label: str, clerk: workloads.Metadata, reviewer: workloads.Metadata
) -> Phases:
    """Catalogue reads through the gateway while approval is stopped (SIGSTOP: its port still
    accepts connections, nothing answers) and `hung_callers` reviewers' calls wait on it."""
    approval = running.children["approval"].process

    async def both(channels: list[grpc.aio.Channel]) -> tuple[PhaseResult, PhaseResult]:
        hung = closed_loop(
            f"inbox, approval hung ({label})",
            workloads.inbox(channels, reviewer, plan.hung_deadline_s),
            concurrency=plan.hung_callers,
            warmup_s=plan.warmup_s,
            duration_s=plan.duration_s,
        )
        reads = closed_loop(
            f"read via gateway, approval hung ({label})",
            workloads.catalogue_read(channels, clerk),
            concurrency=plan.read_concurrency,
            warmup_s=plan.warmup_s,
            duration_s=plan.duration_s,
            children=[running.children["gateway"], running.children["acceptance"]],
        )
        return await asyncio.gather(reads, hung)

    approval.send_signal(signal.SIGSTOP)
    try:
        reads, hung = asyncio.run(_over(running.gateway, both))
    finally:
        approval.send_signal(signal.SIGCONT)
    return {"read_gateway_approval_hung": reads, "inbox_approval_hung": hung}


def _lifecycles(
    running: stack.Stack,
    plan: Plan,
    label: str,
    bearer: dict[str, workloads.Metadata],
    children: list[Metered],
    python_processes: list[Child],
    profile_dir: Path | None = None,
    at_window_start: Callable[[], object] | None = None,
) -> tuple[PhaseResult, dict[str, float]]:
    holder: dict[str, Driver] = {}
    recorders: list[subprocess.Popen[bytes]] = []

    def sample_measured_window() -> None:
        """py-spy on every process, over the measured window only."""
        if at_window_start is not None:
            at_window_start()
        if profile_dir is not None:
            recorders.extend(profiling.start(python_processes, plan.lifecycle_duration_s, profile_dir))

    async def measure(channels: list[grpc.aio.Channel]) -> PhaseResult:
        driver = holder["driver"] = Driver(channels, bearer)
        return await closed_loop(
            f"lifecycles ({label})",
            driver.call(),
            concurrency=plan.lifecycles_in_flight,
            warmup_s=plan.lifecycle_warmup_s,
            duration_s=plan.lifecycle_duration_s,
            children=children,
            ramp_s=plan.lifecycle_warmup_s / 2,
            warm_calls=plan.lifecycles_in_flight,
            max_warmup_s=plan.lifecycle_max_warmup_s,
            cancel_at_end=True,
            on_window_start=sample_measured_window,
        )

    result = asyncio.run(_over(running.gateway, measure))
    if profile_dir is not None:
        profiling.finish(recorders, profile_dir)
    counts = holder["driver"].counts
    done = max(counts.completed, 1)
    calls = {
        "writes_per_lifecycle": counts.writes / done,
        "reads_per_lifecycle": counts.reads / done,
        "polls_missed_per_lifecycle": counts.polls_missed / done,
    }
    return result, {k: round(v, 2) for k, v in calls.items()}


def profile_run(var_dir: Path, plan: Plan, out_dir: Path | None) -> tuple[PhaseResult, dict[str, float]]:
    """Only the SQLite lifecycle phase, on a fresh stack, with py-spy on every process (none
    without `out_dir`)."""
    shutil.rmtree(var_dir, ignore_errors=True)
    env = stack.prepare(var_dir)
    with stack.running(var_dir, env) as running:
        children, bearer = _ready_for_lifecycles(running)
        return _lifecycles(running, plan, "SQLite, profiled", bearer, list(children), children, out_dir)


def writer_turns_run(var_dir: Path, plan: Plan) -> dict[str, Any]:
    """Only the SQLite lifecycle phase, on a fresh stack, every service timing its turns at the
    SQLite write lock (bench/writer_turns.py) over the measured window."""
    shutil.rmtree(var_dir, ignore_errors=True)
    folder = var_dir / "writer-turns"
    env = process_sums.instrumented(stack.prepare(var_dir), writer_turns.VARIABLE, folder)
    opened: dict[str, Any] = {}

    def window_opens() -> None:
        opened.update(sums=process_sums.per_service(folder), at=time.monotonic())

    with stack.running(var_dir, env) as running:
        children, bearer = _ready_for_lifecycles(running)
        phase, calls = _lifecycles(
            running,
            plan,
            "SQLite, writer turns",
            bearer,
            list(children),
            children,
            at_window_start=window_opens,
        )
        window = writer_turns.Window(
            before=opened["sums"],
            after=process_sums.per_service(folder),
            wall_s=time.monotonic() - opened["at"],
            lifecycles_per_s=phase.qps,
        )
    return {**writer_turns.figures(window), "calls_per_lifecycle": calls, "cores": phase.cpu_cores}


def _ready_for_lifecycles(running: stack.Stack) -> tuple[list[Child], dict[str, workloads.Metadata]]:
    """The stack's processes once idle, and the tokens of the people a lifecycle needs."""
    children = list(running.children.values())
    users = [*people.TOWNSHIP_CLERKS, *people.REVIEWERS.values()]
    bearer = {user.user_id: running.bearer(user.user_id) for user in users}
    processes.wait_quiet(children)
    return children, bearer


def statements_run(var_dir: Path, plan: Plan, lifecycles: int = 200) -> dict[str, dict[str, int]]:
    """`lifecycles` whole lifecycles on SQLite (50 in flight), every process counting its SQL
    statements (bench/statements/): the counts from an idle stack to an idle stack again, every
    event delivered, per service and kind."""
    shutil.rmtree(var_dir, ignore_errors=True)
    folder = var_dir / "statements"
    env = statement_counts.counting(stack.prepare(var_dir), folder)
    with stack.running(var_dir, env) as running:
        children, bearer = _ready_for_lifecycles(running)
        before = statement_counts.read(folder)

        async def every_lifecycle(channels: list[grpc.aio.Channel]) -> None:
            one = Driver(channels, bearer).call()
            gate = asyncio.Semaphore(plan.lifecycles_in_flight)

            async def bounded(number: int) -> None:
                async with gate:
                    await one(number)

            await asyncio.gather(*(bounded(number) for number in range(lifecycles)))

        asyncio.run(_over(running.gateway, every_lifecycle))
        processes.wait_quiet(children)
        return statement_counts.difference(statement_counts.read(folder), before)


def on_stack(
    var_dir: Path,
    plan: Plan,
    label: str,
    database_url: str = "",
    server: Sequence[Metered] = (),
    *,
    bulkhead: bool = False,
) -> tuple[Phases, dict[str, Any]]:
    """Set up a fresh stack in `var_dir`, measure it, stop it."""
    shutil.rmtree(var_dir, ignore_errors=True)
    env = stack.prepare(var_dir, database_url)
    with stack.running(var_dir, env) as running:
        return measure_stack(running, plan, label, server, bulkhead=bulkhead)


def echo_run(var_dir: Path, plan: Plan) -> Phases:
    shutil.rmtree(var_dir, ignore_errors=True)
    env = stack.prepare(var_dir)
    return measure_echo(var_dir, env, plan)


def peer_run(var_dir: Path, plan: Plan) -> dict[str, Any]:
    """The SpiffWorkflow peer in its own process (its CPU is its own, as the services' are), with
    what the rest of the machine ran meanwhile (over the peer's whole run, start-up included)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    wall, machine = time.monotonic(), processes.machine_busy_seconds()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.peers.spiff",
            "--db",
            str(var_dir / "peer.db"),
            "--in-flight",
            str(plan.lifecycles_in_flight),
            "--warmup",
            str(plan.peer_warmup_s),
            "--duration",
            str(plan.peer_duration_s),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.monotonic() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peer_cores = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) / wall
    machine_cores = (processes.machine_busy_seconds() - machine) / wall
    figures: dict[str, Any] = json.loads(result.stdout)
    figures["machine_cores"] = round(machine_cores, 3)
    figures["others_cores"] = round(max(0.0, machine_cores - peer_cores), 3)
    return figures


def postgres_run(var_dir: Path, plan: Plan) -> tuple[Phases, dict[str, Any]]:
    with postgres.fresh_databases(stack.AREAS) as (url, prefix):
        return on_stack(var_dir, plan, "PostgreSQL", url, [processes.PostgresBackends(prefix)])
