"""A refused call in a clerk's words: the status as one or two Chinese sentences, then its
google.rpc details as indented lines. The services' own messages stay as they are (bilingual);
what the CLI adds is Chinese: resource kinds, enum states, and for a role refusal the command
the person typed and the roles it needs (from the RPC's access option)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import grpc
from google.protobuf import any_pb2, descriptor_pool
from google.protobuf.descriptor import Descriptor
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from tongban.acceptance.v1 import acceptance_pb2, catalog_pb2
from tongban.approval.v1 import approval_pb2

from services.common.access import ROLE_LABELS, ROLE_NAMES, policy_for
from services.common.validation import field_label
from tongban_cli.render.text import labels_by_value_name

TOKEN_COMMAND = "export TONGBAN_TOKEN=$(tongban token clerk-gaogou)"

_CODE_SENTENCES: dict[grpc.StatusCode, str] = {
    grpc.StatusCode.INVALID_ARGUMENT: "填写的内容有误",
    grpc.StatusCode.FAILED_PRECONDITION: "办件当前的状态不允许这样操作",
    grpc.StatusCode.NOT_FOUND: "没有找到",
    grpc.StatusCode.ALREADY_EXISTS: "已经存在",
    grpc.StatusCode.PERMISSION_DENIED: "无权执行此操作",
    grpc.StatusCode.UNAUTHENTICATED: "身份验证未通过",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "系统繁忙",
    grpc.StatusCode.ABORTED: "操作与他人同时进行，被中止，请重试",
    grpc.StatusCode.OUT_OF_RANGE: "数值超出范围",
    grpc.StatusCode.UNIMPLEMENTED: "服务尚不支持此操作",
    grpc.StatusCode.INTERNAL: "服务内部出错",
    grpc.StatusCode.DATA_LOSS: "数据损坏",
    grpc.StatusCode.CANCELLED: "调用被取消",
    grpc.StatusCode.UNKNOWN: "服务出现未知错误",
}
# ResourceInfo.resource_type as the services write it (services/common/errors.py not_found).
RESOURCE_NAMES = {
    "case": "办件",
    "matter": "事项",
    "site": "站点",
    "window": "窗口",
    "department": "部门",
    "step": "审查环节",
    "review": "县级审查",
    "document": "文书",
    "user": "用户",
    "event": "事件",
}
# State codes a PreconditionFailure may carry (e.g. "state is CASE_STATE_RESULT_ISSUED").
_STATE_LABELS = labels_by_value_name(
    acceptance_pb2.CaseState,
    approval_pb2.ReviewState,
    approval_pb2.StepState,
    catalog_pb2.StepKind,
    catalog_pb2.HandlingType,
    catalog_pb2.SiteLevel,
)
_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def describe_rpc_error(
    error: Any,
    gateway: str = "",
    *,
    rpc: str = "",
    command: str = "",
    roles: Sequence[str] = (),
    deadline: float = 10.0,
) -> str:
    """One or two sentences (plus detail lines) for a grpc.RpcError raised by a call to `rpc`
    (/package.Service/Method), made for the `command` the person typed."""
    code: grpc.StatusCode = error.code()
    message = str(error.details() or "")
    details: Sequence[any_pb2.Any] = ()
    try:
        status = rpc_status.from_call(error)
    except ValueError:  # trailers that contradict the call's own status: ignore the details
        status = None
    if status is not None:
        details = list(status.details)
    return describe_status(
        code, message, details, gateway, rpc=rpc, command=command, roles=roles, deadline=deadline
    )


def describe_status(
    code: grpc.StatusCode,
    message: str,
    details: Sequence[any_pb2.Any],
    gateway: str = "",
    *,
    rpc: str = "",
    command: str = "",
    roles: Sequence[str] = (),
    deadline: float = 10.0,
) -> str:
    message = message.strip()
    where = f" {gateway}" if gateway else ""
    if code == grpc.StatusCode.UNAVAILABLE:
        head = (
            f"无法连接网关{where}（服务不可用）。本机演示请确认已运行 make run；"
            "否则用 --gateway 指定网关地址。"
        )
        if message and "failed to connect" not in message.lower():
            head = f"服务暂时不可用：{message}。请稍后重试。"
    elif code == grpc.StatusCode.DEADLINE_EXCEEDED:
        head = f"网关{where}在 {deadline:g} 秒内没有应答，请稍后重试。"
    elif code == grpc.StatusCode.PERMISSION_DENIED:
        head = permission_text(message, rpc, command, roles)
    else:
        lead = _CODE_SENTENCES.get(code, "调用失败")
        head = f"{lead}：{message}" if message else f"{lead}。"
        if code == grpc.StatusCode.UNAUTHENTICATED:
            head += f"\n令牌可能已过期或无效，请重新获取: {TOKEN_COMMAND}"
    return "\n".join([head, *detail_lines(details, request_type_of(rpc))])


def role_list(roles: Iterable[str]) -> str:
    """Role labels in the order of the Role enum: 窗口工作人员、审核人员."""
    wanted = set(roles)
    return "、".join(ROLE_LABELS[name] for name in ROLE_NAMES.values() if name in wanted) or "无"


def permission_text(message: str, rpc: str = "", command: str = "", roles: Sequence[str] = ()) -> str:
    """Who may do what the person typed; the gateway's own text names the RPC instead."""
    what = f" {command}" if command else "此操作"
    policy = policy_for(rpc) if rpc else None
    if rpc and policy is None:
        return f"无权执行{what}：网关不开放这项操作。"
    if policy is not None and rpc in message:
        text = f"无权执行{what}：需要以下角色之一：{role_list(policy.roles)}"
        if roles:
            text += f"；您的令牌的角色：{role_list(roles)}"
        return text + "。请使用具有所需角色的用户的令牌（tongban users 列出演示用户及其角色）。"
    # The service refused (another site's case, another department's step): its own words.
    return f"无权执行{what}：{message}" if message else f"无权执行{what}。"


def _violation_line(subject: str, description: str) -> str | None:
    """A state violation for people: Chinese text as sent, a state code as its label; a code
    meant for programs alone is left out (the message above says it in Chinese)."""
    if _HAN.search(description):
        return f"  - {subject}: {description}"
    labels = [_STATE_LABELS[code] for code in _CODE.findall(description) if code in _STATE_LABELS]
    return f"  - {subject}: {labels[-1]}" if labels else None


def request_type_of(rpc: str) -> Descriptor | None:
    """The request message of /package.Service/Method, from the descriptors (None if unknown)."""
    service, _, method = rpc.lstrip("/").rpartition("/")
    try:
        found = descriptor_pool.Default().FindServiceByName(service).methods_by_name.get(method)
    except KeyError:
        return None
    return found.input_type if found is not None else None


def _field(path: str, request_type: Descriptor | None) -> str:
    """The field by the name the form gives it (证件号码), else "字段" and its path."""
    label = field_label(request_type, path) if request_type is not None else path
    return f"字段 {path}" if label == path else label


def detail_lines(details: Sequence[any_pb2.Any], request_type: Descriptor | None = None) -> list[str]:
    """google.rpc details as indented lines: field violations, state violations, resources…"""
    lines: list[str] = []
    for holder in details:
        if holder.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            holder.Unpack(bad)
            lines += [f"  - {_field(v.field, request_type)}: {v.description}" for v in bad.field_violations]
        elif holder.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
            failure = error_details_pb2.PreconditionFailure()
            holder.Unpack(failure)
            found = (_violation_line(v.subject, v.description) for v in failure.violations)
            lines += [line for line in found if line]
        elif holder.Is(error_details_pb2.ResourceInfo.DESCRIPTOR):
            info = error_details_pb2.ResourceInfo()
            holder.Unpack(info)
            kind = RESOURCE_NAMES.get(info.resource_type, "")
            extra = f"（{info.description}）" if info.description else ""
            lines.append(f"  - 未找到{kind} {info.resource_name}{extra}".replace("未找到 ", "未找到", 1))
        elif holder.Is(error_details_pb2.QuotaFailure.DESCRIPTOR):
            quota = error_details_pb2.QuotaFailure()
            holder.Unpack(quota)
            lines += [f"  - {v.subject}: {v.description}" for v in quota.violations]
        elif holder.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry = error_details_pb2.RetryInfo()
            holder.Unpack(retry)
            seconds = retry.retry_delay.seconds + retry.retry_delay.nanos / 1e9
            lines.append(f"  - 请在 {seconds:g} 秒后重试")
        elif holder.Is(error_details_pb2.LocalizedMessage.DESCRIPTOR):
            localized = error_details_pb2.LocalizedMessage()
            holder.Unpack(localized)
            lines.append(f"  - {localized.message}")
        elif holder.Is(error_details_pb2.Help.DESCRIPTOR):
            help_ = error_details_pb2.Help()
            holder.Unpack(help_)
            lines += [f"  - 参见 {link.description}: {link.url}" for link in help_.links]
        # ErrorInfo, DebugInfo and unknown details are codes for programs and developers.
    return lines
