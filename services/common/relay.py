"""The relay: delivers a service's outbox rows to their destinations until acknowledged.

One worker thread per destination, so a destination that is down (each failure backs
off, exponentially with jitter) holds up no other. Within a destination, rows go out in
batches in position order, and never while an earlier event about the same aggregate is
still undelivered there.

PostgreSQL (several replicas): a batch is claimed with FOR UPDATE SKIP LOCKED and the
transaction is held while it is sent, so two workers never send the same row; it is
marked delivered in that transaction. SQLite (one process per database): the batch is
read, sent outside any write transaction, then marked delivered in a short one, so the
write lock is never held during a call. Either way a crash between sending and marking
means the batch is sent again, and the receiver's inbox drops the duplicates.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import grpc
from opentelemetry.instrumentation.grpc import client_interceptor
from opentelemetry.instrumentation.grpc.grpcext import intercept_channel
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select
from tongban.events.v1 import event_pb2, intake_pb2, intake_pb2_grpc

from services.common import delivery_tracing
from services.common.clock import Clock, SystemClock
from services.common.db import Database
from services.common.errors import database_unreachable
from services.common.identity import IDENTITY_HEADER, Caller, sign_identity
from services.common.metrics import relay_failures
from services.common.outbox import OutboxEvent

log = logging.getLogger(__name__)

# Builds the channel to one destination (tests and special transports); else an address.
ChannelFactory = Callable[[], grpc.Channel]
Target = str | ChannelFactory

# Spread deliveries over every replica the destination's name resolves to, and notice a
# restarted receiver within a second or two.
_CHANNEL_OPTIONS = (
    ("grpc.service_config", json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})),
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2000),
)


@dataclass(frozen=True)
class _Pending:
    position: int
    aggregate_id: str
    payload: bytes


class _NotDelivered(Exception):
    def __init__(self, count: int, code: grpc.StatusCode | None) -> None:
        super().__init__(f"{count} events not delivered")
        self.count = count
        self.code = code


@dataclass
class _Lane:
    """One destination's worker: its channel, its wake-up and its run of failures."""

    destination: str
    target: Target
    wake: threading.Event = field(default_factory=threading.Event)
    failures: int = 0
    channel: grpc.Channel | None = None
    stub: intake_pb2_grpc.EventIntakeServiceStub | None = None
    thread: threading.Thread | None = None


class Relay:
    """Delivers the outbox of `database` to `destinations` (service name -> address or channel factory)."""

    def __init__(
        self,
        database: Database,
        destinations: Mapping[str, Target],
        *,
        internal_key: bytes,
        source: str,
        batch_size: int = 100,
        poll_interval: float = 1.0,
        gather: float = 0.0,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        deadline: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        if batch_size < 1 or poll_interval <= 0 or min_backoff <= 0 or max_backoff < min_backoff:
            raise ValueError("relay: batch_size >= 1, poll_interval > 0, 0 < min_backoff <= max_backoff")
        self._db = database
        self._key = internal_key
        self._source = source
        self._failures = relay_failures()
        self._caller = Caller(user_id=f"service:{source}", site_code="", roles=frozenset({"service"}))
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._gather = gather
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._deadline = deadline
        self._clock = clock or SystemClock()
        self._random = random.Random()
        self._stopping = threading.Event()
        self._started = False
        self._lanes = [_Lane(name, target) for name, target in destinations.items()]

    @property
    def destinations(self) -> list[str]:
        return [lane.destination for lane in self._lanes]

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a relay is started once")
        self._started = True
        for lane in self._lanes:
            # The failures series exists from the start, at 0, for alert rules to watch.
            self._failures.add(0, {"tongban.service": self._source, "destination": lane.destination})
            lane.channel = _open(lane.target)
            lane.stub = intake_pb2_grpc.EventIntakeServiceStub(lane.channel)
            lane.thread = threading.Thread(
                target=self._run, args=(lane,), name=f"relay-{lane.destination}", daemon=True
            )
            lane.thread.start()

    def notify(self) -> None:
        """Look for new rows now (e.g. right after a commit) instead of at the next poll."""
        for lane in self._lanes:
            lane.wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop every worker, waiting up to `timeout` seconds in all; close the channels."""
        self._stopping.set()
        self.notify()
        deadline = None if timeout is None else time.monotonic() + timeout
        for lane in self._lanes:
            if lane.thread is not None:
                lane.thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        # Closing cancels a call still in flight: its batch stays undelivered, sent again later.
        for lane in self._lanes:
            if lane.channel is not None:
                lane.channel.close()

    # --- the worker ----------------------------------------------------------------------------

    def _run(self, lane: _Lane) -> None:
        while not self._stopping.is_set():
            # The commits right after the one that woke us join its batch.
            if self._gather:
                self._stopping.wait(self._gather)
            lane.wake.clear()
            try:
                delivered = self._deliver_batch(lane)
            except _NotDelivered as failure:
                self._failures.add(
                    failure.count, {"tongban.service": self._source, "destination": lane.destination}
                )
                code = failure.code.name if failure.code is not None else "no status"
                log.warning(
                    "relay %s -> %s: %d events not delivered (%s)",
                    self._source,
                    lane.destination,
                    failure.count,
                    code,
                )
                self._back_off(lane)
                continue
            except Exception as error:
                if database_unreachable(error):
                    # A database restart or failover: the batch goes again once it is back.
                    log.warning("relay %s -> %s: database unreachable", self._source, lane.destination)
                else:
                    # The database or the channel failed; SQL parameters are hidden by the engine.
                    log.exception("relay %s -> %s: delivery failed", self._source, lane.destination)
                self._back_off(lane)
                continue
            lane.failures = 0
            if delivered < self._batch_size:
                # Caught up: wait for the next poll, a notify() or stop().
                lane.wake.wait(self._poll_interval)

    def _back_off(self, lane: _Lane) -> None:
        lane.failures += 1
        ceiling = min(self._max_backoff, self._min_backoff * 2 ** min(lane.failures - 1, 30))
        # Jitter, so the replicas of a service do not all retry a recovered receiver at once.
        # Only stop() cuts a back-off short: notify() must not turn it into a tight loop.
        self._stopping.wait(self._random.uniform(ceiling / 2, ceiling))

    def _deliver_batch(self, lane: _Lane) -> int:
        """Send one batch to the lane's destination; the number of events delivered.

        Looking for rows is not traced (an idle relay would make a trace per poll); sending
        a batch is, in the trace of each event's case (services.common.delivery_tracing).
        """
        if self._db.is_sqlite:
            with suppress_instrumentation(), self._db.reading() as session:
                batch = self._claim(session, lane.destination, lock=False)
            if batch:
                with delivery_tracing.sending(lane.destination, [row.payload for row in batch]) as events:
                    self._send(lane, events)
                    with self._db.transaction() as session:
                        self._mark_delivered(session, batch)
            return len(batch)
        with self._db.transaction() as session:
            with suppress_instrumentation():
                batch = self._claim(session, lane.destination, lock=True)
            if batch:
                # Sent while the rows stay locked: no other worker can claim them meanwhile.
                with delivery_tracing.sending(lane.destination, [row.payload for row in batch]) as events:
                    self._send(lane, events)
                    self._mark_delivered(session, batch)
        return len(batch)

    def _claim(self, session: Session, destination: str, *, lock: bool) -> list[_Pending]:
        where = {"destination": destination, "batch_size": self._batch_size}
        found = session.exec(_CLAIM_LOCKED if lock else _CLAIM, params=where).all()
        rows = [_Pending(p, a, b) for p, a, b in found if p is not None]
        return _in_order(session, destination, rows)

    def _send(self, lane: _Lane, events: Sequence[event_pb2.Event]) -> None:
        assert lane.stub is not None, "started lanes have a stub"
        request = intake_pb2.DeliverEventsRequest(events=events)
        metadata = ((IDENTITY_HEADER, sign_identity(self._caller, self._key)),)
        try:
            reply = lane.stub.DeliverEvents(request, timeout=self._deadline, metadata=metadata)
        except grpc.RpcError as error:
            code = error.code() if isinstance(error, grpc.Call) else None
            raise _NotDelivered(len(events), code) from None
        if reply.duplicate_count or reply.rejected_count:
            # Redeliveries after a crash are expected; rejections need a look (the receiver logged why).
            log.warning(
                "relay %s -> %s: %d applied, %d already received, %d rejected",
                self._source,
                lane.destination,
                reply.applied_count,
                reply.duplicate_count,
                reply.rejected_count,
            )

    def _mark_delivered(self, session: Session, batch: Sequence[_Pending]) -> None:
        positions = [row.position for row in batch]
        session.exec(_DELIVERED, params={"positions": positions, "delivered_at": self._clock.now()})


# The relay's statements, run for every delivery: built once with bound parameters
# (bench/README.md, "Statements built once").
_UNDELIVERED = col(OutboxEvent.delivered_at).is_(None)
_CLAIM = (
    select(OutboxEvent.position, OutboxEvent.aggregate_id, OutboxEvent.payload)
    .where(col(OutboxEvent.destination) == bindparam("destination"), _UNDELIVERED)
    .order_by(col(OutboxEvent.position))
    .limit(bindparam("batch_size"))
)
_CLAIM_LOCKED = _CLAIM.with_for_update(skip_locked=True)
_EARLIER_PENDING = (
    select(OutboxEvent.position, OutboxEvent.aggregate_id)
    .where(
        col(OutboxEvent.destination) == bindparam("destination"),
        _UNDELIVERED,
        col(OutboxEvent.aggregate_id).in_(bindparam("aggregate_ids", expanding=True)),
        col(OutboxEvent.position) <= bindparam("last"),
    )
    .order_by(col(OutboxEvent.position))
)
_DELIVERED = (
    update(OutboxEvent)
    .where(col(OutboxEvent.position).in_(bindparam("positions", expanding=True)))
    .values(delivered_at=bindparam("delivered_at"))
    # No outbox row is ever loaded as an object here: nothing in the session to bring up to date.
    .execution_options(synchronize_session=False)
)


def _in_order(session: Session, destination: str, rows: list[_Pending]) -> list[_Pending]:
    """The rows that may go now: those with no earlier undelivered row of their aggregate left out.

    Rows left out are another worker's (locked, so skipped by the claim) or beyond the batch;
    an aggregate's rows after such a row wait for a later batch.
    """
    if not rows:
        return rows
    mine = {row.position for row in rows}
    where = {
        "destination": destination,
        "aggregate_ids": sorted({row.aggregate_id for row in rows}),
        "last": max(mine),
    }
    pending = session.exec(_EARLIER_PENDING, params=where).all()
    blocked: set[str] = set()
    ready: set[int] = set()
    for position, aggregate_id in pending:
        if aggregate_id in blocked:
            continue
        if position in mine:
            ready.add(position)
        else:
            blocked.add(aggregate_id)
    return [row for row in rows if row.position in ready]


def _open(target: Target) -> grpc.Channel:
    channel = grpc.insecure_channel(target, options=_CHANNEL_OPTIONS) if isinstance(target, str) else target()
    # A client span per call, carrying the trace context to the receiver (the process's provider).
    return intercept_channel(channel, client_interceptor())
