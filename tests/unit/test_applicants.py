"""What a caller sees of an applicant: only enterprises' public registers are shown by default."""

from __future__ import annotations

from tongban.acceptance.v1 import acceptance_pb2 as A

from services.acceptance.applicants import masked

PERSON = A.Applicant(
    kind=A.APPLICANT_KIND_PERSON,
    name="王秀英",
    id_number="32082619850312002X",
    phone="13912345678",
    address="高沟镇杨口村",
)


def test_a_person_is_masked_except_what_the_role_may_see() -> None:
    shown = masked(PERSON)
    assert (shown.name, shown.id_number, shown.phone, shown.address) == (
        "王**",
        "320826********002X",
        "139****5678",
        "",
    )
    reviewer = masked(PERSON, {"name", "id_number"})
    assert (reviewer.name, reviewer.id_number, reviewer.phone) == ("王秀英", PERSON.id_number, "139****5678")


def test_an_applicant_of_no_known_kind_is_masked_like_a_person() -> None:
    for kind in (A.APPLICANT_KIND_UNSPECIFIED, 99):
        odd = A.Applicant()
        odd.CopyFrom(PERSON)
        odd.kind = kind  # type: ignore[assignment]
        assert masked(odd).id_number == "320826********002X"
        assert masked(odd).address == ""


def test_an_enterprise_shows_its_public_register() -> None:
    enterprise = A.Applicant(
        kind=A.APPLICANT_KIND_ENTERPRISE,
        name="涟水县高沟镇农机合作社",
        id_number="91350100M000100Y43",
        phone="0517-82345678",
        address="高沟镇",
    )
    shown = masked(enterprise)
    assert (shown.name, shown.id_number, shown.address) == (enterprise.name, enterprise.id_number, "高沟镇")
    assert shown.phone == "0517-******78"
