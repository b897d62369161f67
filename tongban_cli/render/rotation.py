"""Rotations as the centre reads them."""

from __future__ import annotations

from tongban.staff.v1 import rotation_pb2

from tongban_cli.render.text import label

R = rotation_pb2


def rotation(item: R.Rotation) -> str:
    lines = [
        f"轮岗 {item.rotation_id}  窗口 {item.window_code}：{item.current_user_id} → "
        f"{item.proposed_user_id}，{item.effective_on} 生效  [{label(R.RotationState, item.state)}]",
        f"  现任到生效日任职 {item.served_months} 个月（最短 {item.minimum_months} 个月）",
    ]
    if item.override_reason:
        lines.append(f"  特批：{item.override_reason}（{item.overridden_by}）")
    if item.trained_on:
        lines.append(f"  培训：{item.trained_on} {item.training}")
    return "\n".join(lines)


def rotations(response: R.ListRotationsResponse) -> str:
    return "\n".join(rotation(item) for item in response.rotations) or "没有轮岗记录。"


def policy(response: R.SetRotationPolicyResponse) -> str:
    return f"{response.site_code} 最短任职期：{response.minimum_posting_years} 年。"
