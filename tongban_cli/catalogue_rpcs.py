"""The catalogue administration RPCs the CLI calls (tongban_cli.client.Rpc)."""

from __future__ import annotations

from tongban.acceptance.v1 import catalog_admin_pb2 as A

from tongban_cli.client import Rpc

_ADMIN = A.DESCRIPTOR.services_by_name["CatalogAdminService"].full_name

SAVE_MATTER_DRAFT = Rpc(_ADMIN, "SaveMatterDraft", A.SaveMatterDraftResponse, mutating=True)
PUBLISH_MATTER_VERSION = Rpc(_ADMIN, "PublishMatterVersion", A.PublishMatterVersionResponse, mutating=True)
LIST_MATTER_VERSIONS = Rpc(_ADMIN, "ListMatterVersions", A.ListMatterVersionsResponse)
GET_MATTER_VERSION = Rpc(_ADMIN, "GetMatterVersion", A.GetMatterVersionResponse)
DIFF_MATTER_VERSIONS = Rpc(_ADMIN, "DiffMatterVersions", A.DiffMatterVersionsResponse)
CHANGE_EXTENSION = Rpc(_ADMIN, "ChangeExtension", A.ChangeExtensionResponse, mutating=True)
LIST_EXTENSIONS = Rpc(_ADMIN, "ListExtensions", A.ListExtensionsResponse)
GET_SITE_CATALOGUE = Rpc(_ADMIN, "GetSiteCatalogue", A.GetSiteCatalogueResponse)
EXPORT_CATALOGUE = Rpc(_ADMIN, "ExportCatalogue", A.ExportCatalogueResponse)
IMPORT_CATALOGUE = Rpc(_ADMIN, "ImportCatalogue", A.ImportCatalogueResponse, mutating=True)
