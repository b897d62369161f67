"""A newcomer's terminal: one bash, after `source .venv/bin/activate`, into which the README's
commands are typed one after another, so what one exports (TONGBAN_TOKEN) the next one has.

The environment is what a person has, not the test's: a home of their own, PATH without the
virtualenv until `activate` puts it there, a UTF-8 locale, and only the two variables that
point `tongban` at the test's stack instead of the one `make run` recorded (TONGBAN_VAR_DIR,
TONGBAN_GATEWAY), as the README's Quick start describes. Nothing of the test process leaks in
(its TONGBAN_* settings, OTEL_* exporters). It runs in its own directory, not the repository:
the README says `tongban` works from any directory.
"""

from __future__ import annotations

import os
import queue
import shlex
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

COMMAND_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Typed:
    output: str  # stdout and stderr as a terminal shows them, interleaved
    status: int


def newcomer_environment(*, home: Path, config_home: Path, var_dir: Path, gateway: str) -> dict[str, str]:
    # The virtualenv running the tests: on PATH only once `activate` puts it there.
    venv_bin = os.path.realpath(Path(sys.executable).parent)
    path = [
        p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if os.path.realpath(p) != venv_bin
    ]
    return {
        "HOME": str(home),
        "PATH": os.pathsep.join(path),
        "LANG": "C.UTF-8",
        "XDG_CONFIG_HOME": str(config_home),
        "TONGBAN_VAR_DIR": str(var_dir),
        "TONGBAN_GATEWAY": gateway,
        # The stack's clock file, which the README has the newcomer export before `make run`
        # (Quick start) so the inspector's session can move time.
        "TONGBAN_CLOCK_FILE": str(var_dir / "clock"),
        # A terminal makes Python's stdout line-buffered; through a pipe it would be buffered
        # whole and land after stderr, an order no person sees.
        "PYTHONUNBUFFERED": "1",
    }


class Terminal:
    """A bash reading commands from a pipe, its output read back up to a marker per command."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self._process = subprocess.Popen(
            ["bash", "--norc", "--noprofile"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
        )
        self._lines: queue.Queue[bytes] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line)
        self._lines.put(b"")  # bash has gone

    def type(self, command: str, timeout: float = COMMAND_TIMEOUT_SECONDS) -> Typed:
        """Run one command as typed at the prompt and wait for it to finish."""
        marker = f"readme-command-done-{uuid.uuid4().hex}"
        # A group runs in this shell, so `export` persists; stdin from /dev/null, so a command
        # that reads its input cannot swallow the commands typed after it.
        script = f"{{\n{command}\n}} </dev/null\necho {marker} $?\n"
        assert self._process.stdin is not None
        self._process.stdin.write(script.encode())
        self._process.stdin.flush()
        output = bytearray()
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no answer within {timeout:.0f} s to: {command}\n{output.decode(errors='replace')}"
                ) from None
            if not line:
                raise AssertionError(
                    f"bash exited while running: {command}\n{output.decode(errors='replace')}"
                )
            before, found, after = line.partition(marker.encode())
            output += before
            if found:
                return Typed(output.decode(errors="replace"), int(after.split()[0]))

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@contextmanager
def terminal(env: dict[str, str], cwd: Path, activate: Path) -> Iterator[Terminal]:
    """A newcomer's terminal in `cwd`, after `source <activate>`."""
    opened = Terminal(env, cwd)
    try:
        activated = opened.type(f"source {shlex.quote(str(activate))}")
        assert activated.status == 0 and not activated.output, f"source {activate}: {activated.output}"
        yield opened
    finally:
        opened.close()
