"""Who the bench acts as: demo users of deploy/demo/users.json, and what they file.

Kept here, not read from the product's files, so a change to the demo data shows up as a
clear failure of `tongban token` rather than as a silently different workload.
"""

from __future__ import annotations

import itertools
import os

from tongban.acceptance.v1 import acceptance_pb2 as S

from bench.stack import User

# Submissions come from four sites at once (three townships and the county centre): each
# site numbers its cases from its own daily counter.
SUBMIT_CLERKS = (
    User("clerk-gaogou", "320826101", "320826101-W01"),
    User("clerk-hongyao", "320826102", "320826102-W01"),
    User("clerk-zhuma", "320826103", "320826103-W01"),
    User("clerk-county", "320826000", "320826000-W01"),
)
# The parallel-approval matter is accepted at township sub-centres only.
TOWNSHIP_CLERKS = SUBMIT_CLERKS[:3]
REVIEWERS = {
    code: User(f"reviewer-{code.lower()}", "320826000", department_code=code) for code in ("ZR", "ZJ", "NJ")
}

# 拖拉机和联合收割机登记: 县乡同办, accepted at township and county sites, county (NJ) decides.
TRACTOR = "320826-NJ-XK-001"
TRACTOR_MATERIALS = ("M01", "M02", "M03", "M04", "M05")
# 乡村建设规划许可证核发: township initial review, ZR (lead), ZJ and NJ in parallel, ZR decides.
PLANNING = "320826-ZR-XK-001"
PLANNING_MATERIALS = ("M01", "M02", "M03", "M04")

# A valid resident ID (GB 11643 check character) and mobile number; not a real person.
APPLICANT = S.Applicant(
    kind=S.APPLICANT_KIND_PERSON, name="王秀英", id_number="32082619850312002X", phone="13912345678"
)

_run = os.urandom(4).hex()
_serial = itertools.count(1)


def request_id(what: str) -> str:
    """A request_id no other call of this or any other run uses."""
    return f"bench-{_run}-{what}-{next(_serial)}"


def application(clerk: User, matter: str, materials: tuple[str, ...]) -> S.SubmitApplicationRequest:
    """A complete application, so the window accepts it at once (no one-time notice)."""
    return S.SubmitApplicationRequest(
        request_id=request_id("submit"),
        matter_code=matter,
        window_code=clerk.window_code,
        applicant=APPLICANT,
        materials=[S.ProvidedMaterial(material_code=code) for code in materials],
    )
