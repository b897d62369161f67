"""What the catalogue administration subcommands do: draft, versions, diff, publish, extend,
the hall's list, import and export. Each returns the exit code."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from google.protobuf import json_format
from tongban.acceptance.v1 import catalog_admin_pb2 as A
from tongban.acceptance.v1 import catalog_pb2 as C

from services.common import labels
from tongban_cli import commands
from tongban_cli.catalogue_rpcs import (
    CHANGE_EXTENSION,
    DIFF_MATTER_VERSIONS,
    EXPORT_CATALOGUE,
    GET_SITE_CATALOGUE,
    IMPORT_CATALOGUE,
    LIST_EXTENSIONS,
    LIST_MATTER_VERSIONS,
    PUBLISH_MATTER_VERSION,
    SAVE_MATTER_DRAFT,
)
from tongban_cli.client import CliError
from tongban_cli.render import catalogue as render

_FORMATS = {".json": A.CATALOGUE_FORMAT_JSON, ".xlsx": A.CATALOGUE_FORMAT_XLSX}


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CliError(f"无法读取文件 {path}：{error.strerror}") from None


def _matter_file(path: str) -> C.Matter:
    """A matter as protobuf JSON: the matter itself, or `tongban catalog show CODE --json`'s answer."""
    try:
        data = json.loads(_read(path).decode("utf-8"))
        if isinstance(data, dict) and isinstance(data.get("matter"), dict):
            data = data["matter"]
        return json_format.ParseDict(data, C.Matter())
    except (UnicodeDecodeError, json.JSONDecodeError, json_format.ParseError) as error:
        raise CliError(f"{path} 不是有效的事项 JSON：{str(error)[:200]}") from None


def draft(args: argparse.Namespace) -> int:
    request = A.SaveMatterDraftRequest(matter=_matter_file(args.file), note=args.note or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(SAVE_MATTER_DRAFT, request)
    return commands._emit(args, response, render.saved(response.version))


def versions(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_MATTER_VERSIONS, A.ListMatterVersionsRequest(matter_code=args.code))
    return commands._emit(args, response, render.version_list(response.versions))


def diff(args: argparse.Namespace) -> int:
    request = A.DiffMatterVersionsRequest(
        matter_code=args.code, from_version=args.before, to_version=args.after
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(DIFF_MATTER_VERSIONS, request)
    return commands._emit(args, response, render.diff(response, args.code, args.before, args.after))


def publish(args: argparse.Namespace) -> int:
    request = A.PublishMatterVersionRequest(
        matter_code=args.code, version=args.version, effective_on=args.effective
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(PUBLISH_MATTER_VERSION, request)
    return commands._emit(args, response, render.published(response.version))


def _level(text: str) -> int:
    number = labels.by_text(C.SiteLevel).get(text.strip().lower()) or labels.by_text(C.SiteLevel).get(
        text.strip()
    )
    if not number:
        raise commands.usage_error(f"站点层级“{text}”无效，应为 county、township 或 village（或其中文名称）")
    return number


def extend(args: argparse.Namespace) -> int:
    if bool(args.level) == bool(args.site):
        raise commands.usage_error("请指定 --level 站点层级 或 --site 站点编码，二者选一")
    request = A.ChangeExtensionRequest(
        matter_code=args.code,
        site_level=_level(args.level) if args.level else C.SITE_LEVEL_UNSPECIFIED,  # type: ignore[arg-type]
        site_code=args.site or "",
        action=A.EXTENSION_ACTION_WITHDRAW if args.withdraw else A.EXTENSION_ACTION_EXTEND,
        effective_on=args.effective,
        document_number=args.document,
        document_date=args.document_date,
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(CHANGE_EXTENSION, request)
    return commands._emit(args, response, "已记录：" + render.extension_line(response.extension))


def extensions(args: argparse.Namespace) -> int:
    request = A.ListExtensionsRequest(matter_code=args.matter or "", site_code=args.site or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_EXTENSIONS, request)
    return commands._emit(args, response, render.extension_list(response.extensions))


def hall(args: argparse.Namespace) -> int:
    request = A.GetSiteCatalogueRequest(site_code=args.site, on=args.on or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(GET_SITE_CATALOGUE, request)
    return commands._emit(args, response, response.html if args.html else response.text)


def export(args: argparse.Namespace) -> int:
    chosen = _FORMATS.get(Path(args.output).suffix.lower())
    if chosen is None:
        raise commands.usage_error("导出文件须以 .json 或 .xlsx 结尾")
    with commands._gateway(args) as gateway:
        response = gateway.call(EXPORT_CATALOGUE, A.ExportCatalogueRequest(format=chosen))
    Path(args.output).write_bytes(response.content)
    return commands._emit(
        args,
        A.ExportCatalogueResponse(
            format=response.format, file_name=response.file_name, matter_count=response.matter_count
        ),
        f"已导出 {response.matter_count} 个事项到 {args.output}",
    )


def import_file(args: argparse.Namespace) -> int:
    chosen = _FORMATS.get(Path(args.file).suffix.lower())
    if chosen is None:
        raise commands.usage_error("导入文件须以 .json 或 .xlsx 结尾")
    request = A.ImportCatalogueRequest(format=chosen, content=_read(args.file), note=args.note or "")
    with commands._gateway(args) as gateway:
        response = gateway.call(IMPORT_CATALOGUE, request)
    return commands._emit(args, response, render.imported(response))
