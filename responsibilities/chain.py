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


# json.dumps(..., sort_keys=True, separators=(",", ":"), ensure_ascii=False), built once: json.dumps
# with arguments builds a new encoder per call, which costs more than the hashing.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_string = json.encoder.encode_basestring  # what _ENCODER does with a str (C), without its dispatch


def canonical(entry: dict) -> bytes:
    """The canonical bytes of one entry (only the keys of FIELDS are taken). Raises KeyError if one is missing.

    Exactly `json.dumps({k: entry[k] for k in FIELDS}, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False).encode()`; for the usual types the fixed keys are written in their sorted
    order directly (verification of a long chain spends its time here)."""
    seq, actor, organization = entry["seq"], entry["actor"], entry["organization"]
    texts = entry["action"], entry["actor_name"], entry["at"], entry["object_id"], entry["object_type"]
    if (
        type(seq) is int and (actor is None or type(actor) is int)
        and (organization is None or type(organization) is int)
        and all(type(text) is str for text in texts)
    ):
        action, actor_name, at, object_id, object_type = map(_string, texts)
        return (
            f'{{"action":{action},"actor":{"null" if actor is None else actor},"actor_name":{actor_name},'
            f'"at":{at},"object_id":{object_id},"object_type":{object_type},'
            f'"organization":{"null" if organization is None else organization},'
            f'"payload":{_ENCODER.encode(entry["payload"])},"seq":{seq}}}'
        ).encode()
    return _ENCODER.encode({key: entry[key] for key in FIELDS}).encode("utf-8")


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
        """What `manage.py verify_log` and the offline verifier print: "OK <count> entries, head <hash>"
        or "BROKEN at #<seq>: <reason>"."""
        if self.ok:
            return f"OK {self.count} entries, head {self.head_hash}"
        return f"BROKEN at #{self.bad_seq}: {self.reason}"


def verify(
    rows: Iterable[dict], *, start_prev: str = GENESIS, start_seq: int = 1, anchor: tuple[int, str] | None = None
) -> Verdict:
    """Check a run of rows in sequence order. Each row carries the entry's FIELDS plus `prev_hash`
    and `hash`; a row with `"redacted": true` carries only seq, prev_hash and hash (context for an
    export filtered to a subtree: its linkage is checked, its content is not).

    The first row must have seq `start_seq` and prev_hash `start_prev` (GENESIS for a whole chain).
    With `anchor` (seq, hash), e.g. as printed on a signed document, the entry `seq` must also be
    present with that hash: a chain rewritten after the document was issued, or cut short before
    it, fails there. Stops at the first fault; never raises on bad data."""
    verdict = _verify(rows, start_prev, start_seq, anchor)
    if verdict.ok and anchor is not None and anchor[0] > verdict.head_seq:
        return Verdict(False, verdict.count, verdict.head_seq, verdict.head_hash, anchor[0],
                       f"存证锚点所指的条目 #{anchor[0]} 不存在（链条只到 #{verdict.head_seq}，可能被截短）")
    return verdict


def _verify(rows: Iterable[dict], start_prev: str, start_seq: int, anchor: tuple[int, str] | None) -> Verdict:
    anchor_seq, anchor_hash = anchor if anchor is not None else (None, None)
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
        if seq == anchor_seq and row["hash"] != anchor_hash:
            return Verdict(False, count, head_seq, head_hash, seq,
                           f"与存证锚点不符：锚点哈希为 {anchor_hash[:16]}…，日志中为 {str(row['hash'])[:16]}…（链条被改写）")
        count += 1
        head_seq, head_hash = seq, row["hash"]
        expected_seq, expected_prev = seq + 1, row["hash"]
    return Verdict(True, count, head_seq, head_hash)


def parse_anchor(text: str) -> tuple[int, str]:
    """"SEQ:HASH" (the log head printed on a signed document, with the hash in full) → (seq, hash).
    Raises ValueError (Chinese message) unless it is a positive number, a colon and 64 hex digits."""
    seq, _sep, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not (seq.isascii() and seq.isdigit() and int(seq) > 0 and _is_hex64(digest)):
        raise ValueError("存证锚点应写作“序号:哈希”，哈希为 64 位十六进制数，例如 1234:9f2c…")
    return int(seq), digest


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
