"""The assessment report (考核) an administrator prints, and recorded praise."""

from __future__ import annotations

from tongban.staff.v1 import assessment_pb2

from tongban_cli.render.tables import table
from tongban_cli.render.text import label

S = assessment_pb2


def praise(item: S.Praise) -> str:
    if item.user_id:
        whom = item.user_id + (f"（窗口 {item.window_code}）" if item.window_code else "")
    else:
        whom = f"窗口 {item.window_code}"
    kind = label(S.PraiseKind, item.kind)
    return f"已记录表扬 {item.praise_id}：{whom} {kind} +{item.points} 分（{item.awarded_on}）"


def _period(response: S.GetAssessmentResponse) -> str:
    name = f"{response.year}年" + (f"第{response.quarter}季度" if response.quarter else "全年")
    return f"{name}（{response.first_day} 至 {response.last_day}）"


def report(response: S.GetAssessmentResponse) -> str:
    span = "季度" if response.quarter else "年"
    cap, allowance = (5, 5) if response.quarter else (10, 10)
    lines = [
        f"考核报告  站点 {response.site_code}  {_period(response)}",
        f"基础分 100；扣分依电子监察问责决定；表扬加分每{span}至多 {cap} 分；"
        f"请假超过 {allowance} 个工作日的每日扣 1 分。",
        "",
        "窗口：",
    ]
    lines += [
        "  " + line
        for line in table(
            ["名次", "窗口", "扣分", "加分", "总分", "评优"],
            [
                [
                    str(w.score.rank),
                    w.window_code,
                    str(w.score.deductions),
                    str(w.score.bonus),
                    str(w.score.total),
                    "红旗窗口" if w.red_flag else "-",
                ]
                for w in response.windows
            ],
        )
    ]
    lines += ["", "人员："]
    lines += [
        "  " + line
        for line in table(
            ["名次", "用户", "窗口", "扣分", "加分", "请假", "请假扣分", "总分", "评优"],
            [
                [
                    str(p.score.rank),
                    p.user_id,
                    p.window_code or "-",
                    str(p.score.deductions),
                    str(p.score.bonus),
                    str(p.score.leave_days),
                    str(p.score.leave_points),
                    str(p.score.total),
                    "先进工作者" if p.advanced_worker else "-",
                ]
                for p in response.people
            ],
        )
    ]
    details = [
        f"  {p.user_id}  {d.decided_on}  -{d.points} 分  发现 {d.finding_id}"
        f"（问责 {d.accountability_case_id or '-'}，{d.reason_code or '-'}）"
        for p in response.people
        for d in p.deductions
    ]
    lines += ["", "扣分明细：", *(details or ["  无"])]
    red = "、".join(w.window_code for w in response.windows if w.red_flag) or "无"
    advanced = "、".join(p.user_id for p in response.people if p.advanced_worker) or "无"
    lines += ["", f"红旗窗口：{red}", f"先进工作者：{advanced}"]
    return "\n".join(lines)
