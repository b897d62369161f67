"""What the staff subcommands do: signing in and out, passwords, the organisation, accounts and the
calendar (administrators and township officers). Each returns the exit code."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import grpc
from tongban.staff.v1 import accounts_pb2, calendar_pb2, leave_pb2, organisation_pb2

from services.common import labels
from services.common.calendar import CalendarFileError, read_calendar_file
from tongban_cli import commands, local, session
from tongban_cli.client import CliError
from tongban_cli.render import staff as render
from tongban_cli.render.refusals import describe_rpc_error
from tongban_cli.render.text import local_time
from tongban_cli.staff_rpcs import (
    CHANGE_PASSWORD,
    DECIDE_LEAVE,
    DISABLE_ACCOUNT,
    ENABLE_ACCOUNT,
    GET_CALENDAR_YEAR,
    GET_STAFF_MEMBER,
    GET_WINDOW_DUTY,
    LIST_LEAVE,
    LIST_ORG_SITES,
    LIST_STAFF,
    LOAD_CALENDAR_YEAR,
    LOGIN,
    PREVIEW_CALENDAR_YEAR,
    PUT_STAFF_MEMBER,
    PUT_WINDOW,
    REFRESH_TOKEN,
    REPORT_RETURN,
    REQUEST_LEAVE,
    RESET_PASSWORD,
    ROTATE_SIGNING_KEY,
    SET_POSTS,
)

G = organisation_pb2


def _secret(prompt: str, from_stdin: bool) -> str:
    """A password: typed without echo at a terminal, or one line of standard input (scripts)."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise commands.usage_error(f"标准输入中没有{prompt}")
        return line.rstrip("\n")
    return getpass.getpass(f"{prompt}：")


# --- signing in -------------------------------------------------------------------------------


def login(args: argparse.Namespace) -> int:
    password = _secret("密码", args.password_stdin)
    address = local.gateway(args.gateway)
    # Signing in needs no token: the gateway forwards Login for anyone.
    with grpc.insecure_channel(address) as channel:
        stub = channel.unary_unary(
            LOGIN.path,
            request_serializer=accounts_pb2.LoginRequest.SerializeToString,
            response_deserializer=accounts_pb2.LoginResponse.FromString,
        )
        try:
            response = stub(accounts_pb2.LoginRequest(user_id=args.user_id, password=password), timeout=10)
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.UNAUTHENTICATED:
                # Wrong password, locked or disabled: the service's own sentence says which.
                raise CliError(f"登录失败：{error.details()}") from None
            raise CliError(
                describe_rpc_error(error, address, rpc=LOGIN.path, command=args.command_line)
            ) from None
    path = session.save(response.token)
    if args.json:
        return commands._emit(args, response, "")
    print(render.logged_in(args.user_id, response))
    print(f"令牌已保存在 {path}（仅本人可读），之后的命令自动使用。")
    if os.environ.get("TONGBAN_TOKEN"):
        # The environment's token wins over the saved one: say so, or the next command surprises.
        print("注意：环境变量 TONGBAN_TOKEN 已设置，命令仍会使用它；请先 unset TONGBAN_TOKEN。")
    return 0


def renew(args: argparse.Namespace) -> int:
    """A fresh token for the one in use, kept as `login` keeps it (a change of roles shows now)."""
    with commands._gateway(args) as gateway:
        response = gateway.call(REFRESH_TOKEN, accounts_pb2.RefreshTokenRequest())
    path = session.save(response.token)
    if args.json:
        return commands._emit(args, response, "")
    print(f"令牌已续期，有效至 {local_time(response.expire_time)}，已保存在 {path}。")
    if os.environ.get("TONGBAN_TOKEN"):
        print("注意：环境变量 TONGBAN_TOKEN 已设置，命令仍会使用它；请先 unset TONGBAN_TOKEN。")
    return 0


def logout(args: argparse.Namespace) -> int:
    print("已退出登录。" if session.forget() else "本机没有保存的登录令牌。")
    return 0


def passwd(args: argparse.Namespace) -> int:
    old = _secret("原密码", args.password_stdin)
    new = _secret("新密码", args.password_stdin)
    if not args.password_stdin and sys.stdin.isatty() and _secret("再输入一次新密码", False) != new:
        raise CliError("两次输入的新密码不一致，未修改。")
    request = accounts_pb2.ChangePasswordRequest(old_password=old, new_password=new)
    with commands._gateway(args) as gateway:
        response = gateway.call(CHANGE_PASSWORD, request)
    return commands._emit(args, response, "密码已修改。")


# --- the organisation -------------------------------------------------------------------------


def org_sites(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_ORG_SITES, G.ListSitesRequest())
    return commands._emit(args, response, render.sites(response))


def org_staff(args: argparse.Namespace) -> int:
    request = G.ListStaffRequest(site_code=args.site or "", window_code=args.window or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_STAFF, request)
    return commands._emit(args, response, render.staff_list(response))


def org_show(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_STAFF_MEMBER, G.GetStaffMemberRequest(user_id=args.user_id))
    return commands._emit(args, response, render.member(response.member))


def _enum(enum_type: labels.EnumType, text: str, what: str) -> int:
    number = labels.by_text(enum_type).get(text.strip().lower()) or labels.by_text(enum_type).get(
        text.strip()
    )
    if not number:
        names = "、".join(
            f"{labels.short_name(enum_type, n)}（{v.zh}）" for n, v in labels.labels(enum_type).items()
        )
        raise commands.usage_error(f"不认识的{what}“{text}”，可用：{names}")
    return number


def org_window(args: argparse.Namespace) -> int:
    request = G.PutWindowRequest(
        code=args.code,
        name=args.name,
        kind=_enum(G.WindowKind, args.kind, "窗口类型"),  # type: ignore[arg-type]
        department_code=args.department or "",
        matter_codes=args.matter,
        opening_hours=args.hours,
        closed=args.closed,
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(PUT_WINDOW, request)
    return commands._emit(args, response, f"窗口已保存：{response.window.code} {response.window.name}")


def org_person(args: argparse.Namespace) -> int:
    request = G.PutStaffMemberRequest(
        user_id=args.user_id,
        name=args.name,
        original_unit=args.unit,
        site_code=args.site,
        window_code=args.window or "",
        department_code=args.department or "",
        roles=[_enum(G.StaffRole, role, "角色") for role in args.role],  # type: ignore[misc]
        posted_on=args.posted_on or "",
        active=not args.left,
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(PUT_STAFF_MEMBER, request)
    return commands._emit(args, response, render.member(response.member))


def org_posts(args: argparse.Namespace) -> int:
    if not args.chief and not (args.a and args.b):
        raise commands.usage_error("请用 --chief 指定首席代表，或用 --a 和 --b 指定A岗和B岗")
    request = G.SetPostsRequest(
        site_code=args.site,
        department_code=args.department,
        chief_representative=args.chief or "",
        a_post=args.a or "",
        b_post=args.b or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(SET_POSTS, request)
    return commands._emit(args, response, render.posts(response))


def org_duty(args: argparse.Namespace) -> int:
    request = G.GetWindowDutyRequest(window_code=args.window, day=args.day or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_WINDOW_DUTY, request)
    return commands._emit(args, response, render.duty(response))


# --- accounts -------------------------------------------------------------------------------------


def account_disable(args: argparse.Namespace) -> int:
    request = accounts_pb2.DisableAccountRequest(user_id=args.user_id, reason=args.reason)
    with commands._gateway(args) as gateway:
        response = gateway.call(DISABLE_ACCOUNT, request)
    return commands._emit(
        args, response, f"账号 {args.user_id} 已停用：不能再登录，网关在 30 秒内拒绝其已有的令牌。"
    )


def account_enable(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(ENABLE_ACCOUNT, accounts_pb2.EnableAccountRequest(user_id=args.user_id))
    return commands._emit(args, response, f"账号 {args.user_id} 已启用。")


def account_reset(args: argparse.Namespace) -> int:
    password = _secret("新密码（对方首次登录后须修改）", args.password_stdin)
    request = accounts_pb2.ResetPasswordRequest(user_id=args.user_id, new_password=password)
    with commands._gateway(args) as gateway:
        response = gateway.call(RESET_PASSWORD, request)
    return commands._emit(args, response, f"已为 {args.user_id} 重设密码；其原有令牌已失效。")


def account_rotate_key(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(ROTATE_SIGNING_KEY, accounts_pb2.RotateSigningKeyRequest())
    return commands._emit(
        args,
        response,
        f"新签名密钥 {response.kid} 已发布，自 {local_time(response.signs_from_time)} 起签发令牌。",
    )


# --- the calendar -----------------------------------------------------------------------------


def calendar_show(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_CALENDAR_YEAR, calendar_pb2.GetCalendarYearRequest(year=args.year))
    return commands._emit(args, response, render.calendar_year(response))


def calendar_load(args: argparse.Namespace) -> int:
    """Preview the file's years, then load them (--yes, or a yes typed at the terminal)."""
    try:
        years = read_calendar_file(Path(args.file))
    except CalendarFileError as problem:
        raise CliError(str(problem)) from None
    with commands._gateway(args) as gateway:
        for year in years:
            holidays = [d.isoformat() for d in sorted(year.holidays)]
            makeup = [d.isoformat() for d in sorted(year.makeup_workdays)]
            preview = gateway.call(
                PREVIEW_CALENDAR_YEAR,
                calendar_pb2.PreviewCalendarYearRequest(
                    year=year.year, holidays=holidays, makeup_workdays=makeup, source=year.source
                ),
            )
            print(f"{year.year} 年：{render.preview(preview)}")
            if not (args.yes or _confirmed(f"载入 {year.year} 年并通知各服务？")):
                print(f"未载入 {year.year} 年（确认无误后加上 --yes 重新运行）。")
                continue
            loaded = gateway.call(
                LOAD_CALENDAR_YEAR,
                calendar_pb2.LoadCalendarYearRequest(
                    year=year.year, holidays=holidays, makeup_workdays=makeup, source=year.source
                ),
            )
            print(f"已载入 {loaded.year.year} 年（{loaded.year.source}），各服务即时按新日历计算，无需重启。")
    return 0


def _confirmed(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes", "是")


# --- leave ------------------------------------------------------------------------------------


def leave_request(args: argparse.Namespace) -> int:
    request = leave_pb2.RequestLeaveRequest(
        user_id=args.user or "", start_on=args.date_from, end_on=args.date_to, reason=args.reason
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(REQUEST_LEAVE, request)
    return commands._emit(args, response, render.leave(response.leave))


def leave_decide(args: argparse.Namespace) -> int:
    request = leave_pb2.DecideLeaveRequest(
        leave_id=args.leave_id,
        level=_enum(leave_pb2.ApprovalLevel, args.level, "审批层级"),  # type: ignore[arg-type]
        approve=not args.refuse,
        note=args.note or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(DECIDE_LEAVE, request)
    return commands._emit(args, response, render.leave(response.leave))


def leave_return(args: argparse.Namespace) -> int:
    request = leave_pb2.ReportReturnRequest(leave_id=args.leave_id, returned_on=args.on or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(REPORT_RETURN, request)
    return commands._emit(args, response, render.leave(response.leave))


def leave_list(args: argparse.Namespace) -> int:
    request = leave_pb2.ListLeaveRequest(site_code=args.site or "", year=args.year, quarter=args.quarter)
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_LEAVE, request)
    return commands._emit(args, response, render.leave_list(response))
