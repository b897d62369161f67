"""A published version and a changed extension reach supervision through the real processes, as
typed events it keeps with every other: the catalogue's changes are on the record."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from tongban.acceptance.v1 import catalog_admin_pb2 as M
from tongban.acceptance.v1 import catalog_admin_pb2_grpc, catalog_pb2, catalog_pb2_grpc
from tongban.acceptance.v1 import events_pb2 as E
from tongban.supervision.v1 import supervision_pb2, supervision_pb2_grpc

from tests.e2e.conftest import Stack, running_stack
from tests.support import payloads, wait_until

pytestmark = pytest.mark.e2e

MATTER = "320826-MZ-GG-004"  # 临时救助申请: township-decided, promised 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("catalogue-events")) as started:
        yield started


def _auth(stack: Stack, user: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {stack.token(user)}")]


def test_publication_and_extension_are_on_supervisions_record(stack: Stack) -> None:
    with grpc.insecure_channel(stack.gateway) as channel:
        catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        admin = catalog_admin_pb2_grpc.CatalogAdminServiceStub(channel)
        matter = catalog.GetMatter(
            catalog_pb2.GetMatterRequest(code=MATTER), metadata=_auth(stack, "catalogue-mz")
        ).matter
        matter.promised_limit_days = 8
        draft = admin.SaveMatterDraft(
            M.SaveMatterDraftRequest(request_id="e2e-draft-1", matter=matter),
            metadata=_auth(stack, "catalogue-mz"),
        ).version
        admin.PublishMatterVersion(
            M.PublishMatterVersionRequest(
                request_id="e2e-publish-1",
                matter_code=MATTER,
                version=draft.version,
                effective_on="2026-09-29",
            ),
            metadata=_auth(stack, "admin-county"),
        )
        admin.ChangeExtension(
            M.ChangeExtensionRequest(
                request_id="e2e-extend-1",
                matter_code=MATTER,
                site_code="320826102",
                action=M.EXTENSION_ACTION_WITHDRAW,
                effective_on="2026-10-08",
                document_number="涟政办发〔2026〕20号",
                document_date="2026-09-28",
            ),
            metadata=_auth(stack, "admin-county"),
        )
        supervision = supervision_pb2_grpc.SupervisionServiceStub(channel)

        def received() -> list[supervision_pb2.ReceivedEvent] | None:
            found = supervision.ListReceivedEvents(
                supervision_pb2.ListReceivedEventsRequest(aggregate_id=MATTER, source="acceptance"),
                metadata=_auth(stack, "inspector-county"),
            ).events
            return list(found) if len(found) >= 2 else None

        events = [r.event for r in wait_until(received, what="the catalogue's events at supervision")]
    (published,) = payloads(events, E.MatterVersionPublished)
    assert (published.version, published.drafted_by, published.published_by) == (
        2,
        "catalogue-mz",
        "admin-county",
    )
    assert (published.promised_limit_days, published.changed_field_count) == (8, 1)
    (changed,) = payloads(events, E.MatterExtensionChanged)
    assert (changed.site_code, changed.extended, changed.effective_on) == ("320826102", False, "2026-10-08")


def test_the_two_person_rule_with_the_demo_accounts(stack: Stack) -> None:
    """Through the gateway with signed-in tokens: 县民政局's catalogue officer may not draft 县公安局's
    matter nor publish; the administrator's own draft waits for another administrator."""
    other = "320826-GA-GG-002"
    with grpc.insecure_channel(stack.gateway) as channel:
        catalog = catalog_pb2_grpc.CatalogServiceStub(channel)
        admin = catalog_admin_pb2_grpc.CatalogAdminServiceStub(channel)
        matter = catalog.GetMatter(
            catalog_pb2.GetMatterRequest(code=other), metadata=_auth(stack, "catalogue-mz")
        ).matter
        matter.legal_basis += "；《公安部关于临时身份证明的规定》"
        with pytest.raises(grpc.RpcError) as refused:
            admin.SaveMatterDraft(
                M.SaveMatterDraftRequest(request_id="e2e-draft-other", matter=matter),
                metadata=_auth(stack, "catalogue-mz"),
            )
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        own = admin.SaveMatterDraft(
            M.SaveMatterDraftRequest(request_id="e2e-draft-admin", matter=matter),
            metadata=_auth(stack, "admin-county"),
        ).version
        for user in ("catalogue-mz", "admin-county"):
            with pytest.raises(grpc.RpcError) as refused:
                admin.PublishMatterVersion(
                    M.PublishMatterVersionRequest(
                        request_id=f"e2e-publish-{user}",
                        matter_code=other,
                        version=own.version,
                        effective_on="2026-12-31",
                    ),
                    metadata=_auth(stack, user),
                )
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED, user
        versions = admin.ListMatterVersions(
            M.ListMatterVersionsRequest(matter_code=other), metadata=_auth(stack, "catalogue-mz")
        ).versions
        assert [(v.version, v.state) for v in versions] == [
            (2, M.VERSION_STATE_DRAFT),
            (1, M.VERSION_STATE_PUBLISHED),
        ]
