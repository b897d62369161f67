"""What the assessment subcommands do: record praise, print a site's assessment report."""

from __future__ import annotations

import argparse

from tongban.staff.v1 import assessment_pb2

from tongban_cli import commands
from tongban_cli.render import assessment as render
from tongban_cli.staff_commands import _enum
from tongban_cli.staff_rpcs import GET_ASSESSMENT, RECORD_PRAISE


def praise(args: argparse.Namespace) -> int:
    if not args.user and not args.window:
        raise commands.usage_error("请用 --user 指定人员或用 --window 指定窗口")
    request = assessment_pb2.RecordPraiseRequest(
        user_id=args.user or "",
        window_code=args.window or "",
        kind=_enum(assessment_pb2.PraiseKind, args.kind, "表扬类别"),  # type: ignore[arg-type]
        awarded_on=args.on or "",
        note=args.note or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(RECORD_PRAISE, request)
    return commands._emit(args, response, render.praise(response.praise))


def report(args: argparse.Namespace) -> int:
    request = assessment_pb2.GetAssessmentRequest(
        site_code=args.site or "", year=args.year, quarter=args.quarter or 0
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_ASSESSMENT, request)
    return commands._emit(args, response, render.report(response))
