"""Which sites a caller manages: the county's centre administrator every site, a township officer
their own sub-centre and its village stations (DOMAIN.md, "Sites"); read-only roles declared
cross-site in the RPC's access rule (inspectors) see every site."""

from __future__ import annotations

from sqlmodel import Session

from services.common.calls import CallContext
from services.common.errors import permission_denied
from services.staff import repository


def managed_sites(session: Session, call: CallContext) -> list[str] | None:
    """The site codes the caller reaches; None for every site."""
    caller = call.caller
    if caller.has_any(call.policy.cross_site_roles) or not call.policy.own_site:
        return None
    return [caller.site_code, *repository.children(session, caller.site_code)]


def require_site(session: Session, call: CallContext, site_code: str) -> None:
    sites = managed_sites(session, call)
    if sites is not None and site_code not in sites:
        raise permission_denied(
            f"只能管理本分中心及其便民服务站, 站点 {site_code} 不在其内 / "
            f"you manage only your own sub-centre and its village stations, not site {site_code}"
        )
