"""Which services receive which events. Supervision receives every event (ARCHITECTURE.md, "Events")."""

from __future__ import annotations

SUPERVISION = "supervision"

# Event type -> services that act on it, besides supervision.
_ROUTES: dict[str, tuple[str, ...]] = {
    # acceptance -> approval: a case was accepted (approval opens a review for county-decided cases),
    # withdrawn before decision, or supplemented after the county sent it back.
    "case.accepted": ("approval",),
    "case.withdrawn": ("approval",),
    "case.review_supplemented": ("approval",),
    # approval -> acceptance: the case was decided, or sent back to the window for supplement.
    "review.decided": ("acceptance",),
    "review.sent_back": ("acceptance",),
}


def destinations(event_type: str) -> tuple[str, ...]:
    """The services an event of this type is delivered to, supervision last."""
    return (*_ROUTES.get(event_type, ()), SUPERVISION)


def receivers() -> frozenset[str]:
    """Every service some event is delivered to."""
    return frozenset({SUPERVISION, *(area for areas in _ROUTES.values() for area in areas)})
