"""The gateway's health for each backend service says whether that backend answers.

A watcher asks every backend's grpc.health.v1 service every few seconds, with a short deadline,
and sets the gateway's health of that backend's services to SERVING or NOT_SERVING; the gateway's
own health ("" and "gateway") stays SERVING while the gateway itself runs. A readiness probe can
then depend on the backends it needs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
CHECK_DEADLINE = 1.0


class BackendHealth:
    """A worker of the gateway's server: started and stopped with it."""

    def __init__(
        self,
        set_status: Callable[[str, health_pb2.HealthCheckResponse.ServingStatus.ValueType], None],
        channels: Mapping[str, grpc.Channel],
        services_of: Mapping[str, Sequence[str]],
        *,
        interval: float = CHECK_SECONDS,
    ) -> None:
        self._set_status = set_status
        self._stubs = {area: health_pb2_grpc.HealthStub(channel) for area, channel in channels.items()}
        self._services_of = services_of
        self._interval = interval
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backend-health", daemon=True)
        self._serving: dict[str, bool] = {}

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def check_once(self) -> None:
        for area, stub in self._stubs.items():
            serving = self._answers(stub)
            if self._serving.get(area) != serving:
                log.log(
                    logging.INFO if serving else logging.WARNING,
                    "backend %s %s",
                    area,
                    "serving" if serving else "not answering",
                )
            self._serving[area] = serving
            status = (
                health_pb2.HealthCheckResponse.SERVING
                if serving
                else health_pb2.HealthCheckResponse.NOT_SERVING
            )
            for name in self._services_of.get(area, ()):
                self._set_status(name, status)

    def _answers(self, stub: health_pb2_grpc.HealthStub) -> bool:
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=CHECK_DEADLINE)
        except grpc.RpcError:
            return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.check_once()
            self._stopping.wait(self._interval)
