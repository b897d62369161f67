"""Whether a site may accept a matter on a day (县级事项向乡镇延伸).

The matter's own accepting levels say where it is accepted until a decision says otherwise. An
extension decision about a whole site level overrides them from its effective date; one about a
named site overrides both. Of several decisions in force, the latest effective (then the latest
recorded) counts. Only receiving is decided here: cases received before a withdrawal go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C

from services.acceptance.models import ExtensionRow, SiteRow


@dataclass(frozen=True)
class Standing:
    accepts: bool
    # The decision that says so; None when the matter's own levels do.
    decision: ExtensionRow | None = None


def standing(matter: C.Matter, site: SiteRow, records: Sequence[ExtensionRow], day: date) -> Standing:
    """`records` are the matter's decisions (any order); those not about this site are ignored."""
    in_force = [r for r in records if r.matter_code == matter.code and r.effective_on <= day]
    about_site = [r for r in in_force if r.site_code == site.code]
    about_level = [r for r in in_force if not r.site_code and r.site_level == site.level]
    for group in (about_site, about_level):
        if group:
            last = max(group, key=lambda r: (r.effective_on, r.id or 0))
            return Standing(last.action == A.EXTENSION_ACTION_EXTEND, last)
    return Standing(site.level in matter.accepting_levels)


def by_matter(records: Iterable[ExtensionRow]) -> dict[str, list[ExtensionRow]]:
    """Decisions grouped by matter: a site's list weighs each matter against its own only (the
    demo's county decision alone is one per matter and level)."""
    grouped: dict[str, list[ExtensionRow]] = {}
    for record in records:
        grouped.setdefault(record.matter_code, []).append(record)
    return grouped
