"""Accounts: signing in, passwords, disabling, and the signing keys.

Sign-in and the password RPCs carry a password, so they are not keyed by a request id: a stored
request fingerprint would be a fast hash of the password. A retried change of password is
recognised instead by the new password already being the one stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from sqlmodel import Session
from tongban.staff.v1 import accounts_pb2

from services.common.calls import CallContext
from services.common.clock import CHINA, Clock
from services.common.errors import DomainError, FieldProblem, not_found, required, unauthenticated
from services.common.tokens import TokenClaims, encode_token
from services.common.usecases import UseCases
from services.staff import events, passwords, repository, roles, signing
from services.staff.commands.checks import refuse
from services.staff.models import AccountRow, StaffRow
from services.staff.scope import require_site

P = accounts_pb2
_WRONG = "用户名或密码错误 / wrong user id or password"


@dataclass(frozen=True)
class SignIn:
    """What signing in is configured with (services.common.settings).

    `clock` is the real time, not the service's (which demos and tests move): tokens, locks and
    revocations are checked by the gateway against the real time.
    """

    clock: Clock
    internal_key: bytes
    token_lifetime: timedelta
    max_failures: int
    lock_for: timedelta
    key_lead: timedelta
    # How long the gateways may take to learn of a revocation: no renewal that soon after one,
    # so a token revoked (a reset password) cannot be renewed into one that is not.
    revocation_lag: timedelta


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _locked(until: datetime) -> DomainError:
    local = until.astimezone(CHINA)
    return unauthenticated(
        f"连续登录失败次数过多, 账号已锁定至 {local:%H:%M} (北京时间) / too many failed sign-ins: "
        f"the account is locked until {local:%H:%M} Beijing time"
    )


def login(uc: UseCases, config: SignIn, request: P.LoginRequest) -> P.LoginResponse:
    refuse(
        "请输入用户名和密码 / user id and password are required",
        required(request.user_id, "user_id", "用户名") + required(request.password, "password", "密码"),
    )
    now = config.clock.now()
    refusal: DomainError | None = None
    token = ""
    with uc.db.transaction() as session:
        member = repository.member(session, request.user_id)
        account = repository.account(session, request.user_id, for_update=True)
        # Checked even for an unknown user, so the time taken does not tell who exists.
        matches = passwords.verify(account.password_hash if account else "", request.password)
        if account is None or member is None:
            raise unauthenticated(_WRONG)
        if account.disabled or not member.active:
            raise unauthenticated("账号已停用, 请联系中心管理员 / the account is disabled")
        if account.locked_until is not None and account.locked_until > now:
            raise _locked(account.locked_until)
        if not matches:
            refusal = _count_failure(account, config, now)
        else:
            account.failed_logins = 0
            account.locked_until = None
            if passwords.needs_rehash(account.password_hash):
                account.password_hash = passwords.hash_password(request.password)
            token = _token(session, config, member, now)
    # The failure is counted (committed above) and only then refused.
    if refusal is not None:
        raise refusal
    return P.LoginResponse(
        token=token,
        expire_time=_stamp(now + config.token_lifetime),
        must_change_password=account.must_change_password,
    )


def refresh(uc: UseCases, call: CallContext, config: SignIn) -> P.RefreshTokenResponse:
    """A fresh token for the caller, as the staff service knows them now."""
    user_id = call.caller.user_id
    now = config.clock.now()
    with uc.db.transaction() as session:
        member = repository.member(session, user_id)
        account = repository.account(session, user_id)
        if member is None or account is None:
            raise unauthenticated("账号不存在, 请重新登录 / no such account: sign in again")
        if account.disabled or not member.active:
            raise unauthenticated("账号已停用, 请联系中心管理员 / the account is disabled")
        revoked = account.tokens_revoked_at
        if revoked is not None and revoked > now - config.revocation_lag:
            raise unauthenticated(
                "账号的登录已被撤销, 请重新登录 / the account was signed out: sign in again"
            )
        token = _token(session, config, member, now)
    return P.RefreshTokenResponse(token=token, expire_time=_stamp(now + config.token_lifetime))


def _count_failure(account: AccountRow, config: SignIn, now: datetime) -> DomainError:
    account.failed_logins += 1
    if account.failed_logins < config.max_failures:
        return unauthenticated(_WRONG)
    account.failed_logins = 0
    account.locked_until = now + config.lock_for
    return _locked(account.locked_until)


def _token(session: Session, config: SignIn, member: StaffRow, now: datetime) -> str:
    key = signing.current(session, internal_key=config.internal_key, now=now)
    claims = TokenClaims(
        user_id=member.user_id,
        site_code=member.site_code,
        roles=tuple(roles.token_roles(roles.of_row(member.roles))),
        department_code=member.department_code,
        window_code=member.window_code,
    )
    return encode_token(key.key, key.kid, claims, lifetime=config.token_lifetime, now=now)


def change_password(
    uc: UseCases, call: CallContext, request: P.ChangePasswordRequest
) -> P.ChangePasswordResponse:
    user_id = call.caller.user_id
    problems = required(request.old_password, "old_password", "原密码") + passwords.problems(
        user_id, request.new_password
    )
    if request.new_password and request.new_password == request.old_password:
        problems.append(FieldProblem("new_password", "不能与原密码相同 / must differ from the old one"))
    refuse("新密码不符合要求 / the new password is refused", problems)
    with uc.db.transaction() as session:
        account = repository.account(session, user_id, for_update=True)
        if account is None:
            raise not_found("account", user_id, "账号不存在 / no such account")
        if passwords.verify(account.password_hash, request.new_password):
            return P.ChangePasswordResponse()  # a retry of a change that went through
        if not passwords.verify(account.password_hash, request.old_password):
            raise unauthenticated("原密码错误 / the old password is wrong")
        account.password_hash = passwords.hash_password(request.new_password)
        account.must_change_password = False
    return P.ChangePasswordResponse()


def reset_password(
    uc: UseCases, call: CallContext, config: SignIn, request: P.ResetPasswordRequest
) -> P.ResetPasswordResponse:
    refuse(
        "请填写用户和新密码 / user and new password are required",
        required(request.user_id, "user_id", "用户编号")
        + passwords.problems(request.user_id, request.new_password),
    )
    with uc.db.transaction() as session:
        _member, account = _managed_account(session, call, request.user_id)
        account.password_hash = passwords.hash_password(request.new_password)
        account.must_change_password = True
        account.failed_logins = 0
        account.locked_until = None
        # Whoever held the old password is signed out too.
        account.tokens_revoked_at = config.clock.now()
    return P.ResetPasswordResponse()


def _managed_account(session: Session, call: CallContext, user_id: str) -> tuple[StaffRow, AccountRow]:
    member = repository.member(session, user_id)
    account = repository.account(session, user_id, for_update=True)
    if member is None or account is None:
        raise not_found("staff", user_id, f"没有用户 {user_id} / no such user")
    require_site(session, call, member.site_code)
    return member, account


def disable(
    uc: UseCases, call: CallContext, config: SignIn, request: P.DisableAccountRequest
) -> P.DisableAccountResponse:
    def use_case(session: Session) -> P.DisableAccountResponse:
        refuse(
            "请填写用户和停用原因 / user and reason are required",
            required(request.user_id, "user_id", "用户编号") + required(request.reason, "reason", "停用原因"),
        )
        if request.user_id == call.caller.user_id:
            raise DomainError(
                "不能停用自己的账号 / you cannot disable your own account",
                grpc.StatusCode.FAILED_PRECONDITION,
            )
        member, account = _managed_account(session, call, request.user_id)
        now = uc.clock.now()
        account.disabled = True
        account.tokens_revoked_at = config.clock.now()
        events.account_status_changed(session, account, call.caller.user_id, now)
        events.member_changed(session, member, account, now)
        return P.DisableAccountResponse()

    return uc.once(call, "DisableAccount", request, P.DisableAccountResponse, use_case)


def enable(uc: UseCases, call: CallContext, request: P.EnableAccountRequest) -> P.EnableAccountResponse:
    def use_case(session: Session) -> P.EnableAccountResponse:
        refuse("缺少用户编号 / user_id is required", required(request.user_id, "user_id", "用户编号"))
        member, account = _managed_account(session, call, request.user_id)
        now = uc.clock.now()
        account.disabled = False
        account.failed_logins = 0
        account.locked_until = None
        events.account_status_changed(session, account, call.caller.user_id, now)
        events.member_changed(session, member, account, now)
        return P.EnableAccountResponse()

    return uc.once(call, "EnableAccount", request, P.EnableAccountResponse, use_case)


def rotate_key(
    uc: UseCases, call: CallContext, config: SignIn, request: P.RotateSigningKeyRequest
) -> P.RotateSigningKeyResponse:
    def use_case(session: Session) -> P.RotateSigningKeyResponse:
        row = signing.rotate(
            session, internal_key=config.internal_key, now=config.clock.now(), lead=config.key_lead
        )
        return P.RotateSigningKeyResponse(kid=row.kid, signs_from_time=_stamp(row.signs_from))

    return uc.once(call, "RotateSigningKey", request, P.RotateSigningKeyResponse, use_case)
