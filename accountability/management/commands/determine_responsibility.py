"""`python manage.py determine_responsibility SCENARIO.json`: who bears which responsibility.

Reads a scenario (accountability/responsibility.py's input; "-" reads standard input), prints the
determination as JSON (UTF-8, keys sorted) on standard output and exits 0. A file that cannot be
read, is not JSON, or describes a scenario the rule cannot be applied to: a Chinese message on
standard error and exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accountability.responsibility import ScenarioError, determine_responsibility

BAD_INPUT = 2


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise CommandError(
            f"JSON 中同一对象的字段重复：{'、'.join(repeated)}。", returncode=BAD_INPUT
        )
    return dict(pairs)


def _utf8(stream) -> None:
    """Chinese output whatever the locale: a real console stream is switched to UTF-8."""
    reconfigure = getattr(stream, "reconfigure", None)
    if (
        reconfigure is not None
        and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8"
    ):
        reconfigure(encoding="utf-8")


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a pure computation: no model or setting is involved
    help = "按《党委（党组）意识形态工作责任制实施细则》第十三条认定领导班子成员的责任，以 JSON 输出（出错时退出码为 2）。"

    def add_arguments(self, parser):
        parser.add_argument("scenario", help="情形 JSON 文件路径；用 - 从标准输入读取")

    def handle(self, *args, scenario: str, **options):
        _utf8(sys.stdout)
        _utf8(sys.stderr)
        text = self._read(scenario)
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列有语法错误。",
                returncode=BAD_INPUT,
            ) from error
        try:
            result = determine_responsibility(data)
        except ScenarioError as error:
            raise CommandError(f"情形数据有误：{error}", returncode=BAD_INPUT) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True, indent=2))

    def _read(self, scenario: str) -> str:
        if scenario == "-":
            return sys.stdin.read()
        path = Path(scenario)
        if not path.is_file():
            raise CommandError(f"文件不存在或不是普通文件：{scenario}", returncode=BAD_INPUT)
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"文件不是 UTF-8 编码的文本：{scenario}", returncode=BAD_INPUT
            ) from error
