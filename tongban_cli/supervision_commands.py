"""What the inspectors' supervision subcommands do: alerts, acknowledging one, the record's
verification and the rules loaded (`tongban supervision events` is in commands.py)."""

from __future__ import annotations

import argparse

from tongban.supervision.v1 import supervision_pb2 as S

from tongban_cli import commands
from tongban_cli.client import ACKNOWLEDGE_ALERT, LIST_ALERTS, LIST_RULES, VERIFY_RECORD
from tongban_cli.render import supervision as render


def alerts(args: argparse.Namespace) -> int:
    text = commands._filter_text
    request = S.ListAlertsRequest(
        site_code=text(args.site, "--site"),
        department_code=text(args.department, "--department"),
        window_code=text(args.window, "--window"),
        user_id=text(args.person, "--person"),
        rule=text(args.rule, "--rule"),
        severity=args.severity or S.ALERT_SEVERITY_UNSPECIFIED,
        state=args.state or S.ALERT_STATE_UNSPECIFIED,
        case_no=text(args.case_no, "--case"),
        page_size=args.page_size or 0,
        page_token=args.page_token or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_ALERTS, request)
    return commands._emit(args, response, render.alerts(response))


def acknowledge(args: argparse.Namespace) -> int:
    request = S.AcknowledgeAlertRequest(alert_id=args.alert_id, note=args.note or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(ACKNOWLEDGE_ALERT, request)
    return commands._emit(args, response, render.acknowledged(response.alert))


def verify(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(VERIFY_RECORD, S.VerifyRecordRequest())
    commands._emit(args, response, render.verification(response))
    # A script checking the record fails when it was tampered with.
    return 0 if response.intact else 1


def rules(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_RULES, S.ListRulesRequest())
    return commands._emit(args, response, render.rules(response))
