"""Settings read from mounted files (Kubernetes Secrets and ConfigMaps), and the JSON log lines."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import TracerProvider
from pydantic import ValidationError

from services.common.logs import JsonFormatter
from services.common.settings import Settings


def test_database_url_comes_from_its_file_without_the_newline(tmp_path: Path) -> None:
    secret = tmp_path / "database-url"
    secret.write_text("postgresql+psycopg://tongban:s3cret@db:5432/tongban_{service}\n")
    settings = Settings(database_url_file=secret)
    assert (
        settings.database_url_for("approval")
        == "postgresql+psycopg://tongban:s3cret@db:5432/tongban_approval"
    )


def test_database_url_file_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "url"
    secret.write_text("postgresql+psycopg://db/x_{service}")
    monkeypatch.setenv("TONGBAN_DATABASE_URL_FILE", str(secret))
    assert Settings().database_url_for("staff") == "postgresql+psycopg://db/x_staff"


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "No such file"), ("\n", "is empty")],
)
def test_a_missing_or_empty_url_file_is_refused_by_name(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    secret = tmp_path / "database-url"
    if content is not None:
        secret.write_text(content)
    with pytest.raises(ValidationError, match=problem) as refused:
        Settings(database_url_file=secret)
    assert str(secret) in str(refused.value)


def test_url_and_url_file_together_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "database-url"
    secret.write_text("postgresql+psycopg://db/a")
    with pytest.raises(ValidationError, match="not both"):
        Settings(database_url="sqlite:///x.db", database_url_file=secret)


def test_calendar_folder_adds_its_toml_files_in_order(tmp_path: Path) -> None:
    folder = tmp_path / "calendar"
    folder.mkdir()
    for name in ["2028.toml", "2027.toml", "notes.txt", "2027.toml.example"]:
        (folder / name).write_text("")
    # What a mounted ConfigMap holds besides its keys: dot-named links and folders.
    (folder / "..data").mkdir()
    (folder / "..data" / "2027.toml").write_text("")
    explicit = tmp_path / "fix-2026.toml"
    settings = Settings(calendar_files=[explicit], calendar_dir=folder)
    assert settings.calendar_files == [explicit, folder / "2027.toml", folder / "2028.toml"]


def test_an_empty_calendar_folder_adds_nothing_and_a_missing_one_is_refused(tmp_path: Path) -> None:
    assert Settings(calendar_dir=tmp_path).calendar_files == []
    with pytest.raises(ValidationError, match="not a folder"):
        Settings(calendar_dir=tmp_path / "absent")


def _json_line(formatter: logging.Formatter, message: str, *args: object) -> dict[str, object]:
    record = logging.LogRecord("services.common.relay", logging.WARNING, __file__, 1, message, args, None)
    return json.loads(formatter.format(record))  # type: ignore[no-any-return]


def test_json_log_line_has_the_fields_and_keeps_chinese() -> None:
    line = _json_line(JsonFormatter("approval"), "投递失败 %s", "supervision")
    assert line["message"] == "投递失败 supervision"
    assert line["level"] == "WARNING"
    assert line["component"] == "approval"
    assert line["logger"] == "services.common.relay"
    assert str(line["time"]).endswith("+00:00")
    assert "trace_id" not in line


def test_json_log_line_names_the_active_trace() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("call") as span:
        line = _json_line(JsonFormatter("gateway"), "forwarded")
    assert line["trace_id"] == f"{span.get_span_context().trace_id:032x}"


def test_json_log_line_carries_the_traceback() -> None:
    formatter = JsonFormatter("staff")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    text = formatter.format(record)
    # One record, one line: the traceback's line breaks are escaped inside the JSON string.
    assert "\n" not in text
    assert "RuntimeError: boom" in json.loads(text)["exception"]
