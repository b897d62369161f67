"""argparse in Chinese: the usage line, the help headings and the argument errors.

argparse looks every text up through gettext (its module-level `_` and `ngettext`). The parser
below puts a Chinese catalogue in their place while it builds, formats and parses, and the
originals back afterwards, so nothing else in the process that uses argparse (pytest, say) is
touched. The CLI is single-threaded; the swap is not meant for threads.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

# Every message argparse shows a person, keyed by argparse's own text (msgid). Messages about
# mistakes in the parser's construction are for developers and are included only so that a
# test can check that none is forgotten.
MESSAGES: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "subcommands": "子命令",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "以下参数必须给出其中一个：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能给一个值",
    "expected at least one argument": "至少需要一个值",
    "ignored explicit argument %r": "多余的值 %r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "%(type)s 的值无效：%(value)r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "没有子命令 %(parser_name)r（可选：%(choices)s）"
    ),
    "can't open '%(filename)s': %(error)s": "无法打开文件“%(filename)s”：%(error)s",
    'argument "-" with mode %r': "参数“-”不能以模式 %r 打开",
    "unexpected option string: %s": "意外的选项：%s",
    "%r is not callable": "%r 不可调用",
    "'required' is an invalid argument for positionals": "位置参数不能设置 required",
    ".__call__() not defined": ".__call__() 未定义",
    "cannot have multiple subparser arguments": "不能有多个子命令参数",
    "cannot merge actions - two groups are named %r": "无法合并参数：两个参数组都叫 %r",
    "conflicting subparser alias: %s": "子命令别名冲突：%s",
    "conflicting subparser: %s": "子命令冲突：%s",
    "dest= is required for options like %r": "选项 %r 需要指定 dest=",
    "invalid conflict_resolution value: %r": "conflict_resolution 的值无效：%r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r": (
        "选项 %(option)r 无效：必须以 %(prefix_chars)r 中的字符开头"
    ),
    "mutually exclusive arguments must be optional": "互斥的参数必须是选项",
}
# ngettext's messages: (singular, plural) -> one Chinese text for both.
PLURALS: dict[tuple[str, str], str] = {
    ("expected %s argument", "expected %s arguments"): "需要 %s 个值",
    ("conflicting option string: %s", "conflicting option strings: %s"): "选项冲突：%s",
}


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return PLURALS.get((singular, plural)) or (singular if count == 1 else plural)


@contextmanager
def chinese() -> Iterator[None]:
    """argparse speaks Chinese inside this block."""
    saved = (vars(argparse)["_"], vars(argparse)["ngettext"])
    setattr(argparse, "_", _gettext)  # noqa: B010  (a module global, not an attribute we own)
    setattr(argparse, "ngettext", _ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010


class ArgumentParser(argparse.ArgumentParser):
    """argparse.ArgumentParser whose own texts are Chinese; its subcommands' parsers too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The headings ("positional arguments", "options") and -h's help are made here.
        with chinese():
            super().__init__(*args, **kwargs)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        # "unrecognized arguments" is looked up here, outside parse_known_args.
        with chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with chinese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese():
            text = super().format_help()
        # argparse ends each heading with an ASCII colon; Chinese takes the full-width one.
        for group in self._action_groups:
            if group.title:
                text = text.replace(f"\n{group.title}:\n", f"\n{group.title}：\n")
        return text

    def error(self, message: str) -> NoReturn:
        with chinese():
            super().error(message)
