"""Accounts against a real staff server: signing in with the demo password, the token and the key
it verifies with, throttling, changing and resetting passwords, disabling, key rotation."""

from __future__ import annotations

from datetime import timedelta

import grpc
import jwt
from cryptography.hazmat.primitives import serialization
from sqlmodel import select
from tongban.staff.v1 import accounts_pb2 as P
from tongban.staff.v1 import organisation_pb2 as G

from services.common.identity import Caller
from services.staff.models import AccountRow
from services.staff.seed import DEMO_PASSWORD
from tests.contract.helpers import field_violations, rpc_error
from tests.contract.staff_support import (
    ADMIN,
    CLERK,
    LOCK_MINUTES,
    MAX_FAILURES,
    OFFICER,
    StaffUnderTest,
    staff,
)
from tests.support import identity_metadata

__all__ = ["staff"]
_ids = iter(range(1, 10**9))
# Signing in needs no identity; the gateway forwards it with an anonymous one.
ANONYMOUS = identity_metadata(Caller("anonymous", "", frozenset()))


def rid() -> str:
    return f"account-{next(_ids)}"


def login(
    staff: StaffUnderTest, user: str = "clerk-gaogou", password: str = DEMO_PASSWORD
) -> P.LoginResponse:
    return staff.accounts.Login(P.LoginRequest(user_id=user, password=password), metadata=ANONYMOUS)


def claims_of(staff: StaffUnderTest, token: str) -> dict[str, object]:
    """The token's claims, verified with the public key the staff service publishes for its kid."""
    kid = jwt.get_unverified_header(token)["kid"]
    published = {key.kid: key.public_key_pem for key in staff.keys().keys}
    key = serialization.load_pem_public_key(published[kid].encode())
    # Checked at the staff service's real time, which a test moves.
    return jwt.decode(
        token, key, algorithms=["EdDSA"], issuer="tongban", options={"verify_exp": False, "verify_iat": False}
    )  # type: ignore[arg-type]


def test_signing_in_returns_a_short_lived_token_signed_with_a_published_key(staff: StaffUnderTest) -> None:
    reply = login(staff)
    claims = claims_of(staff, reply.token)
    assert (claims["sub"], claims["site"], claims["roles"], claims["win"]) == (
        "clerk-gaogou",
        "320826101",
        ["clerk"],
        "320826101-W01",
    )
    assert reply.expire_time.seconds - int(claims["iat"]) == 3600  # type: ignore[call-overload]
    # A chief representative's post is not a token role.
    assert claims_of(staff, login(staff, "reviewer-county").token)["roles"] == ["reviewer"]


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(staff: StaffUnderTest) -> None:
    wrong = rpc_error(lambda: login(staff, password="not-the-password"))
    unknown = rpc_error(lambda: login(staff, user="nobody-here"))
    assert wrong.code() == unknown.code() == grpc.StatusCode.UNAUTHENTICATED
    assert wrong.details() == unknown.details()
    empty = rpc_error(lambda: login(staff, password=""))
    assert set(field_violations(empty)) == {"password"}


def test_repeated_failures_lock_the_account_for_a_while(staff: StaffUnderTest) -> None:
    for _ in range(MAX_FAILURES - 1):
        assert "wrong" in rpc_error(lambda: login(staff, password="guess-guess")).details()
    # One failure short of the lock the right password still works, and resets the count.
    login(staff)
    for _ in range(MAX_FAILURES - 1):
        rpc_error(lambda: login(staff, password="guess-guess"))
    locked = rpc_error(lambda: login(staff, password="guess-guess"))
    assert locked.code() == grpc.StatusCode.UNAUTHENTICATED and "locked" in locked.details()
    # Locked: even the right password is refused until the lock ends.
    staff.real_time.advance(timedelta(minutes=LOCK_MINUTES - 1))
    assert "locked" in rpc_error(lambda: login(staff)).details()
    staff.real_time.advance(timedelta(minutes=1))
    assert login(staff).token
    # Other accounts were never affected.
    assert login(staff, "clerk-hongyao").token


def test_a_disabled_account_cannot_sign_in_and_its_tokens_are_revoked(staff: StaffUnderTest) -> None:
    login(staff, "clerk-hongyao")
    assert "clerk-hongyao" not in {r.user_id for r in staff.keys().revocations}
    staff.accounts.DisableAccount(
        P.DisableAccountRequest(request_id=rid(), user_id="clerk-hongyao", reason="调离"),
        metadata=identity_metadata(ADMIN),
    )
    refused = rpc_error(lambda: login(staff, "clerk-hongyao"))
    assert "disabled" in refused.details()
    revoked = {r.user_id: r.issued_before_time.ToDatetime() for r in staff.keys().revocations}
    # Every token of a disabled account, even one signed later (demo tokens need no staff service).
    assert revoked["clerk-hongyao"] > staff.real_time.now().replace(tzinfo=None) + timedelta(hours=1)
    staff.accounts.EnableAccount(
        P.EnableAccountRequest(request_id=rid(), user_id="clerk-hongyao"), metadata=identity_metadata(ADMIN)
    )
    assert login(staff, "clerk-hongyao").token
    # Tokens issued before the disabling stay refused for as long as any token lives.
    later = {r.user_id: r.issued_before_time.ToDatetime() for r in staff.keys().revocations}
    assert later["clerk-hongyao"] == staff.real_time.now().replace(tzinfo=None)


def test_changing_and_resetting_passwords(staff: StaffUnderTest) -> None:
    me = identity_metadata(CLERK)
    weak = rpc_error(
        lambda: staff.accounts.ChangePassword(
            P.ChangePasswordRequest(old_password=DEMO_PASSWORD, new_password="clerk-gaogou1"), metadata=me
        )
    )
    assert set(field_violations(weak)) == {"new_password"}
    change = P.ChangePasswordRequest(old_password=DEMO_PASSWORD, new_password="窗口新密码-2026")
    staff.accounts.ChangePassword(change, metadata=me)
    staff.accounts.ChangePassword(change, metadata=me)  # a retry changes nothing more
    assert rpc_error(lambda: login(staff)).code() == grpc.StatusCode.UNAUTHENTICATED
    assert not login(staff, password="窗口新密码-2026").must_change_password
    staff.accounts.ResetPassword(
        P.ResetPasswordRequest(user_id="clerk-gaogou", new_password="temporary-2026"),
        metadata=identity_metadata(ADMIN),
    )
    assert login(staff, password="temporary-2026").must_change_password
    with staff.db.reading() as session:
        stored = session.exec(select(AccountRow).where(AccountRow.user_id == "clerk-gaogou")).one()
    assert stored.password_hash.startswith("$argon2id$") and "temporary" not in stored.password_hash


def test_a_rotated_key_is_published_before_it_signs(staff: StaffUnderTest) -> None:
    old_kid = jwt.get_unverified_header(login(staff).token)["kid"]
    rotated = staff.accounts.RotateSigningKey(
        P.RotateSigningKeyRequest(request_id=rid()), metadata=identity_metadata(ADMIN)
    )
    assert {key.kid for key in staff.keys().keys} == {old_kid, rotated.kid}
    # Until the gateways had time to fetch it, the old key signs.
    assert jwt.get_unverified_header(login(staff).token)["kid"] == old_kid
    staff.real_time.advance(timedelta(seconds=31))
    token = login(staff).token
    assert jwt.get_unverified_header(token)["kid"] == rotated.kid and claims_of(staff, token)
    # The old key stays published while a token it signed may live, then goes.
    staff.real_time.advance(timedelta(hours=8))
    assert {key.kid for key in staff.keys().keys} == {rotated.kid}


def refresh(staff: StaffUnderTest, caller: Caller) -> P.RefreshTokenResponse:
    return staff.accounts.RefreshToken(P.RefreshTokenRequest(), metadata=identity_metadata(caller))


def test_renewing_gives_a_fresh_token_naming_the_caller_as_staff_knows_them_now(
    staff: StaffUnderTest,
) -> None:
    signed_in = login(staff)
    staff.real_time.advance(timedelta(minutes=40))
    renewed = refresh(staff, CLERK)
    claims = claims_of(staff, renewed.token)
    assert (claims["sub"], claims["site"], claims["roles"], claims["win"]) == (
        "clerk-gaogou",
        "320826101",
        ["clerk"],
        "320826101-W01",
    )
    # A full lifetime from now, so later than the token it renews.
    assert claims["iat"] == int(staff.real_time.now().timestamp())
    assert renewed.expire_time.seconds - int(claims["iat"]) == 3600  # type: ignore[call-overload]
    assert renewed.expire_time.seconds - signed_in.expire_time.seconds == 40 * 60
    # A change of roles takes effect at the next renewal, whatever the token being renewed said.
    staff.organisation.PutStaffMember(
        G.PutStaffMemberRequest(
            request_id=rid(),
            user_id="clerk-gaogou",
            name="高沟镇综合窗口",
            original_unit="高沟镇人民政府",
            site_code="320826101",
            window_code="320826101-W01",
            roles=[G.STAFF_ROLE_CLERK, G.STAFF_ROLE_TOWNSHIP_OFFICER],
            posted_on="2025-01-02",
            active=True,
        ),
        metadata=identity_metadata(OFFICER),
    )
    assert claims_of(staff, refresh(staff, CLERK).token)["roles"] == ["clerk", "township_officer"]


def test_a_disabled_or_unknown_account_is_not_renewed(staff: StaffUnderTest) -> None:
    hongyao = Caller("clerk-hongyao", "320826102", frozenset({"clerk"}))
    assert refresh(staff, hongyao).token
    staff.accounts.DisableAccount(
        P.DisableAccountRequest(request_id=rid(), user_id="clerk-hongyao", reason="调离"),
        metadata=identity_metadata(ADMIN),
    )
    disabled = rpc_error(lambda: refresh(staff, hongyao))
    assert disabled.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "账号已停用" in disabled.details() and "disabled" in disabled.details()
    unknown = rpc_error(lambda: refresh(staff, Caller("nobody-here", "320826101", frozenset({"clerk"}))))
    assert unknown.code() == grpc.StatusCode.UNAUTHENTICATED and "no such account" in unknown.details()


def test_no_renewal_until_the_gateways_know_of_a_revocation(staff: StaffUnderTest) -> None:
    # A reset password signs out whoever held the old one: a token the gateways still take for a
    # few seconds must not be renewed into one issued after the revocation.
    staff.accounts.ResetPassword(
        P.ResetPasswordRequest(user_id="clerk-gaogou", new_password="temporary-2026"),
        metadata=identity_metadata(ADMIN),
    )
    refused = rpc_error(lambda: refresh(staff, CLERK))
    assert refused.code() == grpc.StatusCode.UNAUTHENTICATED and "signed out" in refused.details()
    # The default fetch interval (10 s) and one fetch's deadline (5 s) later.
    staff.real_time.advance(timedelta(seconds=16))
    assert refresh(staff, CLERK).token
