"""The rules are pluggy plugins: a third party's package installed beside the project adds a rule
that fires; configuration leaves rules out and sets their parameters; a misspelled hook or a bad
parameter stops the start-up naming the rule; every hook is documented and tested."""

from __future__ import annotations

import base64
import hashlib
import inspect
import subprocess
import sys
import textwrap
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select
from tongban.acceptance.v1 import events_pb2 as A

from services.common.calendar import WorkingCalendar
from services.common.clock import CHINA, FixedClock
from services.common.db import Database, tables_in
from services.supervision import hookspecs, models
from services.supervision.events import EventRecorder
from services.supervision.models import AlertRow
from services.supervision.rulebook import Rulebook, RuleLoadingError, read_rules_file
from services.supervision.supervising import Supervising
from tests.support import BUILT_IN_RULES, create_tables, envelope

BUILT_IN = BUILT_IN_RULES
HOOKS = [name for name, f in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("tongban_")]


def _package(root: Path, module: str, body: str) -> Path:
    """A distribution of its own (one module, an entry point in tongban.rules) as a wheel, which
    pip installs into a folder of its own: the project and its environment are not touched."""
    name, version = module.replace("_", "-"), "1.0"
    info = f"{module}-{version}.dist-info"
    files = {
        f"{module}.py": textwrap.dedent(body),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/entry_points.txt": f"[tongban.rules]\n{module} = {module}:ThirdPartyRule\n",
    }
    record = [f"{path},sha256={_digest(text.encode())},{len(text.encode())}" for path, text in files.items()]
    files[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    wheel = root / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    site = root / "site"
    pip = [
        sys.executable,
        "-m",
        "pip",
        "--disable-pip-version-check",
        "-q",
        "install",
        "--no-deps",
        "--no-index",
    ]
    subprocess.run([*pip, "--target", str(site), str(wheel)], check=True)
    return site


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


THIRD_PARTY = """
    from services.supervision.hookspecs import hookimpl
    from services.supervision.rule_types import Severity
    from services.supervision.rulebook import Rule


    class ThirdPartyRule(Rule):
        '''Every withdrawal is worth a look'''

        @hookimpl
        def tongban_rule_event(self, event, case):
            if event.type_name == "tongban.acceptance.v1.CaseWithdrawn" and case is not None:
                notice = Severity.ALERT_SEVERITY_NOTICE
                return [case.finding(self.name, "withdrawn", notice, "撤回：请回访申请人")]
            return None
"""

MISSPELLED = """
    from services.supervision.hookspecs import hookimpl
    from services.supervision.rulebook import Rule


    class ThirdPartyRule(Rule):
        '''A rule whose hook name has a typo'''

        @hookimpl
        def tongban_rule_evnet(self, event):
            return None
"""


def test_a_third_party_rule_installed_beside_the_project_fires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(_package(tmp_path, "county_extra_rule", THIRD_PARTY)))
    rules = Rulebook({})
    assert {r.name for r in rules.rules} == BUILT_IN | {"county_extra_rule"}
    db = Database(f"sqlite:///{tmp_path / 'supervision.db'}", tables_in(models))
    create_tables(db)
    clock = FixedClock(datetime(2026, 9, 28, 10, 0, tzinfo=CHINA))
    recorder = EventRecorder(Supervising(rules, WorkingCalendar.load(), clock))
    withdrawn = A.CaseWithdrawn(
        case=A.CaseRef(case_no="C1", site_code="320826101"), withdrawn_on="2026-09-28"
    )
    with db.transaction() as session:
        recorder.record(session, envelope(withdrawn, source="acceptance", aggregate_id="C1"))
    with db.reading() as session:
        [alert] = session.exec(select(AlertRow)).all()
    assert (alert.rule, alert.finding_key, alert.case_no) == ("county_extra_rule", "withdrawn", "C1")


def test_a_misspelled_hook_stops_the_start_up_naming_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(_package(tmp_path, "typo_rule", MISSPELLED)))
    with pytest.raises(RuleLoadingError, match=r"typo_rule.*tongban_rule_evnet"):
        Rulebook({})


def test_configuration_leaves_rules_out_and_sets_their_parameters(tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text("[rules.off_system]\nenabled = false\n\n[rules.time_limit]\norder_days = 5\n")
    rules = Rulebook(read_rules_file(rules_file))
    assert {r.name for r in rules.rules} == BUILT_IN - {"off_system"}
    [time_limit] = [r for r in rules.rules if r.name == "time_limit"]
    assert time_limit.parameters_json() == '{"order_days": 5}'


@pytest.mark.parametrize(
    ("configuration", "named"),
    [
        ({"time_limit": {"order_days": 0}}, "time_limit"),
        ({"time_limit": {"order_dayz": 3}}, "time_limit"),
        ({"no_such_rule": {}}, "no_such_rule"),
    ],
)
def test_a_bad_configuration_stops_the_start_up_naming_the_rule(
    configuration: dict[str, dict[str, object]], named: str
) -> None:
    with pytest.raises(RuleLoadingError, match=named):
        Rulebook(configuration)


def test_a_rules_file_that_is_not_tables_of_rules_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('rules = "time_limit"\n')
    with pytest.raises(RuleLoadingError, match="rules"):
        read_rules_file(bad)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    spec = getattr(hookspecs, hook)
    doc = inspect.getdoc(spec) or ""
    for parameter in inspect.signature(spec).parameters:
        assert f":param {parameter}:" in doc, f"{hook} does not document {parameter}"
    assert ":return:" in doc and "firstresult" in doc and "Implemented by" in doc, hook
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"`{hook}`" in readme, f"README's supervision rules section does not list {hook}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_implemented_by_a_built_in_rule_and_tested(hook: str) -> None:
    rules = Rulebook({})
    assert getattr(rules.pm.hook, hook).get_hookimpls(), f"no built-in rule implements {hook}"
    # The tests on a real server name the hooks each one exercises ("# Hooks: ...").
    tests = (Path(__file__).parents[1] / "contract" / "test_supervision_rules.py").read_text(encoding="utf-8")
    assert any(hook in line for line in tests.splitlines() if line.strip().startswith("# Hooks:")), hook


def test_the_conduct_rules_deductions_are_its_parameters() -> None:
    rules = Rulebook({"conduct": {"points": {"absent": 5}}})
    [conduct] = [r for r in rules.rules if r.name == "conduct"]
    assert conduct.parameters_json() == '{"points": {"absent": 5}}'
    with pytest.raises(RuleLoadingError, match="conduct"):
        Rulebook({"conduct": {"points": {"sleeping": 1}}})
