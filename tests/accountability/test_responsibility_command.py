"""`manage.py determine_responsibility SCENARIO.json`: JSON out, Chinese errors with exit code 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

SCENARIO = {
    "members": [
        {"id": "a", "role": "first_responsible"},
        {"id": "b", "role": "direct_responsible"},
        {"id": "c", "role": "member", "in_charge": False},
    ],
    "decision": {"mode": "collective", "participants": ["a", "b", "c"], "opposed": ["c"]},
}

EXPECTED = """{
  "a": "main_leadership",
  "b": "main_leadership",
  "c": "none",
  "rules": {
    "a": {
      "clause": "《党委（党组）意识形态工作责任制实施细则》第十三条",
      "rule": "collective_principal",
      "text": "追究集体责任时，领导班子主要负责同志承担主要领导责任（不以是否参与该次决策为条件）。"
    },
    "b": {
      "clause": "《党委（党组）意识形态工作责任制实施细则》第十三条",
      "rule": "collective_direct",
      "text": "追究集体责任时，直接分管的领导班子成员承担主要领导责任（不以是否参与该次决策为条件）。"
    },
    "c": {
      "clause": "《党委（党组）意识形态工作责任制实施细则》第十三条",
      "rule": "collective_opposed",
      "text": "对错误决策提出明确反对意见而没有被采纳的，不承担领导责任。"
    }
  }
}
"""


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "scenario.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("determine_responsibility", *args, stdout=out)
    return out.getvalue()


def test_prints_the_determination_as_sorted_utf8_json(tmp_path):
    assert _run(_write(tmp_path, json.dumps(SCENARIO))) == EXPECTED


def test_reads_standard_input_for_a_dash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SCENARIO, ensure_ascii=False)))
    assert _run("-") == EXPECTED


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"members": [', "不是有效的 JSON：第 1 行第 14 列有语法错误。"),
        ("", "不是有效的 JSON：第 1 行第 1 列有语法错误。"),
        (
            '{"members": [], "members": []}',
            "JSON 中同一对象的字段重复：members。",
        ),
        (
            '{"members": [{"id": "a", "role": "member"}], "decision": {"mode": "collective", "participants": ["b"]}}',
            "情形数据有误：participants（参与决策的成员）中的 b 不是 members 中的成员。",
        ),
        (
            "[1, 2]",
            "情形数据有误：情形数据必须是一个对象，包含 members（领导班子成员）和 decision（决策情况）。",
        ),
    ],
)
def test_bad_input_is_a_chinese_command_error_with_exit_code_2(tmp_path, content, message):
    with pytest.raises(CommandError) as caught:
        _run(_write(tmp_path, content))
    assert str(caught.value) == message
    assert caught.value.returncode == 2


def test_a_missing_file_is_a_command_error_with_exit_code_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        _run(str(tmp_path / "nothing.json"))
    assert str(caught.value) == f"文件不存在或不是普通文件：{tmp_path / 'nothing.json'}"
    assert caught.value.returncode == 2


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes('{"members": "成员"}'.encode("gbk"))
    with pytest.raises(CommandError) as caught:
        _run(str(path))
    assert str(caught.value) == f"文件不是 UTF-8 编码的文本：{path}"


def test_the_real_command_line_writes_utf8_to_standard_output(tmp_path):
    manage = [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        "determine_responsibility",
    ]
    good = subprocess.run(
        [*manage, _write(tmp_path, json.dumps(SCENARIO))], capture_output=True, timeout=60
    )
    assert (good.returncode, good.stdout.decode("utf-8"), good.stderr) == (0, EXPECTED, b"")
