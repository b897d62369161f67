"""The load generator: grpc.aio coroutines in this one process, closed loop or open loop.

grpc.aio rather than threads: one event loop drives hundreds of calls in flight without a
thread each, so the generator spends its CPU on gRPC's own work, not on the GIL and thread
switches (its CPU is measured and reported with every phase, see `CpuMeter`).

- closed loop: `concurrency` workers, each starts its next call when the last one answered
  (saturation: the most the system does with that many callers);
- open loop: calls start on a fixed schedule whatever the answers (a fixed offered load);
  latency counts from the scheduled start, so a stall is not hidden by the generator waiting
  for it (no coordinated omission).
Only calls that finish inside the measured window count; a warm-up comes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc

from bench.processes import CpuMeter, Metered

# One call of a workload; the int is the worker (closed loop) or the arrival number (open loop).
Call = Callable[[int], Awaitable[Any]]


@dataclass
class PhaseResult:
    name: str
    calls: int
    errors: int
    wall_s: float
    qps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    concurrency: int = 0
    offered_qps: float = 0.0
    # The warm-up this phase actually had (longer than planned when it waited for `warm_calls`).
    warmup_s: float = 0.0
    error_codes: dict[str, int] = field(default_factory=dict)
    # Cores used during the measured window, per process; "loadgen" is this process.
    cpu_cores: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


class _Recorder:
    """Completions inside [start, end) of the measured window; errors by status code."""

    def __init__(self, warm_calls: int = 0) -> None:
        self.start = math.inf
        self.end = math.inf
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        # Set once `warm_calls` calls have finished, counted from the first.
        self.warm = asyncio.Event()
        self._warm_calls = warm_calls
        self._finished = 0

    def record(self, began: float, finished: float, error: str | None) -> None:
        self._finished += 1
        if self._finished >= self._warm_calls:
            self.warm.set()
        if not self.start <= finished < self.end:
            return
        if error is None:
            self.latencies.append(finished - began)
        else:
            self.errors[error] += 1

    def result(self, name: str, cpu: dict[str, float], warmed_s: float, **extra: Any) -> PhaseResult:
        wall = self.end - self.start
        ordered = sorted(self.latencies)
        ms = [value * 1000 for value in ordered]
        return PhaseResult(
            name=name,
            calls=len(ordered),
            errors=sum(self.errors.values()),
            wall_s=wall,
            qps=len(ordered) / wall,
            p50_ms=percentile(ms, 0.50),
            p90_ms=percentile(ms, 0.90),
            p99_ms=percentile(ms, 0.99),
            max_ms=ms[-1] if ms else 0.0,
            error_codes=dict(self.errors),
            cpu_cores={k: round(v, 3) for k, v in cpu.items() if k != "wall_s"},
            warmup_s=warmed_s,
            **extra,
        )


async def _timed(call: Call, number: int, began: float, recorder: _Recorder) -> None:
    error: str | None = None
    try:
        await call(number)
    except grpc.aio.AioRpcError as failed:
        error = failed.code().name
    except Exception as failed:  # a workload's own check failed: count it, keep the load going
        error = type(failed).__name__
    recorder.record(began, time.perf_counter(), error)


async def _measure_window(
    recorder: _Recorder,
    children: Sequence[Metered],
    warmup_s: float,
    duration_s: float,
    max_warmup_s: float = 0.0,
    on_window_start: Callable[[], object] | None = None,
) -> tuple[dict[str, float], float]:
    """Warm up for `warmup_s`, and on until the recorder is warm (at most `max_warmup_s`), then
    measure for `duration_s`; the cores used meanwhile, and the warm-up it took."""
    began = time.perf_counter()
    await asyncio.sleep(warmup_s)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(recorder.warm.wait(), timeout=max(0.0, max_warmup_s - warmup_s))
    recorder.start = time.perf_counter()
    recorder.end = recorder.start + duration_s
    meter = CpuMeter(children)
    if on_window_start is not None:
        on_window_start()
    await asyncio.sleep(duration_s)
    return meter.read(), recorder.start - began


async def closed_loop(
    name: str,
    call: Call,
    *,
    concurrency: int,
    warmup_s: float,
    duration_s: float,
    children: Sequence[Metered] = (),
    ramp_s: float = 0.0,
    warm_calls: int = 0,
    max_warmup_s: float = 60.0,
    cancel_at_end: bool = False,
    on_window_start: Callable[[], object] | None = None,
) -> PhaseResult:
    """`concurrency` callers back to back for warm-up + duration; counts the measured window.

    For long calls such as whole lifecycles: `ramp_s` spreads the callers' starts (so they do
    not all start, and finish, in one wave); `warm_calls` stretches the warm-up until that many
    calls have finished (steady state: a fixed warm-up shorter than one call would measure the
    first wave's start-up); `cancel_at_end` abandons the calls still running when the window
    closes instead of waiting for them (none of them would count). `on_window_start` is called
    as the measured window opens (e.g. to start a profiler)."""
    recorder = _Recorder(warm_calls)
    stopping = False

    async def worker(number: int) -> None:
        await asyncio.sleep(ramp_s * number / concurrency)
        while not stopping:
            await _timed(call, number, time.perf_counter(), recorder)

    workers = [asyncio.create_task(worker(n)) for n in range(concurrency)]
    cpu, warmed = await _measure_window(
        recorder, children, warmup_s, duration_s, max_warmup_s, on_window_start
    )
    stopping = True
    if cancel_at_end:
        for task in workers:
            task.cancel()
    # Otherwise calls still in flight finish on their own (their deadline bounds them).
    await asyncio.gather(*workers, return_exceptions=cancel_at_end)
    return recorder.result(name, cpu, warmed, concurrency=concurrency)


async def open_loop(
    name: str,
    call: Call,
    *,
    rate: float,
    warmup_s: float,
    duration_s: float,
    children: Sequence[Metered] = (),
    max_in_flight: int = 1000,
) -> PhaseResult:
    """Start `rate` calls a second on schedule; latency from each call's scheduled start."""
    recorder = _Recorder()
    window = asyncio.create_task(_measure_window(recorder, children, warmup_s, duration_s, warmup_s))
    in_flight: set[asyncio.Task[None]] = set()
    begin = time.perf_counter()
    total = int(rate * (warmup_s + duration_s))
    skipped = 0
    for number in range(total):
        due = begin + number / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if len(in_flight) >= max_in_flight:
            skipped += 1  # the system is this far behind: the offered load is not being served
            continue
        task = asyncio.create_task(_timed(call, number, due, recorder))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    cpu, warmed = await window
    await asyncio.gather(*in_flight)
    result = recorder.result(name, cpu, warmed, offered_qps=rate)
    if skipped:
        result.error_codes["NOT_SENT_BACKLOG"] = skipped
    return result
