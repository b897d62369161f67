"""`tongban` from any directory: it finds the local stack `make run` recorded in the user's
config directory; `tongban setup` makes no second key set beside a running one."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health, health_pb2_grpc

from gateway.tokens import TokenVerifier
from services.common.tokens import generate_keys
from tongban_cli import local, stack
from tongban_cli.children import Child
from tongban_cli.main import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME and config home, no TONGBAN_* variables, and a working directory that is
    not the repository (as for a clerk's shell in another directory)."""
    for name in ("TONGBAN_VAR_DIR", "TONGBAN_GATEWAY", "TONGBAN_TOKEN", "TONGBAN_WINDOW"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return tmp_path


def _stack_dir(root: Path) -> Path:
    """A run directory with the demo keys, as `make run` leaves it."""
    var_dir = root / "repo" / "var"
    generate_keys(var_dir / "keys", "demo-1")
    return var_dir


@pytest.fixture
def health_server() -> Iterator[str]:
    """Something answering the gRPC health check, as a running gateway does."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    health_pb2_grpc.add_HealthServicer_to_server(health.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield f"127.0.0.1:{port}"
    server.stop(None)


def test_the_config_file_lives_in_the_xdg_config_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert local.config_path() == home / "config" / "tongban" / "local.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert local.config_path() == home / "home" / ".config" / "tongban" / "local.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")  # invalid by the spec: ignored
    assert local.config_path() == home / "home" / ".config" / "tongban" / "local.json"


def test_a_token_from_another_directory_is_signed_with_the_running_stacks_keys(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    var_dir = _stack_dir(home)
    written = local.write(local.LocalRun(var_dir=var_dir, gateway="127.0.0.1:50051"))
    assert json.loads(written.read_text()) == {"var_dir": str(var_dir), "gateway": "127.0.0.1:50051"}
    assert main(["token", "clerk-gaogou"]) == 0
    token = capsys.readouterr().out.strip()
    caller = TokenVerifier(var_dir / "keys" / "public").verify(token)
    assert (caller.user_id, caller.site_code) == ("clerk-gaogou", "320826101")
    assert not Path("var").exists()  # nothing made here


def test_what_finds_the_stack_and_in_which_order(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (local.var_dir(None), local.gateway(None)) == (Path("var"), "127.0.0.1:50051")
    local.write(local.LocalRun(var_dir=home / "repo" / "var", gateway="127.0.0.1:6000"))
    assert (local.var_dir(None), local.gateway(None)) == (home / "repo" / "var", "127.0.0.1:6000")
    monkeypatch.setenv("TONGBAN_VAR_DIR", "/srv/tongban")
    monkeypatch.setenv("TONGBAN_GATEWAY", "10.0.0.1:50051")
    assert (local.var_dir(None), local.gateway(None)) == (Path("/srv/tongban"), "10.0.0.1:50051")
    assert (local.var_dir("mine"), local.gateway("h:1")) == (Path("mine"), "h:1")
    # setup and up make a stack where they are told or here, never where the file points.
    monkeypatch.delenv("TONGBAN_VAR_DIR")
    assert local.here_var_dir(None) == Path("var")


def test_no_keys_anywhere_points_at_make_run(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "clerk-gaogou"]) == 1
    err = capsys.readouterr().err
    assert "make run" in err
    assert str(local.config_path()) in err
    assert "tongban setup" not in err  # that only made a second, useless key set


def test_a_damaged_config_file_is_named(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    local.config_path().parent.mkdir(parents=True)
    local.config_path().write_text("{not json")
    assert main(["token", "clerk-gaogou"]) == 1
    err = capsys.readouterr().err
    assert str(local.config_path()) in err and "make run" in err


def test_setup_refuses_a_second_key_set_beside_a_running_stack(
    home: Path, health_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    var_dir = _stack_dir(home)
    local.write(local.LocalRun(var_dir=var_dir, gateway=health_server))
    assert main(["setup"]) == 1
    err = capsys.readouterr().err
    assert "正在运行" in err and str(var_dir) in err and health_server in err
    assert "tongban token clerk-gaogou" in err and "Ctrl-C" in err and "make run" in err
    assert not Path("var").exists()


def test_setup_beside_keys_that_exist_or_a_stopped_stack_is_allowed(home: Path) -> None:
    var_dir = _stack_dir(home)
    local.write(local.LocalRun(var_dir=var_dir, gateway="127.0.0.1:9"))  # nothing answers
    stack.refuse_second_key_set(Path("var"))
    stack.refuse_second_key_set(var_dir)  # the running stack's own directory


def test_up_records_where_the_stack_runs(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No ports bound: the first child "fails" at once, after the config is written.
    monkeypatch.setattr(stack, "ports_in_use", lambda _ports: [])
    monkeypatch.setattr(stack, "setup", lambda _var_dir: None)

    def failing(name: str, _module: str, address: str, log_path: Path, _env: dict[str, str]) -> Child:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(4)"])
        return Child(name, address, process, log_path)

    monkeypatch.setattr(stack, "start", failing)
    assert main(["up"]) == 1
    recorded = local.read()
    assert recorded == local.LocalRun(
        var_dir=(home / "elsewhere" / "var").resolve(), gateway="127.0.0.1:50051"
    )
