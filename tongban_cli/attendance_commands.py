"""What the attendance subcommands do: check in and out (oneself), a site's day, closing a day."""

from __future__ import annotations

import argparse

from tongban.staff.v1 import attendance_pb2

from tongban_cli import commands
from tongban_cli.render import attendance as render
from tongban_cli.staff_rpcs import CHECK_IN, CHECK_OUT, CLOSE_DAY, LIST_ATTENDANCE


def check_in(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(CHECK_IN, attendance_pb2.CheckInRequest())
    return commands._emit(args, response, render.checked(response.record, checked_out=False))


def check_out(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(CHECK_OUT, attendance_pb2.CheckOutRequest())
    return commands._emit(args, response, render.checked(response.record, checked_out=True))


def day(args: argparse.Namespace) -> int:
    request = attendance_pb2.ListAttendanceRequest(site_code=args.site or "", day=args.day or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_ATTENDANCE, request)
    return commands._emit(args, response, render.day(response))


def close(args: argparse.Namespace) -> int:
    request = attendance_pb2.CloseDayRequest(site_code=args.site or "", day=args.day or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(CLOSE_DAY, request)
    return commands._emit(args, response, render.closed(response))
