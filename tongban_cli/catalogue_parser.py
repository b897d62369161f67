"""The catalogue administration subcommands' arguments, under `tongban catalog`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TypeAlias

from tongban_cli import catalogue_commands as run
from tongban_cli.argparse_zh import ArgumentParser
from tongban_cli.specs import parse_date

Handler = Callable[[argparse.Namespace], int]
Subparsers: TypeAlias = "argparse._SubParsersAction[ArgumentParser]"
Leaf = Callable[[Subparsers, str, Handler, str, Sequence[ArgumentParser]], ArgumentParser]


def _version(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100000:
        raise argparse.ArgumentTypeError(f"版本“{text}”应为正整数")
    return int(text)


def add_admin(
    leaves: Subparsers, common: ArgumentParser, keyed: Sequence[ArgumentParser], leaf: Leaf
) -> None:
    draft = leaf(
        leaves,
        "draft",
        run.draft,
        "起草事项（新事项或新版本）：保存为草稿，待起草人以外的中心管理员发布",
        keyed,
    )
    draft.add_argument(
        "file", metavar="FILE", help="事项 JSON（可用 tongban catalog show CODE --json 的输出修改）"
    )
    draft.add_argument("--note", help="修订说明")
    versions = leaf(leaves, "versions", run.versions, "事项的版本历史", [common])
    versions.add_argument("code", metavar="CODE", help="事项编码")
    diff = leaf(leaves, "diff", run.diff, "比较事项的两个版本", [common])
    diff.add_argument("code", metavar="CODE", help="事项编码")
    diff.add_argument("before", metavar="FROM", type=_version, help="原版本")
    diff.add_argument("after", metavar="TO", type=_version, help="新版本")
    publish = leaf(leaves, "publish", run.publish, "发布草稿（双人复核：不能发布自己起草的版本）", keyed)
    publish.add_argument("code", metavar="CODE", help="事项编码")
    publish.add_argument("version", metavar="VERSION", type=_version, help="草稿版本")
    publish.add_argument("--effective", required=True, type=parse_date, metavar="DATE", help="生效日期")
    extend = leaf(
        leaves, "extend", run.extend, "事项延伸到站点层级或站点（--withdraw 收回），自生效日期起", keyed
    )
    extend.add_argument("code", metavar="CODE", help="事项编码")
    extend.add_argument("--level", metavar="LEVEL", help="站点层级：county、township、village")
    extend.add_argument("--site", metavar="CODE", help="站点编码")
    extend.add_argument("--withdraw", action="store_true", help="收回：自生效日期起该站点不再受理")
    extend.add_argument("--effective", required=True, type=parse_date, metavar="DATE", help="生效日期")
    extend.add_argument("--document", required=True, metavar="文号", help="决定文号")
    extend.add_argument("--document-date", required=True, type=parse_date, metavar="DATE", help="文件日期")
    listing = leaf(leaves, "extensions", run.extensions, "事项延伸调整记录", [common])
    listing.add_argument("--matter", metavar="CODE", help="事项编码")
    listing.add_argument("--site", metavar="CODE", help="站点编码")
    hall = leaf(leaves, "hall", run.hall, "打印站点的进驻事项目录", [common])
    hall.add_argument("site", metavar="SITE", help="站点编码")
    hall.add_argument("--on", type=parse_date, metavar="DATE", help="日期（默认今天）")
    hall.add_argument("--html", action="store_true", help="输出 HTML 页面")
    export = leaf(leaves, "export", run.export, "导出整个事项目录（.json 或 .xlsx）", [common])
    export.add_argument("--output", "-o", required=True, metavar="FILE", help="输出文件，如 目录.xlsx")
    imports = leaf(leaves, "import", run.import_file, "导入事项目录：先整体校验，有错全部列出且不导入", keyed)
    imports.add_argument("file", metavar="FILE", help="目录文件（.json 或 .xlsx）")
    imports.add_argument("--note", help="修订说明")
