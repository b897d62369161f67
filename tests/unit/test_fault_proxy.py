"""The tests' TCP fault proxy (tests/faults/proxy.py) does what each mode says, on loopback with
an echo server: bytes pass, are delayed, connections are reset, or nothing comes back."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from tests.faults.proxy import FaultProxy, Mode


@pytest.fixture
def proxy() -> Iterator[FaultProxy]:
    listener = socket.create_server(("127.0.0.1", 0))

    def echo(connection: socket.socket) -> None:
        # The proxy resets its upstream connections too: that ends the echo.
        with connection, contextlib.suppress(ConnectionResetError, BrokenPipeError):
            while data := connection.recv(4096):
                connection.sendall(data)

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=echo, args=(connection,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    started = FaultProxy(f"127.0.0.1:{listener.getsockname()[1]}").start()
    try:
        yield started
    finally:
        started.close()
        listener.close()


def connect(proxy: FaultProxy) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    client.settimeout(5)
    return client


def test_pass_and_latency(proxy: FaultProxy) -> None:
    with connect(proxy) as client:
        client.sendall(b"ping")
        assert client.recv(16) == b"ping"
        proxy.set_mode(Mode.LATENCY, latency=0.2)
        began = time.monotonic()
        client.sendall(b"slow")
        assert client.recv(16) == b"slow"
        # Delayed each way: at least the two latencies (a lower bound, never flaky).
        assert time.monotonic() - began >= 0.4


def test_reset_cuts_open_and_new_connections(proxy: FaultProxy) -> None:
    with connect(proxy) as client:
        client.sendall(b"ping")
        assert client.recv(16) == b"ping"
        proxy.set_mode(Mode.RESET)
        with pytest.raises(ConnectionResetError):
            client.sendall(b"again")
            client.recv(16)
    # A new connection is reset as soon as it is accepted (connect() itself may see it).
    with pytest.raises(ConnectionResetError), connect(proxy) as late:
        late.sendall(b"new")
        late.recv(16)


def test_blackhole_answers_nothing_until_it_ends(proxy: FaultProxy) -> None:
    proxy.set_mode(Mode.BLACKHOLE)
    with connect(proxy) as client:
        client.settimeout(0.5)
        client.sendall(b"anyone?")
        with pytest.raises(TimeoutError):
            client.recv(16)
        # Leaving the blackhole resets what it held; new connections pass again.
        proxy.set_mode(Mode.PASS)
        client.settimeout(5)
        with pytest.raises((ConnectionResetError, BrokenPipeError)):
            client.sendall(b"still there?")
            client.recv(16)
    with connect(proxy) as fresh:
        fresh.sendall(b"ping")
        assert fresh.recv(16) == b"ping"
