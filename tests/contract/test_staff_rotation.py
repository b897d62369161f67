"""Rotation against a real staff server: refused at 11 months and allowed at 12, a centre's two
years, the county administrator's override with its reason (a township officer may not), the
new person trained before taking the window, A post handed over, a township officer refused on
another site, bad input refused and nothing changed."""

from __future__ import annotations

from datetime import datetime

import grpc
from tongban.staff.v1 import events_pb2 as E
from tongban.staff.v1 import organisation_pb2 as G
from tongban.staff.v1 import rotation_pb2 as R

from services.common.clock import CHINA
from services.common.identity import Caller
from tests.contract.helpers import field_violations, rpc_error
from tests.contract.staff_support import ADMIN, OFFICER, StaffUnderTest, staff
from tests.support import identity_metadata, row_counts

__all__ = ["staff"]
_ids = iter(range(1, 10**9))
W02 = "320826101-W02"  # the township's 民政 (MZ) window


def rid() -> str:
    return f"rotation-{next(_ids)}"


def person(staff: StaffUnderTest, user: str, posted_on: str, window: str = "") -> None:
    staff.organisation.PutStaffMember(
        G.PutStaffMemberRequest(
            request_id=rid(),
            user_id=user,
            name="测试人员",
            original_unit="县民政局",
            site_code="320826101",
            window_code=window,
            department_code="MZ",
            roles=[G.STAFF_ROLE_CLERK],
            posted_on=posted_on,
            active=True,
        ),
        metadata=identity_metadata(ADMIN),
    )


def ask(staff: StaffUnderTest, effective: str, *, override: str = "", who: Caller = OFFICER) -> R.Rotation:
    request = R.RequestRotationRequest(
        request_id=rid(),
        window_code=W02,
        current_user_id="mz-old",
        proposed_user_id="mz-new",
        reasons="县民政局来函：工作需要",
        effective_on=effective,
        override_reason=override,
    )
    return staff.rotations.RequestRotation(request, metadata=identity_metadata(who)).rotation


def _setup(staff: StaffUnderTest) -> None:
    person(staff, "mz-old", "2025-10-29", window=W02)
    person(staff, "mz-new", "2024-03-01")


def test_refused_at_eleven_months_allowed_at_twelve(staff: StaffUnderTest) -> None:
    _setup(staff)
    before = row_counts(staff.db)
    short = rpc_error(lambda: ask(staff, "2026-10-28"))
    assert short.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "11 个月" in (short.details() or "")
    assert row_counts(staff.db)["rotations"] == before["rotations"]
    allowed = ask(staff, "2026-10-29")
    assert (allowed.served_months, allowed.minimum_months, allowed.state) == (
        12,
        12,
        R.ROTATION_STATE_APPROVED,
    )


def test_a_centre_of_two_years_and_the_county_administrators_override(staff: StaffUnderTest) -> None:
    _setup(staff)
    staff.rotations.SetRotationPolicy(
        R.SetRotationPolicyRequest(request_id=rid(), site_code="320826000", minimum_posting_years=2),
        metadata=identity_metadata(ADMIN),
    )
    # The township follows its county centre: 12 months are not enough any more.
    assert rpc_error(lambda: ask(staff, "2026-10-29")).code() == grpc.StatusCode.FAILED_PRECONDITION
    # Only the county's administrator overrides, and the reason is kept.
    refused = rpc_error(lambda: ask(staff, "2026-10-29", override="人员调整"))
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    overridden = ask(staff, "2026-10-29", override="原单位机构改革", who=ADMIN)
    assert (overridden.minimum_months, overridden.override_reason, overridden.overridden_by) == (
        24,
        "原单位机构改革",
        "admin-county",
    )


def test_in_january_by_default_and_only_once_trained(staff: StaffUnderTest) -> None:
    _setup(staff)
    staff.organisation.SetPosts(
        G.SetPostsRequest(
            request_id=rid(),
            site_code="320826101",
            department_code="MZ",
            a_post="mz-old",
            b_post="clerk-gaogou",
        ),
        metadata=identity_metadata(ADMIN),
    )
    rotation = ask(staff, "")
    assert rotation.effective_on == "2027-01-01"
    complete = R.CompleteRotationRequest(request_id=rid(), rotation_id=rotation.rotation_id)
    untrained = rpc_error(
        lambda: staff.rotations.CompleteRotation(complete, metadata=identity_metadata(OFFICER))
    )
    assert untrained.code() == grpc.StatusCode.FAILED_PRECONDITION
    trained = staff.rotations.RecordTraining(
        R.RecordTrainingRequest(
            request_id=rid(), rotation_id=rotation.rotation_id, training="民政业务岗前培训"
        ),
        metadata=identity_metadata(OFFICER),
    ).rotation
    assert (trained.state, trained.trained_on) == (R.ROTATION_STATE_TRAINED, "2026-09-28")
    early = R.CompleteRotationRequest(request_id=rid(), rotation_id=rotation.rotation_id)
    assert rpc_error(
        lambda: staff.rotations.CompleteRotation(early, metadata=identity_metadata(OFFICER))
    ).code() == (grpc.StatusCode.FAILED_PRECONDITION)
    staff.clock.moment = datetime(2027, 1, 4, 9, 0, tzinfo=CHINA)
    done = staff.rotations.CompleteRotation(
        R.CompleteRotationRequest(request_id=rid(), rotation_id=rotation.rotation_id),
        metadata=identity_metadata(OFFICER),
    ).rotation
    assert done.state == R.ROTATION_STATE_COMPLETED
    moved = {e.user_id: (e.window_code, e.posted_on) for e in staff.published(E.StaffMemberChanged)[-2:]}
    assert moved == {"mz-new": (W02, "2027-01-04"), "mz-old": ("", "2025-10-29")}
    assert staff.published(E.PostsChanged)[-1].a_post == "mz-new"
    listed = staff.rotations.ListRotations(R.ListRotationsRequest(), metadata=identity_metadata(OFFICER))
    assert [r.rotation_id for r in listed.rotations] == [rotation.rotation_id]


def test_a_township_officer_is_refused_on_another_site_and_bad_input_changes_nothing(
    staff: StaffUnderTest,
) -> None:
    _setup(staff)
    before = row_counts(staff.db)
    county = R.RequestRotationRequest(
        request_id=rid(),
        window_code="320826000-W03",
        current_user_id="reviewer-mz",
        proposed_user_id="mz-new",
        reasons="工作需要",
        effective_on="2027-01-01",
    )
    refused = rpc_error(lambda: staff.rotations.RequestRotation(county, metadata=identity_metadata(OFFICER)))
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    blank = R.RequestRotationRequest(
        request_id=rid(),
        window_code=W02,
        current_user_id="clerk-gaogou",
        proposed_user_id="mz-old",
        reasons=" ",
        effective_on="2026-02-30",
    )
    bad = rpc_error(lambda: staff.rotations.RequestRotation(blank, metadata=identity_metadata(OFFICER)))
    assert set(field_violations(bad)) == {"reasons", "current_user_id", "effective_on"}
    after = row_counts(staff.db)
    assert {t: n for t, n in after.items() if t != "idempotency_keys"} == {
        t: n for t, n in before.items() if t != "idempotency_keys"
    }
