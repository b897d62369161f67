"""The rules a supervision process runs: loaded from the entry-point group ``tongban.rules``
(built-in and third-party alike), configured from the rules file, checked at start-up.

An entry point names a rule class: it is made with its name and the parameters of its
``[rules.<name>]`` table (``Rule.Parameters`` validates them). ``enabled = false`` leaves a rule
out; a table naming no installed rule, a bad parameter, or a hook implementation that matches
no hook specification stops the start-up with the rule's name.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar

import pluggy
from pydantic import BaseModel, ConfigDict, ValidationError

from services.common.calendar import WorkingCalendar
from services.supervision import hookspecs
from services.supervision.rule_types import Finding, ReceivedEvent, WatchedCase

GROUP = "tongban.rules"


class RuleLoadingError(Exception):
    """The rules cannot run as configured; the message names the rule."""


class NoParameters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Rule:
    """Base of a rule plugin: its name (the entry point's) and its validated parameters.
    Subclasses set ``Parameters`` to their own model and implement hooks with ``@hookimpl``."""

    Parameters: ClassVar[type[BaseModel]] = NoParameters

    def __init__(self, name: str, parameters: Mapping[str, Any]) -> None:
        self.name = name
        self.parameters = self.Parameters.model_validate(dict(parameters))

    @classmethod
    def title(cls) -> str:
        return (cls.__doc__ or cls.__name__).strip().splitlines()[0]


@dataclass(frozen=True)
class LoadedRule:
    name: str
    title: str
    parameters: BaseModel

    def parameters_json(self) -> str:
        return json.dumps(self.parameters.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def read_rules_file(path: Path | None) -> dict[str, dict[str, Any]]:
    """The ``[rules.<name>]`` tables of the rules file (none without a file)."""
    if path is None:
        return {}
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RuleLoadingError(
            f"规则配置文件无法读取 / cannot read the rules file {path}: {error}"
        ) from error
    tables = data.get("rules", {})
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise RuleLoadingError(f"{path}: 规则配置应为 [rules.<规则名>] 表 / expected [rules.<name>] tables")
    return {name: dict(table) for name, table in tables.items()}


class Rulebook:
    """The loaded rules and the calls supervision makes to them."""

    def __init__(self, configuration: Mapping[str, Mapping[str, Any]], *, group: str = GROUP) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.rules: list[LoadedRule] = []
        found = {ep.name: ep for ep in entry_points(group=group)}
        unknown = sorted(set(configuration) - set(found))
        if unknown:
            raise RuleLoadingError(
                f"配置了未安装的规则 / rules configured but not installed: {', '.join(unknown)}"
            )
        for name in sorted(found):
            settings = dict(configuration.get(name, {}))
            if not settings.pop("enabled", True):
                continue
            self._register(name, found[name].load(), settings)
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as error:
            raise RuleLoadingError(
                f"规则 {self.pm.get_name(error.plugin)} 实现了不存在的钩子 / rule "
                f"{self.pm.get_name(error.plugin)}: {error}"
            ) from error

    def _register(self, name: str, factory: Any, settings: dict[str, Any]) -> None:
        if not (isinstance(factory, type) and issubclass(factory, Rule)):
            raise RuleLoadingError(f"规则 {name} 不是 Rule 的子类 / rule {name} is not a Rule subclass")
        try:
            rule = factory(name, settings)
        except ValidationError as error:
            raise RuleLoadingError(
                f"规则 {name} 的参数有误 / rule {name} has bad parameters: {error}"
            ) from error
        try:
            self.pm.register(rule, name=name)
        except pluggy.PluginValidationError as error:
            raise RuleLoadingError(
                f"规则 {name} 无法注册 / rule {name} cannot be registered: {error}"
            ) from error
        self.rules.append(LoadedRule(name, factory.title(), rule.parameters))

    # --- the calls ---------------------------------------------------------------------------

    def on_event(
        self, event: ReceivedEvent, case: WatchedCase | None, calendar: WorkingCalendar
    ) -> list[Finding]:
        return _flat(self.pm.hook.tongban_rule_event(event=event, case=case, calendar=calendar))

    def next_check(self, case: WatchedCase, calendar: WorkingCalendar) -> date | None:
        days = [d for d in self.pm.hook.tongban_rule_next_check(case=case, calendar=calendar) if d]
        return max(min(days), case.today) if days else None

    def sweep_case(self, case: WatchedCase, calendar: WorkingCalendar) -> list[Finding]:
        return _flat(self.pm.hook.tongban_rule_sweep_case(case=case, calendar=calendar))

    def sweep_day(self, today: date, calendar: WorkingCalendar) -> list[Finding]:
        return _flat(self.pm.hook.tongban_rule_sweep_day(today=today, calendar=calendar))


def _flat(answers: Iterable[list[Finding] | None]) -> list[Finding]:
    return [finding for answer in answers if answer for finding in answer]
