"""verify_log, export_log and the offline verifier agree on an intact chain, a broken one, an anchor
and a filtered export; the offline verifier runs where Django cannot even be imported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accountability.models import ChainCheck
from responsibilities import chain as chain_module
from responsibilities.log import LogEntry, head
from tests.accountability.log.conftest import tamper

ROOT = Path(settings.BASE_DIR)


def verify_log(*args) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_log", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, err.getvalue().strip()
    return 0, out.getvalue().strip()


def export(tmp_path, *args) -> Path:
    path = tmp_path / "log.jsonl"
    call_command("export_log", "--out", str(path), *args, stdout=StringIO())
    return path


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> Path:
    """A folder holding only the verifier and the chain module, as copied to an offline machine."""
    folder = tmp_path_factory.mktemp("offline")
    for relative in ("accountability/verifier.py", "responsibilities/chain.py"):
        (folder / relative).parent.mkdir(exist_ok=True)
        (folder / relative).parent.joinpath("__init__.py").touch()
        shutil.copy(ROOT / relative, folder / relative)
    return folder


def offline_verify(folder: Path, path: Path, *args) -> tuple[int, str]:
    # -S: no site-packages (so no Django), -E: no PYTHON* variables; the folder is the working directory.
    done = subprocess.run([sys.executable, "-S", "-E", "-m", "accountability.verifier", str(path), *args],
                          cwd=folder, capture_output=True, text=True, timeout=60)
    return done.returncode, (done.stdout + done.stderr).strip()


def test_django_cannot_be_imported_where_the_offline_verifier_runs(offline):
    done = subprocess.run([sys.executable, "-S", "-E", "-c", "import django"], cwd=offline, capture_output=True)
    assert done.returncode == 1 and b"ModuleNotFoundError" in done.stderr


def test_an_intact_chain_is_ok_and_the_check_is_recorded(chain):
    seq, digest = head()

    assert verify_log() == (0, f"OK 12 entries, head {digest}")
    check = ChainCheck.objects.get()
    assert (check.ok, check.count, check.head_seq, check.head_hash, check.bad_seq) == (True, 12, 12, digest, None)


def test_a_changed_payload_is_named_by_its_sequence_number(chain):
    tamper("UPDATE responsibilities_logentry SET payload = %s WHERE seq = 5", [json.dumps({"parent": None})])

    assert verify_log() == (1, "BROKEN at #5: 内容与哈希不符（条目被改动）")
    check = ChainCheck.objects.get()
    assert (check.ok, check.count, check.head_seq, check.bad_seq) == (False, 4, 4, 5)


def test_a_deleted_entry_is_named(chain):
    tamper("DELETE FROM responsibilities_logentry WHERE seq = 7")

    assert verify_log() == (1, "BROKEN at #7: 缺少条目：应为 #7，实为 8")


def test_the_anchor_is_checked(chain):
    digest = LogEntry.objects.get(seq=6).hash

    assert verify_log("--anchor", f"6:{digest}") == (0, f"OK 12 entries, head {head()[1]}\nanchor #6 matches")
    assert verify_log("--anchor", f"6:{'a' * 64}")[0] == 1
    assert verify_log("--anchor", f"6:{'a' * 64}")[1].startswith("BROKEN at #6: 与存证锚点不符")
    assert verify_log("--anchor", f"99:{digest}") == (
        1, "BROKEN at #99: 存证锚点所指的条目 #99 不存在（链条只到 #12，可能被截短）")
    assert ChainCheck.objects.filter(anchor=f"6:{digest}", ok=True).count() == 1


def test_a_malformed_anchor_is_refused_in_chinese(chain):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="存证锚点应写作"):
        call_command("verify_log", "--anchor", "6:xyz")


def test_a_rewritten_tail_passes_alone_but_not_against_an_earlier_anchor(chain):
    anchor = f"10:{LogEntry.objects.get(seq=10).hash}"
    # Rewrite entry 10 and re-hash everything after it: the chain is consistent again.
    tamper("UPDATE responsibilities_logentry SET actor_name = 'X' WHERE seq = 10")
    rows = [e.as_row() for e in LogEntry.objects.filter(seq__gte=10).order_by("seq")]
    prev = LogEntry.objects.get(seq=9).hash
    for row in rows:
        digest = chain_module.entry_hash(prev, row)
        tamper("UPDATE responsibilities_logentry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, row["seq"]])
        prev = digest

    assert verify_log()[0] == 0
    code, line = verify_log("--anchor", anchor)
    assert code == 1 and line.startswith("BROKEN at #10: 与存证锚点不符")


def test_the_offline_verifier_agrees_on_an_intact_export(chain, tmp_path, offline):
    path = export(tmp_path)

    assert offline_verify(offline, path) == verify_log()
    digest = LogEntry.objects.get(seq=3).hash
    assert offline_verify(offline, path, "--anchor", f"3:{digest}") == verify_log("--anchor", f"3:{digest}")


def test_the_offline_verifier_agrees_on_a_broken_export(chain, tmp_path, offline):
    tamper("UPDATE responsibilities_logentry SET object_id = '999' WHERE seq = 9")
    path = export(tmp_path)

    assert offline_verify(offline, path) == verify_log() == (1, "BROKEN at #9: 内容与哈希不符（条目被改动）")


def test_a_filtered_export_redacts_the_rest_and_still_verifies(chain, tmp_path, offline):
    path = export(tmp_path, "--org", str(chain.county_b.pk))

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [row["seq"] for row in lines] == list(range(1, 13))
    full = [row["seq"] for row in lines if not row.get("redacted")]
    assert full == [3, 6]  # B县委 and its town
    assert set(lines[0]) == {"seq", "prev_hash", "hash", "redacted"}
    assert offline_verify(offline, path) == (0, f"OK 12 entries, head {head()[1]}")


def test_an_export_by_dates_outside_every_entry_redacts_all(chain, tmp_path, offline):
    path = export(tmp_path, "--from", "2000-01-01", "--to", "2000-12-31")

    assert all(json.loads(line).get("redacted") for line in path.read_text(encoding="utf-8").splitlines())
    assert offline_verify(offline, path)[0] == 0


def test_an_unreadable_line_in_an_export_is_reported(chain, tmp_path, offline):
    path = export(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "not json"
    path.write_text("\n".join(lines), encoding="utf-8")

    assert offline_verify(offline, path) == (1, "BROKEN at #4: 序号重复或错序：应为 #4，实为 None")
