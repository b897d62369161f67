"""What every fault test checks afterwards, from the services' own databases (read-only):
each acknowledged case exists once, with the case number its client was given; no case came
from elsewhere; every outbox drained; each case reached approval and supervision once."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from tongban.acceptance.v1 import acceptance_pb2 as S

from tests.e2e.conftest import Stack
from tests.e2e.test_delivery_faults import (
    Databases,
    Tables,
    assert_reviewed_exactly_once,
    assert_supervision_saw_each_event_once,
    exactly_once,
)
from tests.faults.load import Load

SUBMIT = "SubmitApplication"
SERVICES = ("acceptance", "approval", "staff", "supervision")


@dataclass
class Books:
    """The four services' databases, SQLite files or PostgreSQL by URL template."""

    stack: Stack
    url_template: str = ""

    def tables(self, service: str) -> Tables:
        if self.url_template:
            return Tables(self.url_template.replace("{service}", service))
        return Tables(f"sqlite:///{self.stack.var_dir / f'{service}.db'}")

    @property
    def databases(self) -> Databases:
        return Databases.of(self.stack, self.url_template)

    def case_numbers(self) -> set[str]:
        return self.databases.case_numbers()

    def submissions(self, run: str) -> dict[str, str]:
        """request_id -> the case number stored with it, for this run's SubmitApplication keys."""
        rows = self.tables("acceptance").rows(
            f"SELECT request_id, result, failed FROM idempotency_keys "
            f"WHERE method = '{SUBMIT}' AND request_id LIKE '{run}-%'"
        )
        assert not [r for r in rows if r[2]], "a submission stored an error"
        return {str(r[0]): S.SubmitApplicationResponse.FromString(bytes(r[1])).case.case_no for r in rows}

    def undelivered(self) -> dict[str, int]:
        return {service: self.tables(service).undelivered() for service in SERVICES}

    def settled(self, cases: set[str]) -> bool:
        """Every outbox drained, every case reviewed in approval and seen by supervision."""
        if any(self.undelivered().values()):
            return False
        db = self.databases
        reviews = {c for (c,) in db.approval.rows("SELECT case_no FROM reviews")}
        seen = set(db.supervision_received("tongban.acceptance.v1.CaseAccepted"))
        return cases <= reviews and cases <= seen

    def wait_settled(self, cases: set[str], timeout: float = 180.0) -> float:
        """Bounded poll until settled; the seconds it took."""
        began = time.monotonic()
        while not self.settled(cases):
            if time.monotonic() - began > timeout:
                raise AssertionError(f"not settled after {timeout:.0f}s: undelivered {self.undelivered()}")
            time.sleep(0.5)
        return time.monotonic() - began


class Logs:
    """What the processes log from now on: a test checks no call failed unexpectedly (INTERNAL with
    a traceback) while faults were injected; lost connections and retries are expected."""

    def __init__(self, stack: Stack) -> None:
        self._folder = stack.var_dir / "log"
        self._start = {path.name: path.stat().st_size for path in self._folder.glob("*.log")}

    def since(self) -> dict[str, str]:
        with_text: dict[str, str] = {}
        for path in self._folder.glob("*.log"):
            with path.open("rb") as log:
                log.seek(self._start.get(path.name, 0))
                with_text[path.stem] = log.read().decode(errors="replace")
        return with_text

    def assert_no_unexpected_errors(self) -> None:
        found = {name: text.count("unexpected error in") for name, text in self.since().items()}
        assert not any(found.values()), f"calls ended INTERNAL (unexpected error) in {found}"

    def assert_no_tracebacks(self) -> None:
        found = {name: text.count("Traceback") for name, text in self.since().items()}
        assert not any(found.values()), f"tracebacks logged: {found}"


def assert_nothing_lost_or_doubled(books: Books, load: Load, before: set[str]) -> set[str]:
    """Each acknowledged request made exactly one case, the one its client was told; no other case."""
    told = dict(load.acked)
    assert len(told) == load.total, f"{len(told)} of {load.total} acknowledged"
    numbers = Counter(told.values())
    doubled = {n: c for n, c in numbers.items() if c > 1}
    assert not doubled, f"one case number given to several requests: {list(doubled)[:10]}"
    stored = books.submissions(load.run)
    assert stored == told, (
        f"stored keys {len(stored)} vs acknowledged {len(told)}; "
        f"differing {[k for k in told if stored.get(k) != told[k]][:10]}"
    )
    cases = set(told.values())
    exactly_once(sorted(books.case_numbers() - before), cases, "cases created at acceptance")
    return cases


def assert_events_exactly_once(books: Books, cases: set[str]) -> None:
    db = books.databases
    assert_reviewed_exactly_once(db, cases)
    assert_supervision_saw_each_event_once(db, cases, decided=False)
