"""The catalogue's use cases that write: draft, publish (two-person rule), extend, import.

A county department's catalogue officer drafts for their own department only (the department
named in their identity); the centre administrator drafts for any. Only the centre administrator
publishes (the RPC's access rule), and never a draft they saved themselves (checked here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session
from tongban.acceptance.v1 import catalog_admin_pb2 as A

from services.acceptance import catalogue_file, extension_decisions, matter_rules, repository, versions
from services.acceptance.catalogue_file import CatalogueFile
from services.acceptance.extension_decisions import iso_day
from services.acceptance.models import DepartmentRow, MatterRow
from services.acceptance.versions import version_message
from services.common.calls import CallContext
from services.common.errors import (
    FieldProblem,
    StateProblem,
    invalid_input,
    not_found,
    permission_denied,
    required,
    wrong_state,
)
from services.common.usecases import UseCases

CENTRE_ADMIN = "centre_admin"
CATALOGUE_OFFICER = "catalogue_officer"


def may_draft(call: CallContext, department_code: str) -> bool:
    caller = call.caller
    if CENTRE_ADMIN in caller.roles:
        return True
    # An officer whose identity names no department drafts for none.
    return (
        CATALOGUE_OFFICER in caller.roles
        and bool(caller.department_code)
        and (caller.department_code == department_code)
    )


def _import_problems(parsed: CatalogueFile) -> None:
    if parsed.problems:
        raise invalid_input(
            f"目录文件有 {len(parsed.problems)} 处错误, 未导入任何内容 / "
            f"{len(parsed.problems)} errors in the file; nothing was imported",
            parsed.problems,
        )


def import_file(
    session: Session,
    parsed: CatalogueFile,
    *,
    by: str,
    today: date,
    now: datetime,
    note: str,
    announce: bool = True,
) -> A.ImportCatalogueResponse:
    """Check the whole file, then save its departments, a draft of each matter it changes and
    each extension decision not yet on record."""
    parsed.check(repository.department_codes(session))
    # A decision may name a matter of the catalogue or of the file (in force once published).
    matters = {code: department for code, department in repository.matter_departments(session)}
    matters.update({m.code: m.department_code for m in parsed.matters if m.code})
    fresh = parsed.check_extensions(
        today=today,
        matters=set(matters),
        sites=repository.site_codes(session),
        recorded={extension_decisions.row_key(row) for row in repository.extensions(session)},
    )
    _import_problems(parsed)
    for code, name in parsed.departments.items():
        session.merge(DepartmentRow(code=code, name=name))
    session.flush()
    drafts, unchanged = [], 0
    for matter in parsed.matters:
        row = versions.save_draft(session, matter, by=by, today=today, note=note)
        if row is None:
            unchanged += 1
        else:
            drafts.append(row)
    for decision in fresh:
        department = matters[decision.matter_code]
        extension_decisions.record(
            session, decision, department_code=department, by=by, now=now, announce=announce
        )
    session.flush()
    return A.ImportCatalogueResponse(
        drafts=[version_message(row) for row in drafts],
        unchanged_count=unchanged,
        department_count=len(parsed.departments),
        extension_count=len(fresh),
        unchanged_extension_count=len(parsed.extensions) - len(fresh),
    )


def parse(format: int, content: bytes) -> CatalogueFile:
    if format == A.CATALOGUE_FORMAT_XLSX:
        return catalogue_file.from_xlsx(content)
    return catalogue_file.from_json(content)


@dataclass
class CatalogueCommands:
    uc: UseCases

    def save_draft(self, call: CallContext, request: A.SaveMatterDraftRequest) -> A.SaveMatterDraftResponse:
        def use_case(session: Session) -> A.SaveMatterDraftResponse:
            matter = request.matter
            # Who may draft is settled before what is drafted: a refusal says nothing of the draft.
            # A blank department is the rules' problem below, not a permission one.
            latest = repository.latest_version(session, matter.code) if matter.code else None
            departments = {matter.department_code} - {""} | ({latest.department_code} if latest else set())
            if not all(may_draft(call, code) for code in departments):
                raise permission_denied(
                    "只能起草本部门的事项 / you may only draft your own department's matters"
                )
            problems = matter_rules.problems(matter, repository.department_codes(session))
            if problems:
                raise invalid_input("事项草稿有误, 请按提示修改 / the draft has errors", problems)
            row = versions.save_draft(
                session, matter, by=call.caller.user_id, today=self.uc.today(), note=request.note
            )
            if row is None:
                raise wrong_state(
                    "草稿与当前版本相同, 无需保存 / the draft equals the latest version",
                    [StateProblem(matter.code, "内容未变 / nothing changed", "UNCHANGED")],
                )
            return A.SaveMatterDraftResponse(version=version_message(row))

        return self.uc.once(call, "SaveMatterDraft", request, A.SaveMatterDraftResponse, use_case)

    def publish(
        self, call: CallContext, request: A.PublishMatterVersionRequest
    ) -> A.PublishMatterVersionResponse:
        def use_case(session: Session) -> A.PublishMatterVersionResponse:
            today = self.uc.today()
            problems = required(request.matter_code, "matter_code", "事项编码")
            if request.version < 1:
                problems.append(FieldProblem("version", "版本必填 / version is required"))
            effective_on = iso_day(request.effective_on, "effective_on", "生效日期", problems)
            if effective_on is not None and effective_on < today:
                problems.append(FieldProblem("effective_on", "生效日期不能早于今天 / not before today"))
            if problems:
                raise invalid_input("发布信息有误 / the publication has errors", problems)
            assert effective_on is not None
            row = repository.matter_version(session, request.matter_code, request.version)
            if row is None:
                raise not_found(
                    "matter_version",
                    f"{request.matter_code}/{request.version}",
                    f"事项 {request.matter_code} 没有第 {request.version} 版 / no such version",
                )
            if row.state != repository.DRAFT:
                raise wrong_state(
                    "该版本已发布 / the version is already published",
                    [StateProblem(f"{row.matter_code}/{row.version}", "已发布 / published", "VERSION_STATE")],
                )
            if row.drafted_by == call.caller.user_id:
                raise permission_denied(
                    "双人复核: 不能发布自己起草的版本, 请由另一位中心管理员发布 / "
                    "two-person rule: another administrator publishes your draft"
                )
            problems = matter_rules.problems(repository.definition(row), repository.department_codes(session))
            if problems:
                raise invalid_input("草稿不符合目录规则 / the draft breaks the catalogue's rules", problems)
            versions.publish(
                session, row, by=call.caller.user_id, effective_on=effective_on, now=self.uc.clock.now()
            )
            return A.PublishMatterVersionResponse(version=version_message(row))

        return self.uc.once(call, "PublishMatterVersion", request, A.PublishMatterVersionResponse, use_case)

    def change_extension(
        self, call: CallContext, request: A.ChangeExtensionRequest
    ) -> A.ChangeExtensionResponse:
        def use_case(session: Session) -> A.ChangeExtensionResponse:
            matter = session.get(MatterRow, request.matter_code) if request.matter_code else None
            site = repository.site(session, request.site_code) if request.site_code else None
            problems = extension_decisions.problems(
                request, today=self.uc.today(), matter_known=matter is not None, site_known=site is not None
            )
            if problems:
                raise invalid_input("延伸调整信息有误 / the extension has errors", problems)
            assert matter is not None
            row = extension_decisions.record(
                session,
                request,
                department_code=matter.department_code,
                by=call.caller.user_id,
                now=self.uc.clock.now(),
            )
            session.flush()
            return A.ChangeExtensionResponse(extension=extension_decisions.message(row, matter.name))

        return self.uc.once(call, "ChangeExtension", request, A.ChangeExtensionResponse, use_case)

    def import_catalogue(
        self, call: CallContext, request: A.ImportCatalogueRequest
    ) -> A.ImportCatalogueResponse:
        def use_case(session: Session) -> A.ImportCatalogueResponse:
            if not request.format:
                raise invalid_input(
                    "请选择文件格式 / choose a format",
                    [FieldProblem("format", "请选择 JSON 或 xlsx / json or xlsx")],
                )
            if not request.content:
                raise invalid_input(
                    "目录文件为空 / the file is empty", [FieldProblem("content", "必填 / required")]
                )
            parsed = parse(request.format, request.content)
            return import_file(
                session,
                parsed,
                by=call.caller.user_id,
                today=self.uc.today(),
                now=self.uc.clock.now(),
                note=request.note,
            )

        return self.uc.once(call, "ImportCatalogue", request, A.ImportCatalogueResponse, use_case)
