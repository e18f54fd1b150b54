"""The hash chain of the accountability log, in the Python standard library only.

The application appends through `responsibilities.log`; `manage.py verify_log` and the offline
verifier (`python -m accountability.verifier FILE.jsonl`) check with `verify` here, so all three
agree on one canonical form. Nothing in this module may import Django or the project.

An entry is a dict with the keys of `FIELDS`:
    seq          int, 1, 2, 3 … without gaps
    at           str, the instant in UTC, ISO 8601 with microseconds and "Z" ("2026-06-30T02:00:00.000000Z")
    actor        int or None (the user's id; None: the system)
    actor_name   str ("" for the system)
    organization int or None
    object_type  str, the model's label ("reporting.reportversion")
    object_id    str
    action       str ("reportversion.signed")
    payload      dict of JSON values (no floats)
Its canonical bytes are `json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
in UTF-8, and hash = SHA-256(prev_hash ‖ canonical bytes) in lower-case hex, where prev_hash is the
previous entry's hash as 64 ASCII hex digits (GENESIS for the first entry).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor", "actor_name", "organization", "object_type", "object_id", "action", "payload")


def canonical(entry: dict) -> bytes:
    """The canonical bytes of one entry (only the keys of FIELDS are taken). Raises KeyError if one is missing."""
    return json.dumps(
        {key: entry[key] for key in FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def entry_hash(prev_hash: str, entry: dict) -> str:
    """SHA-256(prev_hash ‖ canonical(entry)) as 64 lower-case hex digits."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What a verification found: `ok`, how many entries were read, the last good (seq, hash), and
    for a broken chain the first bad sequence number and the reason, in Chinese."""

    ok: bool
    count: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""

    def line(self) -> str:
        if self.ok:
            return f"OK {self.count} entries, head {self.head_seq}:{self.head_hash}"
        return f"BROKEN at #{self.bad_seq}: {self.reason}"


def verify(rows: Iterable[dict], *, start_prev: str = GENESIS, start_seq: int = 1) -> Verdict:
    """Check a run of rows in sequence order. Each row carries the entry's FIELDS plus `prev_hash`
    and `hash`; a row with `"redacted": true` carries only seq, prev_hash and hash (context for an
    export filtered to a subtree: its linkage is checked, its content is not).

    The first row must have seq `start_seq` and prev_hash `start_prev` (GENESIS for a whole chain).
    Stops at the first fault; never raises on bad data."""
    expected_seq, expected_prev = start_seq, start_prev
    count, head_seq, head_hash = 0, start_seq - 1, start_prev
    for row in rows:
        seq = row.get("seq")
        if seq != expected_seq:
            bad = expected_seq if not isinstance(seq, int) or seq > expected_seq else seq
            what = "缺少条目" if isinstance(seq, int) and seq > expected_seq else "序号重复或错序"
            return Verdict(False, count, head_seq, head_hash, bad, f"{what}：应为 #{expected_seq}，实为 {seq!r}")
        if row.get("prev_hash") != expected_prev:
            return Verdict(False, count, head_seq, head_hash, seq, "prev_hash 与前一条目的哈希不符")
        if not row.get("redacted"):
            try:
                computed = entry_hash(expected_prev, row)
            except (KeyError, TypeError, ValueError) as error:
                return Verdict(False, count, head_seq, head_hash, seq, f"条目不完整：{error}")
            if computed != row.get("hash"):
                return Verdict(False, count, head_seq, head_hash, seq, "内容与哈希不符（条目被改动）")
        elif not _is_hex64(row.get("hash")):
            return Verdict(False, count, head_seq, head_hash, seq, "哈希格式错误")
        count += 1
        head_seq, head_hash = seq, row["hash"]
        expected_seq, expected_prev = seq + 1, row["hash"]
    return Verdict(True, count, head_seq, head_hash)


def _is_hex64(value) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def read_jsonl(lines: Iterable[str]) -> Iterator[dict]:
    """Rows from a JSON-lines export; a line that is not a JSON object becomes an empty row (which
    `verify` reports as out of sequence)."""
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError:
            row = {}
        yield row if isinstance(row, dict) else {}
