"""Read use cases: the organisation, who is on duty, the calendar, and the gateway's keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from tongban.acceptance.v1 import catalog_pb2
from tongban.staff.v1 import calendar_pb2, keys_pb2, organisation_pb2

from services.common.calendar import CalendarDataMissing
from services.common.calls import CallContext
from services.common.clock import Clock
from services.common.errors import FieldProblem, invalid_input, not_found
from services.common.usecases import UseCases
from services.staff import duty, repository, signing, views
from services.staff.commands.calendar import year_view
from services.staff.scope import managed_sites, require_site

G = organisation_pb2
K = calendar_pb2


def _day(value: str, field: str, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid_input(
            "日期格式应为 YYYY-MM-DD / dates are YYYY-MM-DD",
            [FieldProblem(field, "日期应写作 YYYY-MM-DD / not a YYYY-MM-DD date")],
        ) from None


@dataclass
class OrganisationQueries:
    uc: UseCases

    def list_sites(self) -> G.ListSitesResponse:
        with self.uc.db.reading() as session:
            departments = repository.departments(session)
            windows = repository.windows(session)
            return G.ListSitesResponse(
                sites=[
                    views.site_view(
                        site,
                        [d for d in departments if d.site_code == site.code],
                        [w for w in windows if w.site_code == site.code],
                    )
                    for site in repository.sites(session)
                ]
            )

    def list_staff(self, call: CallContext, request: G.ListStaffRequest) -> G.ListStaffResponse:
        with self.uc.db.reading() as session:
            site_code = request.site_code or call.caller.site_code
            if request.window_code and not request.site_code:
                window = repository.window(session, request.window_code)
                site_code = window.site_code if window else site_code
            require_site(session, call, site_code)
            # A township's list takes in its village stations, as it manages them.
            site = repository.site(session, site_code)
            township = site is not None and site.level == catalog_pb2.SITE_LEVEL_TOWNSHIP
            sites = [site_code, *repository.children(session, site_code)] if township else [site_code]
            allowed = managed_sites(session, call)
            sites = [code for code in sites if allowed is None or code in allowed]
            rows = repository.staff(session, sites, request.window_code)
            accounts = repository.accounts(session, [row.user_id for row in rows])
            return G.ListStaffResponse(
                staff=[views.member_view(row, accounts.get(row.user_id)) for row in rows]
            )

    def get_member(self, call: CallContext, request: G.GetStaffMemberRequest) -> G.GetStaffMemberResponse:
        with self.uc.db.reading() as session:
            row = repository.member(session, request.user_id)
            if row is None:
                raise not_found("staff", request.user_id, f"没有用户 {request.user_id} / no such user")
            require_site(session, call, row.site_code)
            return G.GetStaffMemberResponse(
                member=views.member_view(row, repository.account(session, row.user_id))
            )

    def window_duty(self, request: G.GetWindowDutyRequest) -> G.GetWindowDutyResponse:
        day = _day(request.day, "day", self.uc.today())
        with self.uc.db.reading() as session:
            window = repository.window(session, request.window_code)
            if window is None:
                raise not_found(
                    "window", request.window_code, f"没有窗口 {request.window_code} / no such window"
                )
            found = duty.on_duty(session, window, day)
        return G.GetWindowDutyResponse(
            window_code=window.code, day=day.isoformat(), on_duty=found.user_id, reason=found.reason
        )


@dataclass
class CalendarQueries:
    uc: UseCases

    def get_year(self, request: K.GetCalendarYearRequest) -> K.GetCalendarYearResponse:
        try:
            arrangement = self.uc.calendar.arrangement(request.year)
        except CalendarDataMissing as missing:
            raise not_found("calendar_year", str(request.year), str(missing)) from None
        first, last = date(request.year, 1, 1), date(request.year, 12, 31)
        working = self.uc.calendar.working_days_between(first, last) + self.uc.calendar.is_working_day(first)
        return K.GetCalendarYearResponse(year=year_view(arrangement, request.year), working_days=working)


def _stamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


@dataclass
class KeyQueries:
    uc: UseCases
    # The real time: the gateway compares keys and revocations with it (not the service's clock).
    real_time: Clock

    def verification_keys(self) -> keys_pb2.GetVerificationKeysResponse:
        now = self.real_time.now()
        with self.uc.db.reading() as session:
            keys = signing.published(session, now)
            revoked = repository.revoked_accounts(session, now - signing.LONGEST_TOKEN_LIFETIME)
        return keys_pb2.GetVerificationKeysResponse(
            keys=[keys_pb2.VerificationKey(kid=row.kid, public_key_pem=row.public_pem) for row in keys],
            revocations=[
                _revocation(row.user_id, row.disabled, row.tokens_revoked_at, now) for row in revoked
            ],
        )


def _revocation(
    user_id: str, disabled: bool, revoked_at: datetime | None, now: datetime
) -> keys_pb2.Revocation:
    # A disabled account's tokens are refused whenever they were issued (demo tokens are signed
    # without asking the staff service), so its line reaches past any token's expiry.
    until = now + signing.LONGEST_TOKEN_LIFETIME if disabled or revoked_at is None else revoked_at
    return keys_pb2.Revocation(user_id=user_id, issued_before_time=_stamp(until))
