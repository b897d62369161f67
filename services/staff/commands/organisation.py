"""Changing the organisation: sites, stationed departments, windows, people and posts. Each change
announces the record as it now is (services.staff.events)."""

from __future__ import annotations

from sqlmodel import Session
from tongban.acceptance.v1 import catalog_pb2
from tongban.staff.v1 import organisation_pb2

from services.common.calls import CallContext
from services.common.errors import FieldProblem, StateProblem, permission_denied, required, wrong_state
from services.common.usecases import UseCases
from services.staff import events, repository, roles, views
from services.staff.commands.checks import day_or, opening_hours, refuse
from services.staff.models import (
    AccountRow,
    PostRow,
    SiteRow,
    StaffRow,
    StationedDepartmentRow,
    WindowRow,
)
from services.staff.scope import require_site

G = organisation_pb2
C = catalog_pb2
# The level a site's parent has: a township hangs under the county, a village under a township.
_PARENT_LEVEL = {C.SITE_LEVEL_TOWNSHIP: C.SITE_LEVEL_COUNTY, C.SITE_LEVEL_VILLAGE: C.SITE_LEVEL_TOWNSHIP}


def _site_view(session: Session, row: SiteRow) -> organisation_pb2.Site:
    session.flush()
    return views.site_view(
        row, repository.departments(session, row.code), repository.windows(session, row.code)
    )


def put_site(uc: UseCases, call: CallContext, request: G.PutSiteRequest) -> G.PutSiteResponse:
    def use_case(session: Session) -> G.PutSiteResponse:
        problems = required(request.code, "code", "站点编码") + required(request.name, "name", "站点名称")
        if request.level == C.SITE_LEVEL_UNSPECIFIED:
            problems.append(
                FieldProblem("level", "县中心、乡镇分中心或村便民服务站 / county, township or village")
            )
        parent_level = _PARENT_LEVEL.get(request.level)
        parent = repository.site(session, request.parent_code) if request.parent_code else None
        if parent_level is None and request.parent_code:
            problems.append(
                FieldProblem("parent_code", "县中心没有上级站点 / the county centre has no parent")
            )
        if parent_level is not None and (parent is None or parent.level != parent_level):
            problems.append(
                FieldProblem("parent_code", "上级站点须为已登记的上一级站点 / a registered site one level up")
            )
        refuse("站点信息不完整 / the site is incomplete", problems)
        row = repository.site(session, request.code) or SiteRow(code=request.code, name="", level=0)
        row.name, row.level, row.parent_code = request.name.strip(), request.level, request.parent_code
        session.add(row)
        events.site_changed(session, row, uc.clock.now())
        return G.PutSiteResponse(site=_site_view(session, row))

    return uc.once(call, "PutSite", request, G.PutSiteResponse, use_case)


def _known_site(session: Session, call: CallContext, code: str, field: str = "site_code") -> SiteRow:
    refuse("缺少站点 / the site is required", required(code, field, "站点编码"))
    row = repository.site(session, code)
    if row is None:
        refuse(
            "站点不存在 / no such site", [FieldProblem(field, f"站点 {code} 未登记 / not a registered site")]
        )
    require_site(session, call, code)
    assert row is not None  # refused above
    return row


def put_department(
    uc: UseCases, call: CallContext, request: G.PutDepartmentRequest
) -> G.PutDepartmentResponse:
    def use_case(session: Session) -> G.PutDepartmentResponse:
        site = _known_site(session, call, request.site_code)
        refuse(
            "部门信息不完整 / the department is incomplete",
            required(request.department_code, "department_code", "部门编码")
            + ([] if request.withdrawn else required(request.name, "name", "部门名称")),
        )
        row = repository.department(session, site.code, request.department_code) or StationedDepartmentRow(
            site_code=site.code, department_code=request.department_code, name=request.name.strip()
        )
        if request.withdrawn:
            open_windows = [
                w.code
                for w in repository.windows(session, site.code)
                if w.department_code == row.department_code and not w.closed
            ]
            if open_windows:
                raise wrong_state(
                    f"部门 {row.department_code} 还有开放的窗口, 请先关闭 / close its windows first",
                    [StateProblem(code, "window open", "WINDOW") for code in open_windows],
                )
        if request.name.strip():
            row.name = request.name.strip()
        row.withdrawn = request.withdrawn
        session.add(row)
        return G.PutDepartmentResponse(site=_site_view(session, site))

    return uc.once(call, "PutDepartment", request, G.PutDepartmentResponse, use_case)


def put_window(uc: UseCases, call: CallContext, request: G.PutWindowRequest) -> G.PutWindowResponse:
    def use_case(session: Session) -> G.PutWindowResponse:
        site_code = request.code.rsplit("-", 1)[0] if request.code else ""
        problems = required(request.code, "code", "窗口编码") + required(request.name, "name", "窗口名称")
        if request.kind == G.WINDOW_KIND_UNSPECIFIED:
            problems.append(FieldProblem("kind", "专业窗口或综合窗口 / department or comprehensive"))
        refuse("窗口信息不完整 / the window is incomplete", problems)
        site = _known_site(session, call, site_code, "code")
        department = request.department_code
        if request.kind == G.WINDOW_KIND_DEPARTMENT:
            stationed = repository.department(session, site.code, department) if department else None
            if stationed is None or stationed.withdrawn:
                problems.append(
                    FieldProblem(
                        "department_code", "须为派驻本站点的部门 / a department stationed at the site"
                    )
                )
        elif department:
            problems.append(
                FieldProblem("department_code", "综合窗口不属于某一部门 / none for a comprehensive window")
            )
        hours = opening_hours(list(request.opening_hours), problems)
        refuse("窗口信息有误 / the window is wrong", problems)
        row = repository.window(session, request.code) or WindowRow(
            code=request.code, site_code=site.code, name="", kind=0
        )
        row.name, row.kind, row.department_code = request.name.strip(), request.kind, department
        row.matter_codes = " ".join(dict.fromkeys(request.matter_codes))
        row.opening_hours = hours
        row.closed = request.closed
        session.add(row)
        events.window_changed(session, row, uc.clock.now())
        return G.PutWindowResponse(window=views.window_view(row))

    return uc.once(call, "PutWindow", request, G.PutWindowResponse, use_case)


def _member_problems(session: Session, request: G.PutStaffMemberRequest, site: SiteRow) -> list[FieldProblem]:
    problems = required(request.name, "name", "姓名") + required(
        request.original_unit, "original_unit", "派驻单位"
    )
    if not request.roles:
        problems.append(FieldProblem("roles", "至少一个角色 / at least one role"))
    if set(request.roles) & roles.DEPARTMENT_ROLES and not request.department_code:
        problems.append(
            FieldProblem(
                "department_code", "部门事项管理员须指定部门 / a catalogue officer needs a department"
            )
        )
    if request.window_code:
        window = repository.window(session, request.window_code)
        if window is None or window.site_code != site.code:
            problems.append(FieldProblem("window_code", "须为本站点的窗口 / a window of the person's site"))
        elif window.department_code and request.department_code != window.department_code:
            problems.append(
                FieldProblem(
                    "department_code",
                    f"须与窗口的部门 {window.department_code} 一致 / the window's department",
                )
            )
    if request.department_code and repository.department(session, site.code, request.department_code) is None:
        problems.append(
            FieldProblem("department_code", "须为派驻本站点的部门 / a department stationed at the site")
        )
    return problems


def put_staff_member(
    uc: UseCases, call: CallContext, request: G.PutStaffMemberRequest
) -> G.PutStaffMemberResponse:
    def use_case(session: Session) -> G.PutStaffMemberResponse:
        refuse("缺少用户编号 / user_id is required", required(request.user_id, "user_id", "用户编号"))
        site = _known_site(session, call, request.site_code)
        row = repository.member(session, request.user_id, for_update=True)
        if row is not None and row.site_code != site.code:
            require_site(session, call, row.site_code)  # moving someone out of another's site
        if set(request.roles) & roles.COUNTY_ONLY and "centre_admin" not in call.caller.roles:
            raise permission_denied(
                "只有县中心管理员可以授予管理员、监察或部门事项管理员角色 / "
                "only the county's administrator gives these"
            )
        problems = _member_problems(session, request, site)
        posted_on = day_or(request.posted_on, "posted_on", uc.today(), problems)
        refuse("人员信息有误 / the person's details are wrong", problems)
        now = uc.clock.now()
        if row is None:
            row = StaffRow(
                user_id=request.user_id,
                name="",
                original_unit="",
                site_code=site.code,
                roles="",
                posted_on=posted_on,
            )
        moved = row.window_code != request.window_code
        row.name, row.original_unit = request.name.strip(), request.original_unit.strip()
        row.site_code, row.window_code, row.department_code = (
            site.code,
            request.window_code,
            request.department_code,
        )
        row.roles = roles.stored(request.roles)
        row.posted_on = posted_on if (moved or request.posted_on) else row.posted_on
        left = row.active and not request.active
        row.active = request.active
        session.add(row)
        session.flush()
        account = repository.account(session, row.user_id, for_update=True)
        if account is None:
            account = AccountRow(user_id=row.user_id)
            session.add(account)
        if left:
            # Returned to the original unit: signed out everywhere, and no new sign-in.
            account.disabled = True
            account.tokens_revoked_at = now
        events.member_changed(session, row, account, now)
        return G.PutStaffMemberResponse(member=views.member_view(row, account))

    return uc.once(call, "PutStaffMember", request, G.PutStaffMemberResponse, use_case)


def _post_holder(
    session: Session, user_id: str, field: str, site_code: str, problems: list[FieldProblem]
) -> StaffRow | None:
    row = repository.member(session, user_id) if user_id else None
    if user_id and (row is None or not row.active or row.site_code != site_code):
        problems.append(FieldProblem(field, "须为本站点在岗人员 / an active person of the site"))
    return row


def set_posts(uc: UseCases, call: CallContext, request: G.SetPostsRequest) -> G.SetPostsResponse:
    """A department with two or more window staff names a chief representative; a one-person
    department an A post (that person) and a B post (a colleague of the site who covers)."""

    def use_case(session: Session) -> G.SetPostsResponse:
        site = _known_site(session, call, request.site_code)
        refuse(
            "缺少部门 / the department is required",
            required(request.department_code, "department_code", "部门编码"),
        )
        staff = [m.user_id for m in repository.window_staff(session, site.code, request.department_code)]
        problems: list[FieldProblem] = []
        if len(staff) >= 2:
            if request.chief_representative not in staff:
                problems.append(
                    FieldProblem(
                        "chief_representative",
                        "须为本部门窗口人员之一 / one of the department's window staff",
                    )
                )
            if request.a_post or request.b_post:
                problems.append(
                    FieldProblem(
                        "a_post", "两人以上的部门设首席代表, 不设A/B岗 / a chief representative instead"
                    )
                )
        else:
            if request.chief_representative:
                problems.append(
                    FieldProblem("chief_representative", "一人部门设A/B岗 / A and B posts instead")
                )
            if request.a_post not in staff:
                problems.append(
                    FieldProblem("a_post", "须为本部门的窗口人员 / the department's window person")
                )
            _post_holder(session, request.b_post, "b_post", site.code, problems)
            if not request.b_post or request.b_post == request.a_post:
                problems.append(FieldProblem("b_post", "须为另一位本站点人员 / another person of the site"))
        refuse("岗位设置不符合规定 / the posts break the rules", problems)
        row = repository.posts(session, site.code, request.department_code) or PostRow(
            site_code=site.code, department_code=request.department_code
        )
        row.chief_representative = request.chief_representative
        row.a_post, row.b_post = request.a_post, request.b_post
        session.add(row)
        events.posts_changed(session, row, call.caller.user_id, uc.clock.now())
        return G.SetPostsResponse(posts=views.posts_view(row))

    return uc.once(call, "SetPosts", request, G.SetPostsResponse, use_case)
