"""A small TCP fault proxy for tests: put it between a client (the gateway) and a server.

Modes, switched at any time with `set_mode()`:
- PASS: bytes go through unchanged;
- LATENCY: every chunk is delayed by `latency` seconds each way (order kept, pipelined);
- RESET: every open connection is reset (RST, not FIN) and new ones are reset on accept;
- BLACKHOLE: connections are accepted but nothing goes through either way, as with a stopped
  (SIGSTOP) server; leaving it resets them, since their byte streams were cut mid-frame.

Threads, loopback only; a few connections at most (a gRPC channel keeps one).
"""

from __future__ import annotations

import contextlib
import enum
import queue
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

_CHUNK = 65536
_TICK = 0.05


class Mode(enum.Enum):
    PASS = "pass"
    LATENCY = "latency"
    RESET = "reset"
    BLACKHOLE = "blackhole"


def _reset(sock: socket.socket) -> None:
    """Close with RST: SO_LINGER on with a zero timeout."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


@dataclass
class Counts:
    accepted: int = 0
    resets: int = 0
    bytes_dropped: int = 0


@dataclass
class _Link:
    """One client connection and its upstream one (None while blackholed from the start)."""

    client: socket.socket
    upstream: socket.socket | None
    closed: threading.Event = field(default_factory=threading.Event)

    def close(self, *, reset: bool) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for sock in (self.client, self.upstream):
            if sock is not None:
                _reset(sock) if reset else sock.close()


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        host, _, port = upstream.rpartition(":")
        self._upstream = (host, int(port))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._mode = Mode.PASS
        self._latency = 0.0
        self._lock = threading.Lock()
        self._links: list[_Link] = []
        self._stopping = threading.Event()
        self.counts = Counts()
        self._acceptor = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def mode(self) -> Mode:
        return self._mode

    def start(self) -> FaultProxy:
        self._acceptor.start()
        return self

    def close(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._acceptor.join(5)
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close(reset=False)

    def set_mode(self, mode: Mode, *, latency: float = 0.0) -> None:
        with self._lock:
            previous, self._mode, self._latency = self._mode, mode, latency
            cut = mode is Mode.RESET or previous is Mode.BLACKHOLE
            links = list(self._links) if cut else []
            if cut:
                self._links = []
        for link in links:
            link.close(reset=True)
            self.counts.resets += 1

    # --- connections ------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([self._listener], [], [], _TICK)
                if not ready:
                    continue
                client, _ = self._listener.accept()
            except OSError:
                return
            self.counts.accepted += 1
            self._open(client)

    def _open(self, client: socket.socket) -> None:
        mode = self._mode
        if mode is Mode.RESET:
            _reset(client)
            self.counts.resets += 1
            return
        upstream = None
        if mode is not Mode.BLACKHOLE:
            try:
                upstream = socket.create_connection(self._upstream, timeout=2)
            except OSError:
                _reset(client)
                self.counts.resets += 1
                return
        link = _Link(client, upstream)
        with self._lock:
            self._links.append(link)
        if upstream is None:
            threading.Thread(target=self._swallow, args=(link,), daemon=True).start()
            return
        for source, sink in ((client, upstream), (upstream, client)):
            delayed: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
            threading.Thread(target=self._read, args=(link, source, delayed), daemon=True).start()
            threading.Thread(target=self._write, args=(link, sink, delayed), daemon=True).start()

    def _read(self, link: _Link, source: socket.socket, out: queue.Queue[tuple[float, bytes] | None]) -> None:
        try:
            while not link.closed.is_set():
                ready, _, _ = select.select([source], [], [], _TICK)
                if not ready:
                    continue
                data = source.recv(_CHUNK)
                if not data:
                    break
                if self._mode is Mode.BLACKHOLE:
                    self.counts.bytes_dropped += len(data)
                    continue
                out.put((time.monotonic() + self._latency, data))
        except (OSError, ValueError):
            pass
        out.put(None)

    def _write(
        self, link: _Link, sink: socket.socket, delayed: queue.Queue[tuple[float, bytes] | None]
    ) -> None:
        try:
            while (item := delayed.get()) is not None:
                due, data = item
                if (wait := due - time.monotonic()) > 0:
                    time.sleep(wait)
                if self._mode is Mode.BLACKHOLE:
                    self.counts.bytes_dropped += len(data)
                    continue
                sink.sendall(data)
        except (OSError, ValueError):
            pass
        self._forget(link)

    def _swallow(self, link: _Link) -> None:
        """A connection accepted in BLACKHOLE mode: read and drop until it is reset."""
        try:
            while not link.closed.is_set():
                ready, _, _ = select.select([link.client], [], [], _TICK)
                if ready and not (data := link.client.recv(_CHUNK)):
                    break
                if ready:
                    self.counts.bytes_dropped += len(data)
        except (OSError, ValueError):
            pass
        self._forget(link)

    def _forget(self, link: _Link) -> None:
        with self._lock:
            if link in self._links:
                self._links.remove(link)
        link.close(reset=False)
