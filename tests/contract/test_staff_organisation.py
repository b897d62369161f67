"""The organisation the staff service owns, against a real server: the demo seed, changes and the
events other services copy, scope (a township officer manages only their own sub-centre), bad
input refused with field violations and nothing changed, and A/B posts with their handover."""

from __future__ import annotations

import grpc
from tongban.acceptance.v1 import catalog_pb2 as C
from tongban.staff.v1 import accounts_pb2 as P
from tongban.staff.v1 import events_pb2 as E
from tongban.staff.v1 import organisation_pb2 as G

from tests.contract.helpers import field_violations, rpc_error
from tests.contract.staff_support import ADMIN, CLERK, OFFICER, StaffUnderTest, staff
from tests.support import identity_metadata, row_counts

__all__ = ["staff"]
_ids = iter(range(1, 10**9))


def rid() -> str:
    return f"staff-{next(_ids)}"


def as_(caller: object) -> tuple[tuple[str, str], ...]:
    return identity_metadata(caller)  # type: ignore[arg-type]


def window_request(code: str = "320826101-W07", **overrides: object) -> G.PutWindowRequest:
    fields: dict[str, object] = {
        "request_id": rid(),
        "code": code,
        "name": "民政窗口二",
        "kind": G.WINDOW_KIND_DEPARTMENT,
        "department_code": "MZ",
        "matter_codes": ["320826-MZ-QT-002"],
        "opening_hours": ["08:30-12:00", "14:00-17:30"],
    }
    fields.update(overrides)
    return G.PutWindowRequest(**fields)  # type: ignore[arg-type]


def test_the_demo_organisation_is_there_and_was_announced(staff: StaffUnderTest) -> None:
    sites = {s.code: s for s in staff.organisation.ListSites(G.ListSitesRequest(), metadata=as_(CLERK)).sites}
    assert set(sites) == {"320826000", "320826101", "320826102", "320826103", "320826101001"}
    gaogou = sites["320826101"]
    assert (gaogou.level, gaogou.parent_code) == (C.SITE_LEVEL_TOWNSHIP, "320826000")
    assert [d.code for d in gaogou.departments] == ["MZ", "NJ", "RS", "WJ", "ZR"]
    w01 = gaogou.windows[0]
    assert (w01.code, w01.kind, list(w01.opening_hours)) == (
        "320826101-W01",
        G.WINDOW_KIND_COMPREHENSIVE,
        ["08:30-12:00", "14:00-17:30"],
    )
    # What acceptance and approval copy: every site, window and person, by user id and no name.
    assert {e.code for e in staff.published(E.SiteChanged)} == set(sites)
    assert len(staff.published(E.WindowChanged)) == sum(len(s.windows) for s in sites.values())
    members = {m.user_id: m for m in staff.published(E.StaffMemberChanged)}
    assert members["reviewer-nj"].department_code == "NJ"
    assert members["reviewer-county"].roles == [G.STAFF_ROLE_REVIEWER, G.STAFF_ROLE_CHIEF_REPRESENTATIVE]


def test_an_officer_changes_a_window_of_their_sub_centre(staff: StaffUnderTest) -> None:
    window = staff.organisation.PutWindow(window_request(), metadata=as_(OFFICER)).window
    assert (window.site_code, list(window.matter_codes)) == ("320826101", ["320826-MZ-QT-002"])
    announced = staff.published(E.WindowChanged)[-1]
    assert (announced.code, announced.department_code, announced.closed) == ("320826101-W07", "MZ", False)
    closed = staff.organisation.PutWindow(window_request(closed=True), metadata=as_(OFFICER)).window
    assert closed.closed and staff.published(E.WindowChanged)[-1].closed
    # Their village station is theirs to manage too.
    village = window_request("320826101001-W02", kind=G.WINDOW_KIND_COMPREHENSIVE, department_code="")
    assert staff.organisation.PutWindow(village, metadata=as_(OFFICER)).window.site_code == "320826101001"


def test_a_township_officer_is_refused_on_another_site_and_nothing_changes(staff: StaffUnderTest) -> None:
    before = row_counts(staff.db)
    for call in (
        lambda: staff.organisation.PutWindow(window_request("320826102-W07"), metadata=as_(OFFICER)),
        lambda: staff.organisation.ListStaff(
            G.ListStaffRequest(site_code="320826102"), metadata=as_(OFFICER)
        ),
        lambda: staff.organisation.GetStaffMember(
            G.GetStaffMemberRequest(user_id="clerk-hongyao"), metadata=as_(OFFICER)
        ),
        lambda: staff.accounts.ResetPassword(
            P.ResetPasswordRequest(user_id="clerk-hongyao", new_password="another-long-one"),
            metadata=as_(OFFICER),
        ),
    ):
        assert rpc_error(call).code() == grpc.StatusCode.PERMISSION_DENIED
    after = row_counts(staff.db)
    assert {t: n for t, n in after.items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }
    # The county's administrator manages every site.
    assert staff.organisation.PutWindow(window_request("320826102-W07"), metadata=as_(ADMIN)).window.code


def test_bad_input_is_refused_field_by_field_and_nothing_changes(staff: StaffUnderTest) -> None:
    before = row_counts(staff.db)
    error = rpc_error(
        lambda: staff.organisation.PutWindow(
            window_request(department_code="GA", opening_hours=["14:00-12:00"]), metadata=as_(OFFICER)
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(error)) == {"department_code", "opening_hours[0]"}
    error = rpc_error(
        lambda: staff.organisation.PutStaffMember(
            G.PutStaffMemberRequest(
                request_id=rid(),
                user_id="clerk-gaogou-2",
                site_code="320826101",
                window_code="320826102-W01",
                posted_on="2026-02-30",
                active=True,
            ),
            metadata=as_(OFFICER),
        )
    )
    assert set(field_violations(error)) == {"name", "original_unit", "roles", "window_code", "posted_on"}
    # Limits declared in the proto are checked before any use case.
    error = rpc_error(
        lambda: staff.organisation.PutWindow(window_request(code="W07; drop table"), metadata=as_(OFFICER))
    )
    assert set(field_violations(error)) == {"code"}
    after = row_counts(staff.db)
    # A refused keyed call keeps its answer for a retry, and nothing else.
    assert after["idempotency_keys"] - before["idempotency_keys"] == 2
    assert {t: n for t, n in after.items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }


def test_an_officer_may_not_make_an_administrator(staff: StaffUnderTest) -> None:
    request = G.PutStaffMemberRequest(
        request_id=rid(),
        user_id="officer-gaogou-2",
        name="高沟镇政务科员二",
        original_unit="高沟镇人民政府",
        site_code="320826101",
        roles=[G.STAFF_ROLE_CENTRE_ADMIN],
        active=True,
    )
    assert rpc_error(lambda: staff.organisation.PutStaffMember(request, metadata=as_(OFFICER))).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )


def test_a_new_person_is_announced_without_their_name(staff: StaffUnderTest) -> None:
    member = staff.organisation.PutStaffMember(
        G.PutStaffMemberRequest(
            request_id=rid(),
            user_id="clerk-gaogou-2",
            name="高沟镇综合窗口二",
            original_unit="高沟镇人民政府",
            site_code="320826101",
            window_code="320826101-W01",
            roles=[G.STAFF_ROLE_CLERK],
            posted_on="2026-09-01",
            active=True,
        ),
        metadata=as_(OFFICER),
    ).member
    assert (member.posted_on, member.account.has_password) == ("2026-09-01", False)
    announced = staff.published(E.StaffMemberChanged)[-1]
    assert announced.user_id == "clerk-gaogou-2" and "高沟镇综合窗口二" not in str(announced)


def duty(staff: StaffUnderTest, window: str = "320826000-W03") -> tuple[str, int]:
    found = staff.organisation.GetWindowDuty(G.GetWindowDutyRequest(window_code=window), metadata=as_(CLERK))
    return found.on_duty, found.reason


def test_a_one_person_window_hands_over_to_b_and_back(staff: StaffUnderTest) -> None:
    # 民政 at the county: reviewer-mz holds A, reviewer-nj covers as B.
    assert duty(staff) == ("reviewer-mz", G.DUTY_REASON_A_POST)
    staff.accounts.DisableAccount(
        P.DisableAccountRequest(request_id=rid(), user_id="reviewer-mz", reason="停职检查"),
        metadata=as_(ADMIN),
    )
    assert duty(staff) == ("reviewer-nj", G.DUTY_REASON_A_ABSENT)
    staff.accounts.EnableAccount(
        P.EnableAccountRequest(request_id=rid(), user_id="reviewer-mz"), metadata=as_(ADMIN)
    )
    assert duty(staff) == ("reviewer-mz", G.DUTY_REASON_A_POST)


def test_posts_follow_the_size_of_the_department(staff: StaffUnderTest) -> None:
    # GA has two window staff at the county: a chief representative, no A/B posts.
    two = G.SetPostsRequest(
        request_id=rid(), site_code="320826000", department_code="GA", a_post="reviewer-county"
    )
    error = rpc_error(lambda: staff.organisation.SetPosts(two, metadata=as_(ADMIN)))
    assert set(field_violations(error)) == {"chief_representative", "a_post"}
    chief = G.SetPostsRequest(
        request_id=rid(), site_code="320826000", department_code="GA", chief_representative="reviewer-ga-b"
    )
    assert (
        staff.organisation.SetPosts(chief, metadata=as_(ADMIN)).posts.chief_representative == "reviewer-ga-b"
    )
    assert staff.published(E.PostsChanged)[-1].chief_representative == "reviewer-ga-b"
    # MZ has one: A is that person, B another person of the site.
    one = G.SetPostsRequest(
        request_id=rid(),
        site_code="320826000",
        department_code="MZ",
        a_post="reviewer-mz",
        b_post="reviewer-mz",
    )
    assert set(
        field_violations(rpc_error(lambda: staff.organisation.SetPosts(one, metadata=as_(ADMIN))))
    ) == {"b_post"}


def test_a_catalogue_officer_names_a_department_and_only_the_county_names_one(staff: StaffUnderTest) -> None:
    def officer(**overrides: object) -> G.PutStaffMemberRequest:
        fields: dict[str, object] = {
            "request_id": rid(),
            "user_id": "catalogue-ga",
            "name": "县公安局事项管理员",
            "original_unit": "县公安局",
            "site_code": "320826000",
            "department_code": "GA",
            "roles": [G.STAFF_ROLE_CATALOGUE_OFFICER],
            "active": True,
        }
        fields.update(overrides)
        return G.PutStaffMemberRequest(**fields)  # type: ignore[arg-type]

    before = {t: n for t, n in row_counts(staff.db).items() if t != "idempotency_keys"}
    township = officer(user_id="catalogue-mz-2", site_code="320826101", department_code="MZ")
    denied = rpc_error(lambda: staff.organisation.PutStaffMember(township, metadata=as_(OFFICER)))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    blank = rpc_error(
        lambda: staff.organisation.PutStaffMember(officer(department_code=""), metadata=as_(ADMIN))
    )
    assert set(field_violations(blank)) == {"department_code"}
    assert {t: n for t, n in row_counts(staff.db).items() if t != "idempotency_keys"} == before

    staff.organisation.PutStaffMember(officer(), metadata=as_(ADMIN))
    members = {m.user_id: m for m in staff.published(E.StaffMemberChanged)}
    for user_id, department in (("catalogue-ga", "GA"), ("catalogue-mz", "MZ")):  # and the demo's
        assert (members[user_id].department_code, list(members[user_id].roles)) == (
            department,
            [G.STAFF_ROLE_CATALOGUE_OFFICER],
        )
