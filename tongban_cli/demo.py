"""The demo staff of a local run (the staff service's demo organisation) and their tokens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from services.common.access import ROLE_LABELS
from services.common.demo_users import DEMO_USERS_FILE, DemoUser, load_demo_users
from services.common.tokens import DEFAULT_LIFETIME, has_signing_keys, issue_token
from tongban_cli import local
from tongban_cli.client import CliError

DEMO_KID = "demo-1"


def describe(user: DemoUser) -> str:
    roles = "、".join(ROLE_LABELS.get(r, r) for r in user.roles)
    window = f" 窗口 {user.window_code}" if user.window_code else ""
    department = f" 部门 {user.department_code}" if user.department_code else ""
    return f"{user.user_id:<18} {user.name}  [{roles}]  站点 {user.site_code}{window}{department}"


def load_users() -> list[DemoUser]:
    """The demo staff of services/staff/seed/organisation.json, in file order."""
    try:
        return list(load_demo_users().values())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CliError(f"无法读取演示用户文件 {DEMO_USERS_FILE}：{exc}") from None


def users_text(users: list[DemoUser]) -> str:
    return "\n".join(describe(u) for u in users)


def find_user(users: list[DemoUser], user_id: str) -> DemoUser:
    for user in users:
        if user.user_id == user_id:
            return user
    raise CliError(f"没有演示用户“{user_id}”。可用的用户：\n{users_text(users)}", exit_code=2)


def token_for(user: DemoUser, var_dir: Path, hours: float | None) -> str:
    """A signed token for a demo user, from the keys `make run` (tongban setup) keeps in var/keys.

    It names the user's window too, so `tongban case submit` needs no --window.
    """
    keys_dir = var_dir / "keys"
    if not has_signing_keys(keys_dir):
        raise CliError(no_keys_text(keys_dir))
    lifetime = DEFAULT_LIFETIME if hours is None else timedelta(hours=hours)
    try:
        return issue_token(
            user.user_id,
            user.site_code,
            user.roles,
            keys_dir=keys_dir,
            department_code=user.department_code,
            window_code=user.window_code,
            lifetime=lifetime,
        )
    except (OSError, ValueError) as exc:
        raise CliError(f"无法签发令牌（{type(exc).__name__}）：密钥在 {keys_dir}，请确认其完好。") from None


def no_keys_text(keys_dir: Path) -> str:
    return (
        f"还没有签名密钥（{keys_dir}）。请先在通办仓库目录运行 make run：它生成密钥、启动全部服务，"
        f"并把运行目录记在 {local.config_path()}，之后在任何目录都能用 tongban token 取令牌。"
    )
