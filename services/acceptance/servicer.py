"""gRPC servicers: translate between the contract and the use cases, nothing more."""

from __future__ import annotations

import grpc
from tongban.acceptance.v1 import (
    acceptance_pb2,
    acceptance_pb2_grpc,
    catalog_admin_pb2,
    catalog_admin_pb2_grpc,
    catalog_pb2,
    catalog_pb2_grpc,
)

from services.acceptance.catalogue_commands import CatalogueCommands
from services.acceptance.catalogue_queries import CatalogueQueries
from services.acceptance.commands import CaseCommands
from services.acceptance.queries import CaseQueries, Catalog
from services.common.calls import current_call
from services.common.errors import grpc_errors


class CatalogServicer(catalog_pb2_grpc.CatalogServiceServicer):
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @grpc_errors
    def ListMatters(
        self, request: catalog_pb2.ListMattersRequest, context: grpc.ServicerContext
    ) -> catalog_pb2.ListMattersResponse:
        return self.catalog.list_matters(request)

    @grpc_errors
    def GetMatter(
        self, request: catalog_pb2.GetMatterRequest, context: grpc.ServicerContext
    ) -> catalog_pb2.GetMatterResponse:
        return self.catalog.get_matter(request)

    @grpc_errors
    def ListDepartments(
        self, request: catalog_pb2.ListDepartmentsRequest, context: grpc.ServicerContext
    ) -> catalog_pb2.ListDepartmentsResponse:
        return self.catalog.list_departments()

    @grpc_errors
    def ListSites(
        self, request: catalog_pb2.ListSitesRequest, context: grpc.ServicerContext
    ) -> catalog_pb2.ListSitesResponse:
        return self.catalog.list_sites()


class AcceptanceServicer(acceptance_pb2_grpc.AcceptanceServiceServicer):
    def __init__(self, commands: CaseCommands, queries: CaseQueries) -> None:
        self.commands = commands
        self.queries = queries

    @grpc_errors
    def SubmitApplication(
        self, request: acceptance_pb2.SubmitApplicationRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.SubmitApplicationResponse:
        return self.commands.submit(current_call(), request)

    @grpc_errors
    def SupplementMaterials(
        self, request: acceptance_pb2.SupplementMaterialsRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.SupplementMaterialsResponse:
        return self.commands.supplement(current_call(), request)

    @grpc_errors
    def WithdrawCase(
        self, request: acceptance_pb2.WithdrawCaseRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.WithdrawCaseResponse:
        return self.commands.withdraw(current_call(), request)

    @grpc_errors
    def CompleteInstantCase(
        self, request: acceptance_pb2.CompleteInstantCaseRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.CompleteInstantCaseResponse:
        return self.commands.complete_instant(current_call(), request)

    @grpc_errors
    def IssueResult(
        self, request: acceptance_pb2.IssueResultRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.IssueResultResponse:
        return self.commands.issue_result(current_call(), request)

    @grpc_errors
    def GetCase(
        self, request: acceptance_pb2.GetCaseRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.GetCaseResponse:
        return self.queries.get_case(current_call(), request)

    @grpc_errors
    def ListCases(
        self, request: acceptance_pb2.ListCasesRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.ListCasesResponse:
        return self.queries.list_cases(current_call(), request)

    @grpc_errors
    def GetDocument(
        self, request: acceptance_pb2.GetDocumentRequest, context: grpc.ServicerContext
    ) -> acceptance_pb2.GetDocumentResponse:
        return self.queries.get_document(current_call(), request)


class CatalogAdminServicer(catalog_admin_pb2_grpc.CatalogAdminServiceServicer):
    def __init__(self, commands: CatalogueCommands, queries: CatalogueQueries) -> None:
        self.commands = commands
        self.queries = queries

    @grpc_errors
    def SaveMatterDraft(
        self, request: catalog_admin_pb2.SaveMatterDraftRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.SaveMatterDraftResponse:
        return self.commands.save_draft(current_call(), request)

    @grpc_errors
    def PublishMatterVersion(
        self, request: catalog_admin_pb2.PublishMatterVersionRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.PublishMatterVersionResponse:
        return self.commands.publish(current_call(), request)

    @grpc_errors
    def ListMatterVersions(
        self, request: catalog_admin_pb2.ListMatterVersionsRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.ListMatterVersionsResponse:
        return self.queries.versions(request)

    @grpc_errors
    def GetMatterVersion(
        self, request: catalog_admin_pb2.GetMatterVersionRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.GetMatterVersionResponse:
        return self.queries.version(request)

    @grpc_errors
    def DiffMatterVersions(
        self, request: catalog_admin_pb2.DiffMatterVersionsRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.DiffMatterVersionsResponse:
        return self.queries.diff(request)

    @grpc_errors
    def ChangeExtension(
        self, request: catalog_admin_pb2.ChangeExtensionRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.ChangeExtensionResponse:
        return self.commands.change_extension(current_call(), request)

    @grpc_errors
    def ListExtensions(
        self, request: catalog_admin_pb2.ListExtensionsRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.ListExtensionsResponse:
        return self.queries.extensions(request)

    @grpc_errors
    def GetSiteCatalogue(
        self, request: catalog_admin_pb2.GetSiteCatalogueRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.GetSiteCatalogueResponse:
        return self.queries.site_catalogue(request)

    @grpc_errors
    def ExportCatalogue(
        self, request: catalog_admin_pb2.ExportCatalogueRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.ExportCatalogueResponse:
        return self.queries.export(request)

    @grpc_errors
    def ImportCatalogue(
        self, request: catalog_admin_pb2.ImportCatalogueRequest, context: grpc.ServicerContext
    ) -> catalog_admin_pb2.ImportCatalogueResponse:
        return self.commands.import_catalogue(current_call(), request)
