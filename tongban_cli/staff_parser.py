"""The staff subcommands' arguments: login, logout, passwd, org, account, leave, calendar, attendance,
assessment, rotation."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TypeAlias

from tongban_cli import assessment_commands as assessment_run
from tongban_cli import attendance_commands as attendance_run
from tongban_cli import rotation_commands as rotation_run
from tongban_cli import staff_commands as run
from tongban_cli.argparse_zh import ArgumentParser
from tongban_cli.specs import parse_date

Handler = Callable[[argparse.Namespace], int]
Subparsers: TypeAlias = "argparse._SubParsersAction[ArgumentParser]"
Leaf = Callable[[Subparsers, str, Handler, str, Sequence[ArgumentParser]], ArgumentParser]


def add_sign_in(sub: Subparsers, common: ArgumentParser, leaf: Leaf) -> None:
    login = leaf(
        sub, "login", run.login, "登录：用密码换取访问令牌（保存在本机，之后的命令自动使用）", [common]
    )
    login.add_argument("user_id", metavar="USER_ID", help="用户编号，如 clerk-gaogou")
    login.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（供脚本使用）")
    leaf(sub, "renew", run.renew, "续期：令牌过期前换一个新令牌（角色、站点的变动此时生效）", [common])
    leaf(sub, "logout", run.logout, "退出登录：删除本机保存的令牌", [common])
    passwd = leaf(sub, "passwd", run.passwd, "修改自己的密码（至少10个字符）", [common])
    passwd.add_argument(
        "--password-stdin", action="store_true", help="从标准输入依次读取原密码和新密码（各一行）"
    )


def add_org(sub: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf) -> None:
    org = sub.add_parser(
        "org", help="组织机构", description="组织机构：站点、窗口、人员、首席代表和A/B岗、值守"
    )
    leaves = org.add_subparsers(dest="action", metavar="ACTION", required=True)
    leaf(leaves, "sites", run.org_sites, "列出站点、派驻部门和窗口", [common])
    staff = leaf(leaves, "staff", run.org_staff, "列出人员（默认本站点）", [common])
    staff.add_argument("--site", metavar="CODE", help="站点编码")
    staff.add_argument("--window", metavar="CODE", help="只看该窗口")
    show = leaf(leaves, "show", run.org_show, "查看一位人员", [common])
    show.add_argument("user_id", metavar="USER_ID")
    window = leaf(leaves, "window", run.org_window, "新建或修改窗口", keyed)
    window.add_argument("code", metavar="CODE", help="窗口编码，如 320826101-W07")
    window.add_argument("--name", required=True, help="窗口名称")
    window.add_argument(
        "--kind", required=True, metavar="K", help="department（专业窗口）或 comprehensive（综合窗口）"
    )
    window.add_argument("--department", metavar="CODE", help="专业窗口的部门编码")
    window.add_argument(
        "--matter", action="append", default=[], metavar="CODE", help="办理的事项，可重复；不填为全部"
    )
    window.add_argument(
        "--hours", action="append", default=[], metavar="HH:MM-HH:MM", help="办公时段，可重复，如 08:30-12:00"
    )
    window.add_argument("--closed", action="store_true", help="关闭窗口")
    person = leaf(leaves, "person", run.org_person, "登记人员或修改其岗位、角色、窗口", keyed)
    person.add_argument("user_id", metavar="USER_ID")
    person.add_argument("--name", required=True, help="姓名")
    person.add_argument("--unit", required=True, help="派驻单位（原单位）")
    person.add_argument("--site", required=True, metavar="CODE", help="站点编码")
    person.add_argument("--window", metavar="CODE", help="所在窗口")
    person.add_argument("--department", metavar="CODE", help="代表的部门")
    person.add_argument(
        "--role",
        action="append",
        required=True,
        metavar="R",
        help="角色，可重复：clerk、reviewer、首席代表 等",
    )
    person.add_argument("--posted-on", type=parse_date, metavar="D", help="到岗日期（YYYY-MM-DD，默认今天）")
    person.add_argument("--left", action="store_true", help="退回原单位（停用账号）")
    posts = leaf(leaves, "posts", run.org_posts, "设定部门的首席代表（两人以上）或A/B岗（一人）", keyed)
    posts.add_argument("site", metavar="SITE")
    posts.add_argument("department", metavar="DEPARTMENT")
    posts.add_argument("--chief", metavar="USER", help="首席代表")
    posts.add_argument("--a", metavar="USER", help="A岗")
    posts.add_argument("--b", metavar="USER", help="B岗")
    duty = leaf(leaves, "duty", run.org_duty, "某窗口某日由谁值守（A岗不在时自动由B岗顶岗）", [common])
    duty.add_argument("window", metavar="WINDOW")
    duty.add_argument("--day", type=parse_date, metavar="D", help="日期（默认今天）")


def add_account(sub: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf) -> None:
    account = sub.add_parser("account", help="账号", description="账号：停用、启用、重设密码、轮换签名密钥")
    leaves = account.add_subparsers(dest="action", metavar="ACTION", required=True)
    disable = leaf(leaves, "disable", run.account_disable, "停用账号（网关在 30 秒内拒绝其已有令牌）", keyed)
    disable.add_argument("user_id", metavar="USER_ID")
    disable.add_argument("--reason", required=True, metavar="R", help="停用原因")
    enable = leaf(leaves, "enable", run.account_enable, "启用账号", keyed)
    enable.add_argument("user_id", metavar="USER_ID")
    reset = leaf(leaves, "reset", run.account_reset, "重设密码（对方登录后须修改）", [common])
    reset.add_argument("user_id", metavar="USER_ID")
    reset.add_argument("--password-stdin", action="store_true", help="从标准输入读取新密码")
    leaf(leaves, "rotate-key", run.account_rotate_key, "轮换令牌签名密钥（不中断服务）", keyed)


def add_calendar(
    sub: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf
) -> None:
    calendar = sub.add_parser(
        "calendar", help="工作日历", description="工作日历：查看、预览并载入某年的节假日安排"
    )
    leaves = calendar.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = leaf(leaves, "show", run.calendar_show, "查看某年的工作日历", [common])
    show.add_argument("year", type=int, metavar="YEAR")
    load = leaf(leaves, "load", run.calendar_load, "预览并载入日历文件（deploy/calendar/README.md）", keyed)
    load.add_argument("file", metavar="FILE", help="日历文件，如 2027.toml")
    load.add_argument("--yes", action="store_true", help="预览后直接载入，不再询问")


def add_leave(sub: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf) -> None:
    leave = sub.add_parser("leave", help="请假", description="请假：申请、逐级审批、销假、季度合计")
    leaves = leave.add_subparsers(dest="action", metavar="ACTION", required=True)
    ask = leaf(leaves, "request", run.leave_request, "申请请假（按工作日计算天数，决定审批层级）", keyed)
    ask.add_argument("--from", dest="date_from", required=True, type=parse_date, metavar="D", help="开始日期")
    ask.add_argument(
        "--to", dest="date_to", required=True, type=parse_date, metavar="D", help="结束日期（含）"
    )
    ask.add_argument("--reason", required=True, metavar="R", help="请假事由")
    ask.add_argument("--user", metavar="USER", help="为本站点的人员申请（管理员、政务科员）")
    decide = leaf(leaves, "decide", run.leave_decide, "记录下一层级的审批意见", keyed)
    decide.add_argument("leave_id", type=int, metavar="LEAVE_ID")
    decide.add_argument(
        "--level",
        required=True,
        metavar="L",
        help="business_section（业务科室）、deputy_director、original_unit",
    )
    decide.add_argument("--refuse", action="store_true", help="不同意")
    decide.add_argument("--note", metavar="TEXT", help="意见")
    back = leaf(leaves, "return", run.leave_return, "销假", keyed)
    back.add_argument("leave_id", type=int, metavar="LEAVE_ID")
    back.add_argument("--on", type=parse_date, metavar="D", help="回到窗口的日期（默认今天）")
    listing = leaf(leaves, "list", run.leave_list, "某季度的请假和每人合计", [common])
    listing.add_argument("--year", type=int, required=True)
    listing.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4])
    listing.add_argument("--site", metavar="CODE", help="站点（默认本站点）")


def add_attendance(
    sub: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf
) -> None:
    attendance = sub.add_parser(
        "attendance", help="考勤", description="考勤：签到、签退（本人），某日考勤，结算已过去的日子"
    )
    leaves = attendance.add_subparsers(dest="action", metavar="ACTION", required=True)
    leaf(leaves, "in", attendance_run.check_in, "签到（按所在窗口的办公时间判定迟到）", keyed)
    leaf(leaves, "out", attendance_run.check_out, "签退（按所在窗口的办公时间判定早退）", keyed)
    day = leaf(leaves, "day", attendance_run.day, "某站点某日的考勤和无人值守的窗口", [common])
    day.add_argument("--site", metavar="CODE", help="站点（默认本站点）")
    day.add_argument("--day", type=parse_date, metavar="D", help="日期（默认今天）")
    close = leaf(
        leaves, "close", attendance_run.close, "结算已过去的一天：缺勤、无人值守窗口（重复结算无影响）", keyed
    )
    close.add_argument("--site", metavar="CODE", help="站点（默认本站点）")
    close.add_argument("--day", type=parse_date, metavar="D", help="日期（默认昨天）")


def add_assessment(
    sub: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf
) -> None:
    assessment = sub.add_parser(
        "assessment",
        help="考核",
        description="考核：记录表扬，打印站点的季度或年度考核报告（红旗窗口、先进工作者）",
    )
    leaves = assessment.add_subparsers(dest="action", metavar="ACTION", required=True)
    praise = leaf(
        leaves, "praise", assessment_run.praise, "记录表扬：表扬卡、锦旗或好评（加分，有上限）", keyed
    )
    praise.add_argument("--user", metavar="USER", help="受表扬的人员（其窗口同时计入）")
    praise.add_argument("--window", metavar="CODE", help="受表扬的窗口")
    praise.add_argument(
        "--kind", required=True, metavar="K", help="card（表扬卡）、banner（锦旗）、good_review（好评）"
    )
    praise.add_argument("--on", type=parse_date, metavar="D", help="表扬日期（默认今天）")
    praise.add_argument("--note", metavar="TEXT", help="说明")
    report = leaf(
        leaves, "report", assessment_run.report, "打印考核报告：窗口和人员的得分、名次、评优", [common]
    )
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="季度（不填为全年）")
    report.add_argument("--site", metavar="CODE", help="站点（默认本站点）")


def add_rotation(
    sub: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf
) -> None:
    rotation = sub.add_parser(
        "rotation", help="轮岗", description="轮岗：登记部门书面申请、岗前培训、到期换岗、最短任职期"
    )
    leaves = rotation.add_subparsers(dest="action", metavar="ACTION", required=True)
    ask = leaf(
        leaves, "request", rotation_run.request, "登记部门的书面轮岗申请（未满最短任职期须县中心特批）", keyed
    )
    ask.add_argument("window", metavar="WINDOW", help="窗口编码")
    ask.add_argument("--current", required=True, metavar="USER", help="现任人员")
    ask.add_argument("--proposed", required=True, metavar="USER", help="拟任人员")
    ask.add_argument("--reasons", required=True, metavar="TEXT", help="部门的轮岗理由")
    ask.add_argument("--effective", type=parse_date, metavar="D", help="生效日期（默认次年1月1日）")
    ask.add_argument("--override", metavar="TEXT", help="未满最短任职期的特批理由（县中心管理员）")
    train = leaf(leaves, "train", rotation_run.train, "记录拟任人员的岗前培训", keyed)
    train.add_argument("rotation_id", type=int, metavar="ROTATION_ID")
    train.add_argument("--training", required=True, metavar="TEXT", help="培训内容")
    train.add_argument("--on", type=parse_date, metavar="D", help="培训日期（默认今天）")
    done = leaf(
        leaves, "complete", rotation_run.complete, "生效：拟任人员到窗口（须已培训、已到生效日）", keyed
    )
    done.add_argument("rotation_id", type=int, metavar="ROTATION_ID")
    policy = leaf(leaves, "policy", rotation_run.policy, "设定中心的最短任职期（1 或 2 年）", keyed)
    policy.add_argument("site", metavar="SITE")
    policy.add_argument("--years", type=int, required=True, choices=[1, 2])
    listing = leaf(leaves, "list", rotation_run.listing, "列出站点的轮岗", [common])
    listing.add_argument("--site", metavar="CODE", help="站点（默认本站点）")
